"""Words on the map pages, Chinese first."""

LABELS = {
    "zh": {
        "title": "社会治理综合指挥中心", "districts": "区县", "streets": "街道", "communities": "社区", "grids": "网格",
        "cases": "未结案件", "open_cases": "未结案件数", "overdue": "已逾期", "legend": "网格未结案件",
        "category": "类别", "reported": "上报时间", "assignee": "处置人", "due": "处置时限", "status": "状态",
        "details": "查看详情", "kpis": "指标（近30天）", "response_rate": "响应率", "resolution_rate": "解决率",
        "satisfaction_rate": "满意率", "on_time_rate": "按期结案率", "avg_handling_hours": "平均处置时长（小时）",
        "login": "登录", "username": "用户名", "password": "密码", "none": "无", "case": "案件", "history": "处置记录",
        "grid_staff": "网格人员", "grid_leader": "网格长", "fulltime_worker": "专职网格员", "parttime_worker": "兼职网格员",
        "building_head": "楼栋长", "buildings": "楼栋", "households": "户", "dispatch": "案件受理派遣",
        "click_map": "在地图上点击案件位置（标记可拖动修正）", "description": "问题描述", "submit": "立案派遣",
        "handler": "处置层级",
    },
    "en": {
        "title": "Command center", "districts": "Districts", "streets": "Streets", "communities": "Communities",
        "grids": "Grids", "cases": "Open cases", "open_cases": "Open cases", "overdue": "Overdue",
        "legend": "Open cases per grid", "category": "Category", "reported": "Reported", "assignee": "Assignee",
        "due": "Due", "status": "Status", "details": "Details", "kpis": "KPIs (last 30 days)",
        "response_rate": "Response rate", "resolution_rate": "Resolution rate", "satisfaction_rate": "Satisfaction rate",
        "on_time_rate": "On-time closure", "avg_handling_hours": "Average handling (hours)", "login": "Log in",
        "username": "Username", "password": "Password", "none": "none", "case": "Case", "history": "History",
        "grid_staff": "Grid staff", "grid_leader": "grid leader", "fulltime_worker": "full-time grid worker",
        "parttime_worker": "part-time grid worker", "building_head": "building head", "buildings": "Buildings",
        "households": "households", "dispatch": "Register and dispatch",
        "click_map": "Click the case's location on the map (drag the marker to correct it)",
        "description": "Description", "submit": "Register", "handler": "Handled by",
    },
}
