"""User-facing messages: Chinese by default, English on request.

Code writes a message once, as an English template with named fields: `msg("{path}: no such file", path=p)`.
A Msg *is* its English text (a str), so logs, tests and exceptions read naturally; `render(lang)`
gives the Chinese from the catalog below. Fields that are themselves Msgs, or terms such as level
names, are rendered in the same language. tests/geo/core/test_i18n.py checks that every template in
the code has its Chinese here.
"""

from enum import Enum
from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
DEFAULT_LANG: Lang = "zh"

TERMS_ZH = {
    "district": "区县", "street": "街道", "community": "社区", "grid": "网格",
    # geo.access.permissions.Permission
    "read_boundaries": "查看边界", "read_aggregates": "查看统计", "read_cases": "查看案件", "create_case": "登记案件",
    "act_on_case": "处理案件", "read_staff": "查看网格人员", "read_workload": "查看人员工作量",
    "read_residents": "查看居民信息", "read_special_groups": "查看重点人群", "read_full_names": "查看居民全名",
    "unmask": "查看完整个人信息", "plan": "编辑网格调整方案", "read_audit": "查看审计日志", "manage_users": "管理账号",
    # geo.core.models.Role
    "admin": "管理员", "command_center": "指挥中心", "street_staff": "街道工作人员", "community_staff": "社区工作人员",
    "grid_worker": "网格员", "planner": "规划人员",
}

