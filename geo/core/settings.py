"""All settings of the service, read once from the environment (prefix WANGGE_, plus DATABASE_URL)."""

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from geo.core.i18n import DEFAULT_LANG, Lang

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    """Service settings; every field can be set as WANGGE_<NAME> in the environment."""

    # hide_input_in_errors: a refused setting is named, never echoed (it may be a key)
    model_config = SettingsConfigDict(env_prefix="WANGGE_", extra="ignore", hide_input_in_errors=True)

    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "WANGGE_DATABASE_URL"),
        description="An external PostGIS; when unset the embedded cluster under `home` is used.",
    )
    database_replica_urls: str = Field(
        default="", validation_alias=AliasChoices("DATABASE_REPLICA_URLS", "WANGGE_DATABASE_REPLICA_URLS"),
        description="Comma-separated streaming replicas that map screens, tiles, heat maps and locate read from.")
    replica_max_lag_s: float = Field(default=5.0, ge=0, description="A replica further behind than this is skipped.")
    home: Path = Field(default=PROJECT_ROOT / ".wangge", description="State of the embedded cluster.")
    db_name: str = "wangge"
    nearest_m: float = Field(default=100.0, ge=0, description="Snap distance for points outside every grid.")
    parent_tolerance_m: float = Field(default=1.0, ge=0, description="How far a child may stick out of its parent.")
    overlap_tolerance_m2: float = Field(default=1.0, ge=0, description="Overlap area below which grids still count as disjoint.")
    # Where the service works (China, generously): data that lands outside is almost surely in the wrong CRS.
    service_bounds: tuple[float, float, float, float] = (72.0, 0.8, 137.9, 55.9)
    env: str = Field(default="development", pattern="^(development|production)$",
                     description="production refuses to start without its secrets instead of generating them.")
    secret_key: str | None = Field(default=None, description="JWT signing key; generated into `home` when unset "
                                                             "(development only).")
    data_key: str | None = Field(default=None, description="Key of personal data at rest: 32 bytes, urlsafe base64 "
                                                           "(`wangge keys new`); generated into `home` in development.")
    token_minutes: int = Field(default=480, gt=0)
    argon2_time_cost: int = Field(default=3, ge=1, description="argon2id passes (argon2-cffi's default).")
    argon2_memory_kib: int = Field(default=65536, ge=8, description="argon2id memory in KiB (argon2-cffi's default).")
    lang: Lang = Field(default=DEFAULT_LANG, description="Language of messages when a request names none: zh or en.")
    work_day: str = Field(default="09:00-17:00", pattern=r"^\d\d:\d\d-\d\d:\d\d$",
                          description="Office hours for working-hour deadlines, local China time.")
    warn_before: float = Field(default=0.2, gt=0, lt=1, description="黄灯 (yellow light): a case turns yellow when "
                               "this share of its time limit is left (0.2: the last fifth).")
    report_in_hours: float = Field(default=2.0, gt=0, description="吹哨报到: hours a whistled department has to report in.")
    party_active_days: int = Field(default=90, ge=1, le=366, description="工作覆盖: a compound's party organisation "
                                   "works there when it held an activity for every this many days of the period "
                                   "(at least one).")
    departments_file: Path | None = Field(default=None, description="CSV of the departments that handle cases "
                                          "(code,name,name_en); default data/departments.csv.")
    duplicate_m: float = Field(default=50.0, ge=0, description="Open cases of one category this close are flagged.")
    duplicate_hours: float = Field(default=72.0, ge=0, description="…and reported within this many hours.")
    threads: int = Field(default=40, ge=2, le=500, description="Request threads per server process. Every database "
                         "pool holds as many connections (plus the clock's), so no thread ever waits for one while "
                         "holding another: keep threads × processes under PostgreSQL's max_connections.")
    tick_seconds: int = Field(default=300, ge=0, description="How often the server checks deadlines (0: never).")
    attachments_max_bytes: int = Field(default=5 * 1024 * 1024, gt=0)
    attachments_per_case: int = Field(default=50, gt=0, description="Most files one case may hold.")
    max_body_bytes: int = Field(default=20 * 1024 * 1024, gt=0, description="Largest request body (413 beyond).")
    body_seconds: float = Field(default=60.0, gt=0, description="Longest a request body may take to arrive (408 "
                                "beyond): it is read whole before any thread or connection is given to the request.")
    basemap: str = Field(default="none", pattern="^(none|osm|amap|tianditu)$",
                         description="Background map of the pages: none (offline command centers), osm, amap (GCJ-02, "
                                     "our layers are shifted to match) or tianditu (needs tianditu_key).")
    tianditu_key: str | None = Field(default=None, description="Tianditu (天地图) browser key, for basemap=tianditu.")
    rate_limit: str = Field(default="1200/minute", description="Requests per account (or address, when anonymous).")
    open311_posts_per_key: str = Field(default="60/minute", description="Requests one Open311 client's api_key may "
                                       "post (each key counts on its own, from whatever address).")
    anonymous_reports_per_address: str = Field(default="10/hour", description="Reports without sign-in (with a 查询码) "
                                               "from one address (an IPv6 address by its /64).")
    report_lookups_per_address: str = Field(default="30/hour", description="查询码 look-ups from one address, right "
                                            "or wrong (an IPv6 address by its /64), so codes cannot be guessed.")
    login_failures_per_user: str = Field(default="5/15 minutes",
                                         description="Failed logins of one account from one address before it waits.")
    login_failures_per_address: str = Field(default="30/15 minutes",
                                            description="Failed logins from one address before it waits.")
    login_failures_per_account: str = Field(default="100/hour", description="Failed logins of one account from "
                                            "addresses it never logged in from, before those wait.")
    login_concurrency: int = Field(default=8, ge=1, description="Password hashes checked at once (argon2 takes "
                                   "64 MiB each); more logins at once wait, then get 429.")
    trusted_proxies: str = Field(default="", description="Comma-separated addresses of reverse proxies whose "
                                 "X-Forwarded-For is believed; nobody's by default.")
    audit_anchors: Path | None = Field(default=None, description="File the audit log's head is anchored in every "
                                       "round (default home/audit_anchors); best on storage the database's "
                                       "administrators cannot write.")
    public_url: str | None = Field(default=None, pattern=r"^https?://[^\s/]+", description="Where users reach the "
                                   "service, e.g. https://wangge.example.gov.cn; with https:// the login cookie is Secure.")
    # uploads: every boundary, plan and roster file is untrusted (geo/uploads, docs/security.md (Uploads))
    upload_max_bytes: int = Field(default=50 * 1024 * 1024, gt=0, description="Largest boundary or roster file; "
                                  "API requests are capped lower by max_body_bytes.")
    upload_max_unzipped_bytes: int = Field(default=200 * 1024 * 1024, gt=0,
                                           description="Most a .zip or .xlsx may unpack to, all members together.")
    upload_max_zip_ratio: float = Field(default=100.0, gt=1, description="Largest unpacked/packed ratio of a zip "
                                        "member of 1 MiB or more (zip bombs).")
    upload_max_zip_members: int = Field(default=100, gt=0, description="Most members of a .zip or .xlsx.")
    upload_max_features: int = Field(default=100_000, gt=0, description="Most features in a boundary file.")
    upload_max_vertices: int = Field(default=5_000_000, gt=0, description="Most vertices in a boundary file.")
    upload_max_rows: int = Field(default=300_000, gt=0, description="Most rows in a roster sheet.")
    upload_max_seconds: float = Field(default=60.0, gt=0, description="Longest a file may take to read: the process "
                                      "reading it is killed then.")
    upload_max_memory_mb: int = Field(default=2048, ge=1024, description="Address space of the process reading a file.")
    # the field app (geo/field, docs/field.md)
    patrol_seconds: int = Field(default=15, ge=1, le=600, description="巡查: how often the phone records a position "
                                "while a patrol is open.")
    checkin_metres: float = Field(default=30.0, gt=0, le=1000, description="巡查: how close to a key point (关键点位) "
                                  "a check-in must be made.")
    track_days: int = Field(default=180, ge=1, description="Patrol tracks older than this many days are reduced to "
                            "their per-day totals (PIPL Art. 28: where a worker was is sensitive).")
    care_tiers_file: Path | None = Field(default=None, description="CSV of the care tiers of special groups "
                                         "(group,tier,tier_en,days); default data/care_tiers.csv.")
    patrol_batch_points: int = Field(default=2000, ge=1, description="Most positions one request may send.")
    # residents (geo/residents, docs/residents.md)
    sms: str = Field(default="log", pattern="^(log|webhook)$", description="How texts reach phones: log (the server "
                     "log, for development) or webhook (POSTed, signed, to WANGGE_SMS_WEBHOOK_URL: the 政务短信平台).")
    sms_webhook_url: str | None = Field(default=None, description="The SMS gateway's URL when WANGGE_SMS=webhook.")
    sms_webhook_secret: str | None = Field(default=None, description="Key of the HMAC-SHA256 signature of every "
                                           "webhook body (header X-Wangge-Signature).")
    resident_code_minutes: int = Field(default=5, ge=1, le=60, description="How long a sign-in code lives.")
    resident_code_tries: int = Field(default=5, ge=1, le=20, description="Wrong codes allowed before a code is spent.")
    resident_code_gap_seconds: int = Field(default=60, ge=0, description="Least time between two codes to one phone.")
    resident_codes_per_phone_hour: int = Field(default=5, ge=1, description="Most codes sent to one phone an hour.")
    resident_codes_per_address_hour: int = Field(default=20, ge=1, description="Most codes asked from one address "
                                                 "an hour (over all phones).")
    revisit_days: int = Field(default=3, ge=1, le=30, description="回访: days an operator has to call back a resident "
                              "who rated a case 不满意.")
    reopen_days: int = Field(default=7, ge=1, le=90, description="Days after closure a resident may reopen their case.")
    # public results (居务公开: geo/residents/public.py, docs/residents.md)
    public: bool = Field(default=False, description="居务公开: the public pages (/public/) and the public, "
                         "de-identified Open311 requests. Off, every one of them answers 404.")
    public_cell_m: int = Field(default=200, ge=100, le=5000, description="Side of the square (in metres, UTM) whose "
                               "centre stands for a case's place in public answers: never the case's own point.")
    host: str = "127.0.0.1"
    port: int = 8000

    @property
    def trusted_proxy_list(self) -> list[str]:
        """WANGGE_TRUSTED_PROXIES as a list."""
        return [a.strip() for a in self.trusted_proxies.split(",") if a.strip()]

    @property
    def replica_urls(self) -> list[str]:
        """DATABASE_REPLICA_URLS as a list."""
        return [u.strip() for u in self.database_replica_urls.split(",") if u.strip()]

    @field_validator("rate_limit", "login_failures_per_user", "login_failures_per_address", "login_failures_per_account",
                     "open311_posts_per_key", "anonymous_reports_per_address", "report_lookups_per_address")
    @classmethod
    def _a_rate(cls, value: str) -> str:
        """A rate as the `limits` library reads it, e.g. 1200/minute or 5/15 minutes."""
        from limits import parse
        parse(value)
        return value

    @model_validator(mode="after")
    def _production_has_its_secrets(self) -> "Settings":
        """Generated or default secrets are for a developer's machine; production must be given its own."""
        if self.env == "production":
            missing = [f"WANGGE_{name.upper()}" for name in ("secret_key", "data_key") if not getattr(self, name)]
            if missing:
                raise ValueError(f"WANGGE_ENV=production needs {' and '.join(missing)}: secrets are never generated "
                                 "or defaulted in production")
            if weak_secret(self.secret_key):
                raise ValueError("WANGGE_SECRET_KEY is too weak for production: use 32 or more random characters "
                                 "(`wangge keys new`)")
            if weak_data_key(self.data_key):
                raise ValueError("WANGGE_DATA_KEY is not 32 random bytes in urlsafe base64 (`wangge keys new`)")
            if self.sms == "log":
                raise ValueError("WANGGE_ENV=production needs WANGGE_SMS=webhook (with its URL and secret): the log "
                                 "sender writes residents' phones and sign-in codes to the server log")
        return self

    @model_validator(mode="after")
    def _webhook_has_its_gateway(self) -> "Settings":
        """A webhook sender with nowhere to send, or unsigned, would lose every code quietly."""
        if self.sms == "webhook" and not (self.sms_webhook_url and self.sms_webhook_secret):
            raise ValueError("WANGGE_SMS=webhook needs WANGGE_SMS_WEBHOOK_URL and WANGGE_SMS_WEBHOOK_SECRET")
        return self

    @model_validator(mode="after")
    def _basemap_has_its_key(self) -> "Settings":
        """Tianditu answers every tile without a key with an error image: refuse to start instead."""
        if self.basemap == "tianditu" and not self.tianditu_key:
            raise ValueError("WANGGE_BASEMAP=tianditu needs WANGGE_TIANDITU_KEY")
        return self


def weak_secret(key: str) -> bool:
    """Shorter than 32 characters, or fewer than 10^30 guesses (~100 bits) by zxcvbn's estimate: 32 random hex
    characters give 10^32, a key made of a word and repeats far fewer."""
    from zxcvbn import zxcvbn
    return len(key) < 32 or zxcvbn(key[:100])["guesses_log10"] < 30


def weak_data_key(key: str) -> bool:
    """Not 32 bytes of urlsafe base64, or too few distinct bytes to have come from a random source."""
    import base64
    import binascii
    try:
        raw = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    except (binascii.Error, ValueError):
        return True
    return len(raw) != 32 or len(set(raw)) < 16


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings."""
    return Settings()