ZH: dict[str, str] = {
    # boundary files
    "{path}: no such file or folder": "{path}：文件或文件夹不存在",
    "{path}: unsupported format {suffix!r}; use GeoJSON, GeoPackage, Shapefile (.shp, folder or .zip) or CSV with WKT":
        "{path}：不支持的格式 {suffix!r}；请使用 GeoJSON、GeoPackage、Shapefile（.shp、文件夹或 .zip）或带 WKT 列的 CSV",
    "{folder}: a Shapefile folder must hold exactly one .shp, found {count}":
        "{folder}：Shapefile 文件夹中必须恰好有一个 .shp，实际有 {count} 个",
    "{path}: not valid JSON ({error})": "{path}：不是有效的 JSON（{error}）",
    "{path}: GeoJSON must be an object": "{path}：GeoJSON 必须是一个对象",
    "{path}: not GeoJSON (type {kind!r})": "{path}：不是 GeoJSON（type 为 {kind!r}）",
    "{path}: not UTF-8 text ({error})": "{path}：不是 UTF-8 文本（{error}）",
    "{path}: no geometry column; name one of {columns}": "{path}：缺少几何列，请命名为 {columns} 之一",
    "{path}: cannot be read ({error})": "{path}：无法读取（{error}）",
    "not a GeoJSON feature": "不是 GeoJSON 要素",
    "no geometry": "没有几何图形",
    "malformed coordinates": "坐标结构错误",
    "unclosed ring (first and last positions differ)": "环未闭合（首尾坐标不同）",
    "unreadable geometry ({error})": "无法解析的几何图形（{error}）",
    # boundary import
    "feature #{number} (code {code})": "第 {number} 个要素（编码 {code}）",
    "feature #{number}": "第 {number} 个要素",
    "{where}: {reason}": "{where}：{reason}",
    "{where}: missing {fields}": "{where}：缺少{fields}",
    "code and name": "编码和名称",
    "code": "编码",
    "name": "名称",
    "{where}: a {level} code has {digits} digits": "{where}：{level}编码应为 {digits} 位数字",
    "{where}: code does not start with its parent {parent}'s prefix {prefix}":
        "{where}：编码未以上级 {parent} 的前缀 {prefix} 开头",
    "{where}: coordinates are not finite numbers": "{where}：坐标不是有限数值",
    "{where}: coordinates out of range, e.g. ({lon}, {lat}){hint}": "{where}：坐标超出范围，例如 ({lon}, {lat}){hint}",
    " (projected metres read as degrees? pass --crs)": "（是否把投影坐标（米）当成了经纬度？请指定 --crs）",
    " (longitude and latitude swapped?)": "（经纬度是否写反了？）",
    "{where}: lies at ({minx}, {miny}), outside the service area ({west}..{east} E, {south}..{north} N); "
    "obviously in the wrong CRS (swapped axes or wrong --crs?)":
        "{where}：位于 ({minx}, {miny})，在服务区域（东经 {west}..{east}，北纬 {south}..{north}）之外；"
        "坐标系显然有误（坐标轴写反或 --crs 不对？）",
    "{where}: empty geometry": "{where}：几何图形为空",
    "{where}: a boundary must be a Polygon or MultiPolygon, not {kind}": "{where}：边界必须是 Polygon 或 MultiPolygon，而不是 {kind}",
    "{where}: invalid geometry: {reason} (--fix repairs it with make_valid)":
        "{where}：几何图形无效：{reason}（可用 --fix 通过 make_valid 修复）",
    "{where}: invalid geometry that make_valid cannot repair: {reason}": "{where}：几何图形无效且 make_valid 无法修复：{reason}",
    "{where}: repaired {reason}; now {parts} polygon(s), area changed by {change}":
        "{where}：已修复 {reason}；现为 {parts} 个多边形，面积变化 {change}",
    "{where}: unknown kind {kind!r}; use ordinary or dedicated": "{where}：未知网格类型 {kind!r}；请使用 ordinary（普通）或 dedicated（专属）",
    "{where}: duplicate code, also feature #{first}": "{where}：编码重复，与第 {first} 个要素相同",
    "{where}: parent {level} {parent} does not exist; import it first": "{where}：上级{level} {parent} 不存在，请先导入",
    "{where}: lies outside its parent {parent} by up to {far} m ({area} m² outside; tolerance {tolerance} m)":
        "{where}：超出上级 {parent} 边界最多 {far} 米（界外面积 {area} 平方米；容差 {tolerance} 米）",
    "{where}: code already exists as a {level}": "{where}：该编码已作为{level}存在",
    "grid {code}: the code was retired on {day}; retired codes are never reused":
        "网格 {code}：该编码已于 {day} 停用；停用的编码不得再次使用",
    "grid {code}: only {percent}% of it is land the grid with this code holds now; "
    "land that is not the same grid needs a new code":
        "网格 {code}：其范围只有 {percent}% 属于现在使用该编码的网格；不是同一片区域须使用新编码",
    "a number of grids applies to one community; {area} is a street": "网格数量只能对单个社区指定；{area} 是街道",
    "no community or street with code {code}": "没有编码为 {code} 的社区或街道",
    "plan {id} is {status}: only drafts can be published": "方案 {id} 状态为 {status}：只有草稿可以发布",
    "effective_from {day} lies in the past; boundaries change from today ({today}) on":
        "生效日期 {day} 已过；边界只能从今天（{today}）起变更",
    "plan {id} has {count} error(s) and cannot be published": "方案 {id} 有 {count} 个错误，不能发布",
    "grid boundaries redrawn by plan {plan} from {day}: grid {old} → {new}":
        "网格边界调整（方案 {plan}，{day} 起生效）：由网格 {old} 转至 {new}",
    "{where}: code {code} was retired on {day}; retired codes are never reused":
        "{where}：编码 {code} 已于 {day} 停用；停用的编码不得再次使用",
    "{where}: the new boundary leaves its existing {level} {child} outside by up to {far} m":
        "{where}：新边界使现有{level} {child} 超出边界最多 {far} 米",
    "{first} and {second} overlap by {area} m² (same parent {parent})": "{first} 与 {second} 重叠 {area} 平方米（同属上级 {parent}）",
    "stored {level} {code}": "已入库的{level} {code}",
    "{path}: no features; nothing was written": "{path}：没有要素；未写入任何数据",
    "{path}: {count} problem(s); nothing was written": "{path}：发现 {count} 个问题；未写入任何数据",
    "--code/--name apply to a file with one feature, this one has {count}": "--code/--name 仅适用于只有一个要素的文件，此文件有 {count} 个",
    # coordinate systems
    "Unknown crs {value!r}: use {accepted}.": "未知坐标系 {value!r}：请使用 {accepted}。",
    "Unknown crs {value!r}: no such EPSG code; use {accepted}.": "未知坐标系 {value!r}：没有该 EPSG 编码；请使用 {accepted}。",
    "The file declares a CRS pyproj cannot read: {declared!r}": "文件声明的坐标系无法识别：{declared!r}",
    "The file's CRS {name!r} has no EPSG code; reproject it or pass --crs.": "文件的坐标系 {name!r} 没有 EPSG 编码；请先重投影或指定 --crs。",
    "The file declares {declared} but --crs says {chosen}; drop --crs or fix the file.":
        "文件声明的坐标系为 {declared}，但 --crs 指定为 {chosen}；请去掉 --crs 或修正文件。",
    # locating
    "lon and lat must be finite numbers": "经度和纬度必须是有限数值",
    "lon must lie within ±180 and lat within ±90, got lon={lon}, lat={lat}": "经度须在 ±180 之内、纬度须在 ±90 之内，收到 lon={lon}, lat={lat}",
    "({lon}, {lat}) is not a valid position in {crs}": "({lon}, {lat}) 不是 {crs} 中的有效位置",
    "No grids have been imported yet.": "尚未导入任何网格。",
    "({lon}, {lat}) lies outside every grid; the nearest, {code} {name}, is {distance} m away "
    "(more than the {limit} m snap distance)":
        "({lon}, {lat}) 不在任何网格内；最近的网格 {code} {name} 相距 {distance} 米（超过 {limit} 米的吸附距离）",
    # areas and paging
    "simplify must not be negative": "simplify 不能为负数",
    "bbox {value!r}: four numbers minlon,minlat,maxlon,maxlat": "bbox {value!r}：应为四个数 minlon,minlat,maxlon,maxlat",
    "bbox {value!r}: four numbers minlon,minlat,maxlon,maxlat with min <= max":
        "bbox {value!r}：应为四个数 minlon,minlat,maxlon,maxlat，且最小值不大于最大值",
    "bbox {value!r}: outside ±180/±90": "bbox {value!r}：超出 ±180/±90",
    "limit must lie in 1..{max} and offset must not be negative": "limit 须在 1..{max} 之间，offset 不能为负数",
    "no {level} with code {code}": "没有编码为 {code} 的{level}",
    "no {level} with code {code} on {day}": "{day} 没有编码为 {code} 的{level}",
    # accounts and scope
    "role {role} needs a scope (a district, street, community or grid code)": "角色 {role} 需要管辖范围（区县、街道、社区或网格编码）",
    "scope {code}: no such district, street, community or grid": "管辖范围 {code}：没有这个区县、街道、社区或网格",
    "unknown role {role!r}; one of {roles}": "未知角色 {role!r}；可选 {roles}",
    "password too short: at least {min} characters": "密码太短：至少 {min} 个字符",
    "user {username!r} already exists": "用户 {username!r} 已存在",
    "wrong username or password": "用户名或密码错误",
    "in production an admin's password must be strong: at least 12 characters, not a common word, name or pattern":
        "生产环境中管理员密码必须足够强：至少 12 个字符，且不能是常见单词、姓名或规律组合",
    "this token was revoked (logged out, password changed or account disabled); log in again":
        "该令牌已被吊销（已退出登录、已修改密码或账号已停用），请重新登录",
    "no user {username!r}": "没有用户 {username!r}",
    "in production the service must not connect as a superuser: give DATABASE_URL a role that owns only its schema "
    "(docs/security.md)": "生产环境中服务不得以超级用户连接数据库：请为 DATABASE_URL 使用只拥有本库模式的角色（见 docs/security.md）",
    "in production no admin may keep the demo password; change it first with `wangge user password NAME "
    "--password-stdin`: {names}": "生产环境中管理员不得沿用演示密码，请先用 `wangge user password 用户名 --password-stdin` 修改：{names}",
    "user {username!r} is still named by {table}; disable it instead": "用户 {username!r} 仍被 {table} 引用，请改为停用该账号",
    "{username!r} is the last active admin; make another admin first": "{username!r} 是最后一个启用的管理员，请先设立另一名管理员",
    "token expired; log in again": "令牌已过期，请重新登录",
    "invalid token": "令牌无效",
    "the account of this token no longer exists or is disabled": "该令牌对应的账号已不存在或已停用",
    "not authenticated: send a bearer token from POST {url}": "未认证：请携带从 POST {url} 获取的 Bearer 令牌",
    # API
    "the server is busy; try again shortly": "服务器繁忙，请稍后再试",
    "the database is unavailable; try again shortly": "数据库暂不可用，请稍后重试",
    "invalid request: {problems}": "请求无效：{problems}",
    # ID numbers
    "not 18 characters of digits (the last may be X)": "不是 18 位（末位可为 X）的数字",
    "check digit should be {digit}": "校验码应为 {digit}",
    "unknown province code {code}": "未知的省级代码 {code}",
    "birth date {digits} does not exist": "出生日期 {digits} 不存在",
    "birth date {digits} lies in the future": "出生日期 {digits} 晚于今天",
    # rosters
    "{path}: the sheet is empty": "{path}：表格为空",
    "{path}: no known column; expected some of {columns}": "{path}：没有可识别的列，应包含 {columns} 等列",
    "{path}: unsupported format {suffix!r}; use .xlsx or .csv": "{path}：不支持的格式 {suffix!r}；请使用 .xlsx 或 .csv",
    "unknown roster {kind}; one of {kinds}": "未知名册 {kind}；可选 {kinds}",
    "{path}: missing column(s) {columns}": "{path}：缺少列 {columns}",
    "{path}: {count} bad row(s); nothing was written": "{path}：有 {count} 行错误；未写入任何数据",
    "row {row}, column {column} ({value!r}): {reason}": "第 {row} 行，{column} 列（{value!r}）：{reason}",
    # historical cases (geo/cases/backfill.py)
    "{path}: unsupported format {suffix!r}; use .csv or .parquet": "{path}：不支持的格式 {suffix!r}；请使用 .csv 或 .parquet",
    "{path}: not a readable CSV file: {reason}": "{path}：无法读取的 CSV 文件：{reason}",
    "{path}: not a readable Parquet file: {reason}": "{path}：无法读取的 Parquet 文件：{reason}",
    "not a position in China": "不是中国境内的位置",
    "unknown category": "未知的事件类别",
    "a past case is closed or rated": "历史事件须为已结案或已评价",
    "unknown channel": "未知的来源渠道",
    "unknown rating": "未知的评价",
    "not an ISO 8601 time": "不是 ISO 8601 时间",
    "in no grid in force on {day}": "{day} 时不在任何网格内",
    "{count} cases imported into {months} months ({new} new partitions) in {seconds:.1f} s":
        "已导入 {count} 件事件，分属 {months} 个月（新建 {new} 个分区），用时 {seconds:.1f} 秒",
    "required": "必填",
    "a grid (or other area) code, or a building for a building head, is required": "须填写网格（或其他区域）编码，楼栋长须填写楼栋",
    "unknown building": "楼栋不存在",
    "several buildings have this name; use the building code": "有多个同名楼栋，请使用楼栋编码",
    "duplicate building, also row {row}": "楼栋重复，与第 {row} 行相同",
    "coordinates outside every grid": "坐标不在任何网格内",
    "longitude and latitude must be numbers": "经纬度必须是数字",
    "not a whole number": "不是整数",
    "duplicate household, also row {row}": "住户重复，与第 {row} 行相同",
    "duplicate person: same ID number as row {row}": "人员重复：身份证号与第 {row} 行相同",
    "not a mobile (11 digits from 1) or landline (0xxx-xxxxxxx) number": "不是有效的手机号（以 1 开头的 11 位）或座机号（0xxx-xxxxxxx）",
    "use 男/女 or M/F": "请填写 男/女 或 M/F",
    "differs from the ID number": "与身份证号不一致",
    "use YYYY-MM-DD": "请使用 YYYY-MM-DD 格式",
    "unknown value; one of {values}": "无法识别的值；可选 {values}",
    "unknown special group; one of {values}": "未知的重点人群类别；可选 {values}",
    "unknown grid or area code": "网格或区域编码不存在",
    "duplicate person: same name, phone and duty as row {row}": "人员重复：姓名、电话和职务与第 {row} 行相同",
    "unmasking needs an admin: pass --as USER and --password-stdin": "取消脱敏需要管理员：请使用 --as 用户名 和 --password-stdin",
    "only an admin may unmask personal data; {user} is {role}": "只有管理员可以取消个人信息脱敏；{user} 的角色是 {role}",
    "{kind}: {created} created, {updated} updated, {unchanged} unchanged, {bad} bad row(s){dry}":
        "{kind}：新建 {created}，更新 {updated}，未变 {unchanged}，错误 {bad} 行{dry}",
    " (dry run: nothing written)": "（预览：未写入任何数据）",
    "ignored columns: {columns}": "已忽略的列：{columns}",
    "bad rows listed in {path}": "错误行已写入 {path}",
    "{count} rows written to {path}{masked}": "已导出 {count} 行到 {path}{masked}",
    " (ID numbers and phones masked)": "（身份证号和电话已脱敏）",
    # cases
    "no case {id}": "没有编号为 {id} 的案件",
    "unknown action {action!r}; one of {actions}": "未知操作 {action!r}；可选 {actions}",
    "{role} may not {action} this case": "{role} 无权对此案件执行 {action}",
    "cannot {action} a case in status {status}; allowed now: {allowed}": "案件处于 {status} 状态，不能执行 {action}；当前可执行：{allowed}",
    "{action} needs {field}": "{action} 需要填写 {field}",
    "the case changed since version {version} (now {current}); reload and try again": "案件自版本 {version} 后已被修改（当前 {current}），请刷新后重试",
    "rating must be one of {ratings}": "评价须为 {ratings} 之一",
    "{role} may not add files to a case assigned to someone else": "{role}不能为分派给他人的案件添加附件",
    "case {id} already holds {count} files, the most one case may hold": "案件 {id} 已有 {count} 个附件，已达上限",
    "a write with the login cookie must come from this site's own pages (Origin {origin})":
        "使用登录 Cookie 的写操作必须来自本站页面（Origin {origin}）",
    "too many logins at once; try again shortly": "同时登录的请求过多，请稍后再试",
    "the request body did not arrive within {seconds} s": "请求体未能在 {seconds} 秒内传完",
    "the audit log did not take the entry; nothing was done": "审计日志未能写入该条记录，操作未执行",
    "the audit log table was altered: {what}": "审计日志表已被改动：{what}",
    "a plan is a JSON body (application/json) or a multipart file upload":
        "方案须为 JSON 请求体（application/json）或 multipart 文件上传",
    "an unexpected error; it was logged, and nothing was committed": "发生意外错误，已记录日志，未提交任何更改",
    "the place lies in grid {code} {name}, outside your area: pass it to the command center or that grid's staff":
        "该地点位于网格 {code} {name}，不在您的负责范围内：请转交指挥中心或该网格的工作人员",
    "no staff member {id} on duty for this case": "没有编号为 {id} 且负责此案件的在岗人员",
    "merge target {id} must be another open case": "合并目标 {id} 必须是另一个未结案件",
    "planners do not report cases": "规划人员不能上报案件",
    "channel must be one of {channels} and urgency one of {urgencies}": "来源须为 {channels} 之一，紧急程度须为 {urgencies} 之一",
    "unknown category {code!r}; GET /api/v1/categories lists them": "未知类别 {code!r}；可通过 GET /api/v1/categories 查看",
    "no building {id}": "没有编号为 {id} 的楼栋",
    "a case needs a location: lon and lat, or a building_id": "案件需要位置：经纬度或 building_id",
    "attachment {name}: {type} is not accepted; use JPEG, PNG, WebP or PDF": "附件 {name}：不接受 {type} 类型；请使用 JPEG、PNG、WebP 或 PDF",
    "attachment {name} is larger than {limit} bytes": "附件 {name} 超过 {limit} 字节",
    "attachment {name}: the content is not a {type} file": "附件 {name}：内容不是 {type} 文件",
    "from must be before to": "开始时间须早于结束时间",
    "zoom must lie in 0..{max}": "缩放级别须在 0..{max} 之间",
    "days must be one of {periods}": "天数须为 {periods} 之一",
    # analytics
    "a window may span at most {days} days": "时间窗口最长 {days} 天",
    "unknown status {status}; one of {statuses}": "未知状态 {status}；可选 {statuses}",
    "alpha must lie strictly between 0 and 1": "alpha 须严格介于 0 和 1 之间",
    "measure must be one of {measures}": "指标须为 {measures} 之一",
    "inference must be one of {choices}": "推断方法须为 {choices} 之一",
    # planning
    "role {role} may not {action}": "角色 {role} 无权执行 {action}",
    "no resident {id}": "没有编号为 {id} 的居民",
    "no such endpoint: {path}": "没有这个接口：{path}",
    "a GeoJSON geometry of type {kinds} is expected": "应为 {kinds} 类型的 GeoJSON 几何",
    "{kind}: coordinates must be lists of [lon, lat] numbers nested {depth} deep":
        "{kind}：坐标须为 [经度, 纬度] 数值列表，嵌套 {depth} 层",
    "{kind} has {count} vertices, more than the {max} accepted": "{kind} 有 {count} 个顶点，超过上限 {max}",
    "{kind}: coordinate {position} is not a finite number": "{kind}：坐标 {position} 不是有限数值",
    "invalid {kind}: {reason}": "无效的 {kind}：{reason}",
    "{kind}: a ring needs at least 4 positions, this one has {count}": "{kind}：环至少需要 4 个点，此环只有 {count} 个",
    "{kind}: a ring must end where it starts (it is not closed)": "{kind}：环的终点须与起点相同（未闭合）",
    "too many failed logins; try again in {seconds} s": "登录失败次数过多；请 {seconds} 秒后再试",
    "too many requests ({limit}); try again in {seconds} s": "请求过于频繁（上限 {limit}）；请 {seconds} 秒后再试",
    "a value is out of range or malformed: {reason}": "数值超出范围或格式错误：{reason}",
    "{method} is not allowed on {path}": "{path} 不支持 {method} 请求",
    "the request body is too large": "请求内容过大",
    "the request body is too large: {size} bytes, at most {limit}": "请求内容过大：{size} 字节，上限 {limit}",
    "the request could not be read: {reason}": "无法读取请求：{reason}",
    "unknown special group {group!r}; one of {groups}": "未知重点人群类别 {group!r}；可选 {groups}",
    "from must not be later than to": "起始时间不能晚于结束时间",
    "endpoint {name} has no entry in the permission matrix": "接口 {name} 未列入权限矩阵",
    "a plan needs at least one community": "规划方案至少需要一个社区",
    "a plan upload needs a file field": "上传规划方案需要 file 字段",
    "give a FILE or --from-current COMMUNITY, not both": "请提供文件或 --from-current 社区编码，二者选一",
    "{errors} errors, {warnings} warnings": "错误 {errors} 项，警告 {warnings} 项",
    "plan {id} is {status}: only drafts can be edited": "规划方案 {id} 状态为 {status}：只有草案可以编辑",
    "the plan has no grid {code}": "方案中没有网格 {code}",
    "community {community} has used all 999 grid codes": "社区 {community} 的 999 个网格编码已全部用过",
    "line must be a GeoJSON LineString": "line 须为 GeoJSON LineString",
    "the line must cut grid {code} into exactly two parts, it makes {parts}": "分割线须将网格 {code} 恰好分为两部分，现为 {parts} 部分",
    "merge needs two or more grids of one community": "合并需要同一社区的两个或以上网格",
    "grids {codes} do not touch: merged they would be in pieces": "网格 {codes} 互不相邻：合并后将不连续",
    "area must be a GeoJSON Polygon or MultiPolygon": "area 须为 GeoJSON Polygon 或 MultiPolygon",
    "the area takes nothing from the other grids of {code}'s community": "该区域未从网格 {code} 所在社区的其他网格中划入任何部分",
    "grid {code} would be left with nothing; merge it instead": "网格 {code} 将被划空；请改用合并",
    "plan {id} has nothing to undo": "规划方案 {id} 没有可撤销的操作",
    "plan {id} has nothing to redo": "规划方案 {id} 没有可重做的操作",
    "give either area or buildings": "请提供 area 或 buildings 之一",
    "plan {id} written to {path}": "规划方案 {id} 已写入 {path}",
    "no split into {grids} contiguous grids within {percent}% of {ideal} households was found":
        "未找到划分为 {grids} 个连续网格、户数在 {ideal} 户 ±{percent}% 以内的方案",
    "community {community} has {units} compounds and buildings: too few for {grids} grids":
        "社区 {community} 只有 {units} 个小区和楼栋，不足以划分 {grids} 个网格",
    "the target range must be two positive numbers, the smaller first": "目标范围须为两个正数，较小者在前",
    "--target {value!r}: use MIN-MAX, e.g. 300-500": "--target {value!r}：请使用 最小-最大 格式，如 300-500",
    "plan {id}: households per grid, before → after": "规划方案 {id}：各网格户数，调整前 → 调整后",
    "{when}: {within} of {grids} grids within {low}-{high} households": "{when}：{grids} 个网格中有 {within} 个在 {low}-{high} 户之间",
    "a plan needs a JSON body with communities, or a file upload ({error})":
        "规划方案需要含 communities 的 JSON 请求体，或上传文件（{error}）",
    "no community with code {code}": "没有编码为 {code} 的社区",
    "no plan {id}": "没有编号为 {id} 的规划方案",
    "grid {code}: community {community} is not part of this plan": "网格 {code}：社区 {community} 不属于本方案",
    "grid {code}: invalid geometry ({reason})": "网格 {code}：几何无效（{reason}）",
    "grid {code}: a grid's code starts with its community's code {community}":
        "网格 {code}：网格编码须以所属社区编码 {community} 开头",
    "grid {code} is in {parts} separate pieces": "网格 {code} 分成 {parts} 个不相连的部分",
    "grid {code} reaches {area} m² outside its community": "网格 {code} 超出所属社区 {area} 平方米",
    "grid {code} is not compact (Polsby-Popper {value}, a square is 0.785)":
        "网格 {code} 形状不紧凑（Polsby-Popper 指数 {value}，正方形为 0.785）",
    "grids {first} and {second} overlap by {area} m²": "网格 {first} 与 {second} 重叠 {area} 平方米",
    "community {community}: {area} m² belong to no grid": "社区 {community}：有 {area} 平方米不属于任何网格",
    "grid {code}: {length} m of its edge do not match its neighbours' exactly":
        "网格 {code}：有 {length} 米边界与相邻网格不完全重合",
    "community {community}: grids are not numbered west→east, north→south; reading order would be {order}":
        "社区 {community}：网格未按自西向东、自北向南编号；按此顺序应为 {order}",
    "building {name} (#{id}) lies in no grid": "楼栋 {name}（#{id}）不在任何网格内",
    "building {name} (#{id}) lies in several grids: {grids}": "楼栋 {name}（#{id}）同时位于多个网格：{grids}",
    "resolution must lie in {min}..{max}": "分辨率须在 {min}..{max} 之间",
    "hexagons need a resolution or a zoom": "六边形统计需要指定分辨率或缩放级别",
    "level must be one of {levels} and sort one of {sorts}": "层级须为 {levels} 之一，排序须为 {sorts} 之一",
    "format must be one of {formats}": "格式须为 {formats} 之一",
    "writing {path}": "正在写入 {path}",
    "a density surface needs a bbox": "核密度图需要指定 bbox",
    "interval must be one of {intervals}": "时间粒度须为 {intervals} 之一",
    "width and height must lie in 16..{max} pixels and bandwidth in 10..5000 m":
        "宽和高须在 16..{max} 像素之间，带宽须在 10..5000 米之间",
    "{count} warnings among {tested} grid and category pairs tested": "共检验 {tested} 个网格与类别组合，预警 {count} 条",
    "weeks must lie in {min}..104 and recent in 1..weeks-1": "周数须在 {min}..104 之间，近期周数须在 1..周数-1 之间",
    "history must lie in 2..52 weeks, ratio at least 1, min_count at least 1 and alpha strictly between 0 and 1":
        "历史周数须在 2..52 之间，倍数至少为 1，最少件数至少为 1，alpha 须严格介于 0 和 1 之间",
    "more than {max} hexagons at resolution {res}; zoom in or choose a coarser one":
        "分辨率 {res} 下六边形超过 {max} 个；请放大地图或选择更粗的分辨率",
    "permutations must lie in 99..{max}": "置换次数须在 99..{max} 之间",
    "area {code} lies outside your scope": "区域 {code} 不在您的管辖范围内",
    "polygon must be a GeoJSON Polygon or MultiPolygon": "polygon 须为 GeoJSON Polygon 或 MultiPolygon",
    "{overdue} overdue, {escalated} escalated": "逾期 {overdue} 件，升级 {escalated} 件",
    "no grid with code {code}": "没有编码为 {code} 的网格",
    # tiles
    "unknown layer {layer}; one of {layers}": "未知图层 {layer}；可选 {layers}",
    "unknown datum {datum}; one of {datums}": "未知坐标基准 {datum}；可选 {datums}",
    "no tile {z}/{x}/{y}: z must lie in 0..{max} and x, y in 0..2^z-1": "没有瓦片 {z}/{x}/{y}：z 须在 0..{max} 之间，x、y 须在 0..2^z-1 之间",
    # command line
    "{level}: {created} created, {updated} updated": "{level}：新建 {created} 个，更新 {updated} 个",
    ", {count} buildings re-located": "，重新定位 {count} 栋楼",
    "fixed: {fix}": "已修复：{fix}",
    "error": "错误",
    "user {name} ({role}, scope {scope}) created": "已创建用户 {name}（{role}，范围 {scope}）",
    "password of {name} changed; its earlier tokens are revoked": "已修改 {name} 的密码，其此前的令牌均已吊销",
    "user {name} disabled; its tokens are revoked": "已停用用户 {name}，其令牌均已吊销",
    "user {name} enabled": "已启用用户 {name}",
    "user {name} deleted": "已删除用户 {name}",
    "{path} exists: keys are never overwritten (the data key in it may be the only one)":
        "{path} 已存在：密钥文件不会被覆盖（其中的数据密钥可能是唯一的一份）",
    "keys written to {path} (readable by you only); load it into the service's environment":
        "密钥已写入 {path}（仅你本人可读），请将其载入服务的运行环境",
    "pass --password-stdin and give the password on standard input": "请加 --password-stdin 并从标准输入提供密码",
    "{flag} {value!r}: use YYYY-MM-DD": "{flag} {value!r}：请使用 YYYY-MM-DD 格式",
    "unknown district {district}; one of {districts}": "未知区县 {district}；可选 {districts}",
    "unknown scale {scale}; one of {scales}": "未知规模 {scale}；可选 {scales}",
    "district {district} already holds imported areas (e.g. {code}); the demo would mix with real data":
        "区县 {district} 已有导入的真实区域（如 {code}）；演示数据会与真实数据混在一起",
    "demo {district} {name}: {counts}": "演示数据 {district} {name}：{counts}",
    "  login {username} / {password}  ({role}, scope {scope})": "  登录 {username} / {password}（{role}，范围 {scope}）",
    "all": "全部",
    "database ready, schema {revision}": "数据库就绪，结构版本 {revision}",
    "DATABASE_URL is set: nothing embedded to start; migrations applied.": "已设置 DATABASE_URL：不启动内置数据库；已执行迁移。",
    "stopped": "已停止",
    "audit log broken at entry {id}: {reason}": "审计日志在第 {id} 条处断裂：{reason}",
    "audit log intact: {count} entries": "审计日志完整：共 {count} 条",
    "plan {id} not applied, back to draft: {error}": "方案 {id} 未生效，已退回草稿：{error}",
    "plan {id} scheduled for {day}": "方案 {id} 将于 {day} 生效",
    "plan {id} in force from {day}: {retired} grids retired, {redrawn} redrawn, {issued} issued; "
    "{buildings} buildings, {cases} open cases and {staff} assignments moved":
        "方案 {id} 自 {day} 起生效：停用网格 {retired} 个，调整 {redrawn} 个，新设 {issued} 个；"
        "{buildings} 栋楼、{cases} 件在办案件、{staff} 项人员分工随之调整",
    "embedded cluster under {home}: not running": "{home} 下的内置数据库：未运行",
    "embedded cluster: running on 127.0.0.1:{port}, data in {data}": "内置数据库：运行于 127.0.0.1:{port}，数据目录 {data}",
    "schema: {revision} (head {head})": "结构版本：{revision}（最新 {head}）",
    "schema at {revision}": "结构版本 {revision}",
    "wangge API on http://{host}:{port}  (docs: http://{host}:{port}/docs)": "网格服务 API：http://{host}:{port}（文档：http://{host}:{port}/docs）",
    # uploads (geo/uploads, geo/territory/boundary_files.py, geo/people/rosters/sheets.py)
    "{path}: unsupported format {suffix!r}; upload GeoJSON, GeoPackage, a zipped Shapefile (.shp .shx .dbf, "
    "optionally .prj .cpg) or CSV with WKT":
        "{path}：不支持的格式 {suffix!r}；请上传 GeoJSON、GeoPackage、压缩为 .zip 的 Shapefile（.shp .shx .dbf，"
        "可含 .prj .cpg）或带 WKT 列的 CSV",
    "{path} is larger than {limit} bytes": "{path} 超过 {limit} 字节",
    "{path}: named as {claim} but the content is {found}": "{path}：文件名表明是 {claim}，内容却是{found}",
    "a zip archive": "zip 压缩包", "an SQLite database": "SQLite 数据库", "a Shapefile .shp": "Shapefile 的 .shp",
    "binary data": "二进制数据", "text": "文本",
    "{path}: the features of a FeatureCollection must be a list": "{path}：FeatureCollection 的 features 必须是数组",
    "{path}: more than {limit} features": "{path}：要素超过 {limit} 个",
    "{path}: {count} vertices, at most {limit}": "{path}：共 {count} 个顶点，最多 {limit} 个",
    "{path}: GDAL read it as {found}, not {expected}": "{path}：GDAL 将其识别为 {found}，而非 {expected}",
    "{path}: more than {limit} rows": "{path}：超过 {limit} 行",
    "{path}: {count} columns, at most {limit}": "{path}：共 {count} 列，最多 {limit} 列",
    "{path}: a Shapefile needs {parts}; {missing} is missing": "{path}：Shapefile 需要 {parts}，缺少 {missing}",
    "{path}: the {ext} is not a Shapefile's ({reason})": "{path}：{ext} 不是 Shapefile 的组成文件（{reason}）",
    "shorter than its 100-byte header": "不足 100 字节的文件头", "file code {code}, version {version}":
        "文件代码 {code}，版本 {version}", "shape type {type}": "几何类型 {type}", "no dBase header": "没有 dBase 文件头",
    "a header of {header} bytes, records of {record}": "文件头 {header} 字节，记录 {record} 字节",
    "more than {limit} bytes, or not text": "超过 {limit} 字节或不是文本", "not WKT": "不是 WKT",
    "not the name of an encoding": "不是编码名称",
    "a .zip may hold only a Shapefile's {parts}": ".zip 中只能有 Shapefile 的 {parts}",
    "a second {ext}: a .zip holds one Shapefile": "第二个 {ext}：一个 .zip 只能有一个 Shapefile",
    "{path}: not a plain GeoPackage ({reason})": "{path}：不是普通的 GeoPackage（{reason}）",
    "not an SQLite file": "不是 SQLite 文件", "application id {id:#x}, not GPKG": "应用标识为 {id:#x}，不是 GPKG",
    "SQLite cannot read it: {error}": "SQLite 无法读取：{error}", "no {table} table": "缺少 {table} 表",
    "no feature table": "没有要素表", "it holds a view, {table}": "含有视图 {table}",
    "it holds a virtual table, {table}": "含有虚拟表 {table}",
    "feature table {table} is not a table": "要素表 {table} 不是普通表",
    "column {column} of {table} is generated": "{table} 的列 {column} 是生成列",
    "{path}: not a readable zip ({error})": "{path}：不是可读取的 zip（{error}）",
    "{path}: {count} members, at most {limit}": "{path}：共 {count} 个成员，最多 {limit} 个",
    "{path}: member {member!r} refused: {reason}": "{path}：拒绝成员 {member!r}：{reason}",
    "{path}: unpacks to more than {limit} bytes": "{path}：解压后超过 {limit} 字节",
    "an absolute path": "是绝对路径", "a NUL character in the name": "名称含 NUL 字符",
    "a backslash in the name": "名称含反斜杠", "a '..' in the path": "路径含 '..'", "an empty name": "名称为空",
    "a control character in the name": "名称含控制字符", "the name appears twice": "名称重复",
    "it is encrypted": "已加密", "packed {ratio:.0f} to 1, at most {limit:g}": "压缩比 {ratio:.0f} 比 1，最多 {limit:g}",
    "it cannot be unpacked ({error})": "无法解压（{error}）", "it unpacks past its declared size": "解压后超过声明的大小",
    "too many files are being read at once; try again shortly": "同时读取的文件过多，请稍后再试",
    "{path}: reading took longer than {seconds:g} s; nothing was read": "{path}：读取超过 {seconds:g} 秒，未读取任何数据",
    "{path}: cannot be read (the reader stopped with exit code {code})": "{path}：无法读取（读取进程退出，代码 {code}）",
    "{path}: too large to read within {mib} MiB of memory": "{path}：过大，无法在 {mib} MiB 内存内读取",
    "{path}: XML entities and external references are refused ({error})": "{path}：拒绝 XML 实体和外部引用（{error}）",
}


class Msg(str):
    """A message: its English text as a str, plus the template and fields to render it in any language."""

    template: str
    params: dict

    def __new__(cls, template: str, **params):
        self = super().__new__(cls, _format(template, params, "en"))
        self.template = template
        self.params = params
        return self

    def render(self, lang: Lang = DEFAULT_LANG) -> str:
        """The message in `lang`."""
        template = ZH.get(self.template, self.template) if lang == "zh" else self.template
        return _format(template, self.params, lang)


def _value(value, lang: Lang):
    if isinstance(value, Msg):
        return value.render(lang)
    if isinstance(value, Enum):
        return TERMS_ZH.get(value.value, value.value) if lang == "zh" else value.value
    return value


def _format(template: str, params: dict, lang: Lang) -> str:
    return template.format(**{k: _value(v, lang) for k, v in params.items()})


def msg(template: str, **params) -> Msg:
    """A translatable message (see the module docstring)."""
    return Msg(template, **params)


def render(text: str, lang: Lang = DEFAULT_LANG) -> str:
    """Any message or plain string in `lang` (plain strings stay as they are)."""
    return text.render(lang) if isinstance(text, Msg) else text


def pick_lang(query: str | None, accept_language: str | None, default: Lang = DEFAULT_LANG) -> Lang:
    """`?lang=` wins; else the first of zh/en in Accept-Language; else `default`."""
    if query in LANGS:
        return query
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("en"):
            return "en"
        if tag.startswith("zh"):
            return "zh"
    return default
