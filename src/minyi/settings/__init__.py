"""One typed settings object, read from ``MINYI_*`` environment variables.

Unsafe combinations fail fast at start-up (see :meth:`Settings.check_safe`), so a
production deployment never runs with a guessable secret or cookies sent in clear.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from minyi.settings.checks import (
    HEAT_WEIGHT_NAMES,
    check_database_url,
    check_holidays_file,
    check_nats_url,
    check_weight_pairs,
)

__all__ = ["HEAT_WEIGHT_NAMES", "Settings", "check_weight_pairs", "get_settings"]

Environment = Literal["development", "test", "production"]

MIN_SECRET_LENGTH = 32
#: The briefings `MINYI_REPORT_PERIOD` may schedule (`minyi report --period` takes the same).
REPORT_PERIODS = ("day", "week", "month", "year")


class UnsafeSettingsError(ValueError):
    """Raised when the settings would make a deployment unsafe."""


class Settings(BaseSettings):
    """Every setting Minyi reads. Each field maps to ``MINYI_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="MINYI_", env_file=None, extra="ignore")

    env: Environment = "development"
    data_dir: Path = Field(default=Path("var"), description="Where SQLite, keys and uploads live.")
    database_url: str = Field(default="", description="SQLAlchemy URL; default SQLite in data_dir.")
    knowledge_dir: Path | None = Field(
        default=None, description="The knowledge base's search index (default: data_dir/knowledge)."
    )
    knowledge_sync_seconds: int = Field(
        default=30,
        ge=0,
        le=86_400,
        description="How stale the knowledge index may get before a search brings it up to date.",
    )
    knowledge_direct_score: float = Field(
        default=90.0,
        ge=0,
        le=1000,
        description="The BM25 score a consultation's best knowledge-base match needs before a "
        "dispatcher may answer and close it in one step (直接答复).",
    )
    secret_key: str = Field(default="", description="Signs sessions and pseudonyms (>= 32 chars).")
    cookie_secure: bool = Field(default=False, description="Send session cookies over HTTPS only.")
    max_request_bytes: int = Field(default=1_048_576, ge=1024, le=64 * 1_048_576)
    max_upload_bytes: int = Field(
        default=32 * 1_048_576,
        ge=1024,
        le=1024 * 1_048_576,
        description="Largest file the staff import page accepts (POST /staff/imports only; "
        "every other request keeps max_request_bytes).",
    )
    default_language: Literal["zh", "en"] = "zh"
    timezone: str = Field(
        default="Asia/Shanghai",
        description="IANA timezone in which people read times and deadlines count local dates.",
    )
    site_name: str = "民意 · 政务留言"
    site_name_en: str = Field(
        default="Minyi · Public Messages",
        max_length=200,
        description="The site's name on English pages (MINYI_SITE_NAME is the Chinese one).",
    )
    public_url: str = Field(
        default="",
        max_length=300,
        description="The address the public reaches this server at (https://12345.example.gov.cn).",
    )
    open311_contact: str = Field(
        default="",
        max_length=300,
        description=(
            "Open311 discovery's contact and key service: who integrators ask for an api_key "
            "(e.g. 市12345热线技术组 open311@example.gov.cn)."
        ),
    )
    public_page_size: int = Field(default=20, ge=1, le=200)
    public_numbers: str = Field(
        default="",
        max_length=4000,
        description="Comma-separated official numbers (hotlines, offices' e-mail addresses) that stay "
        "readable in public texts, besides the departments' own and the public service numbers.",
    )
    session_max_age_seconds: int = Field(default=8 * 3600, ge=300)
    login_max_failures: int = Field(
        default=5,
        ge=1,
        le=1000,
        description="Failed logins (or tracking secrets) that lock an account (or code).",
    )
    login_address_max_failures: int = Field(
        default=20, ge=1, le=100_000, description="Failed attempts in 10 minutes that lock a client address."
    )
    login_lock_minutes: float = Field(
        default=1.0, gt=0, le=24 * 60, description="First lock-out; each further one doubles it."
    )
    login_max_lock_minutes: float = Field(
        default=60.0, gt=0, le=7 * 24 * 60, description="Longest lock-out (the cap of the doubling)."
    )
    login_concurrency: int = Field(
        default=2, ge=1, le=64, description="Password checks one server process runs at once; more get 429."
    )
    submit_per_address: int = Field(
        default=30, ge=0, le=100_000, description="Portal messages an address may send an hour (0: any)."
    )
    api_submit_per_address: int = Field(
        default=60,
        ge=0,
        le=1_000_000,
        description="JSON API messages without X-Api-Key an address may send an hour (0: any).",
    )
    api_key_per_hour: int = Field(
        default=100_000,
        ge=0,
        le=100_000_000,
        description="JSON API messages one integrator key (X-Api-Key) may send an hour (0: any).",
    )
    route_confidence: float = Field(
        default=0.6, ge=0.0, le=1.0, description="A category guess this confident routes a case by itself."
    )
    reply_min_score: float = Field(
        default=60.0,
        ge=0.0,
        le=100.0,
        description="A public reply the quality check scores below this needs a stated reason (0: off).",
    )
    holidays_file: Path | None = Field(
        default=None,
        description="CSV/JSON of holidays and adjusted working days (date,kind,name) for years "
        "the bundled PRC calendar does not know yet; it also overrides known years.",
    )
    follow_up_days: int = Field(
        default=7,
        ge=1,
        le=90,
        description="Days a citizen has to answer a follow-up before it counts as not reached.",
    )
    contact_retention_days: int = Field(
        default=365, ge=1, description="Days after a case closes before its contact details are deleted."
    )
    open_data_licence: str = Field(
        default="CC BY 4.0",
        min_length=1,
        max_length=200,
        description="Licence line of the open-data downloads (/public/data/…).",
    )
    scorecard_min_volume: int = Field(
        default=20,
        ge=1,
        le=1_000_000,
        description="Cases a row of the public scorecard needs to be ranked (fewer: 样本不足).",
    )
    sign_for_hours: float = Field(
        default=24.0,
        gt=0,
        le=30 * 24,
        description="Clock hours a department has to sign for a dispatched case (签收及时率).",
    )
    screen_public: bool = Field(
        default=False,
        description="Open the big screen (/screen) to anyone; by default only signed-in staff see it.",
    )
    screen_refresh_seconds: int = Field(
        default=30, ge=1, le=3600, description="How often the big screen (/screen) fetches its figures."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    issue_tracking: bool = Field(
        default=True, description="Put each new message into its hot issue as it arrives."
    )
    issue_window_days: int = Field(
        default=90, ge=1, le=3650, description="Days of messages the online hot-issue tracker keeps live."
    )
    issue_min_size: int = Field(
        default=3, ge=2, le=10_000, description="Messages a group needs before it is stored as a hot issue."
    )
    issue_rebuild_minutes: float = Field(
        default=60.0,
        gt=0,
        le=7 * 24 * 60,
        description="Rebuild the online tracker from the database this often (picks up refreshes "
        "and staff edits).",
    )
    processing: Literal["background", "inline", "nats"] = Field(
        default="background",
        description="Where a received message is processed: 'background' (worker threads in the "
        "server), 'nats' (separate `minyi worker` processes fed by NATS JetStream) or 'inline' "
        "(inside the request, as tests and one-off scripts want).",
    )
    processing_threads: int = Field(
        default=1, ge=1, le=32, description="Worker threads per server process ('background')."
    )
    processing_batch: int = Field(
        default=32, ge=1, le=1000, description="Messages a worker takes up at once (one pipeline batch)."
    )
    processing_queue_size: int = Field(
        default=10_000,
        ge=10,
        description="Messages waiting in a server's queue before new ones are left to the sweeper.",
    )
    sweep_seconds: float = Field(
        default=30.0,
        gt=0,
        description="How often stored but unprocessed messages are handed to the workers again "
        "(after a crash or a full queue), and how old they must be.",
    )
    nats_url: str = Field(default="nats://127.0.0.1:4222", description="NATS server for 'nats' processing.")
    nats_ack_wait_seconds: float = Field(
        default=60.0,
        ge=1,
        le=3600,
        description="Seconds a worker has to process and acknowledge a message before NATS delivers "
        "it again (to another worker).",
    )
    nats_stream: str = Field(
        default="MINYI",
        pattern=r"^[A-Za-z0-9_-]{1,64}$",
        description="JetStream stream name (subjects NAME.*).",
    )
    heat_weights: str = Field(
        default="",
        description="Weights of the heat index as name=value pairs, e.g. 'authors=1.5,tau_days=14'; "
        "empty: the documented defaults.",
    )
    smtp_host: str = Field(default="", description="SMTP server for e-mail notifications; empty: none.")
    smtp_port: int = Field(default=25, ge=1, le=65535, description="SMTP server port.")
    smtp_user: str = Field(default="", description="SMTP login; empty: no login.")
    smtp_password: SecretStr = Field(default=SecretStr(""), description="SMTP password.")
    smtp_starttls: bool = Field(default=False, description="Upgrade the SMTP connection with STARTTLS.")
    mail_from: str = Field(default="minyi@localhost", description="Sender address of notification e-mails.")
    supervisor_email: str = Field(default="", description="Shared inbox of the supervisors (督办); optional.")
    webhook_url: str = Field(
        default="", description="Staff webhook receiving notifications as JSON; optional."
    )
    webhook_secret: SecretStr = Field(
        default=SecretStr(""),
        description="Key of the X-Minyi-Signature HMAC on webhook and SMS gateway posts.",
    )
    sms_webhook_url: str = Field(
        default="", description="SMS gateway adapter receiving {to, text}; optional."
    )
    notify_timeout_seconds: float = Field(
        default=10.0, gt=0, le=300, description="Timeout of one SMTP or HTTP delivery attempt."
    )
    alert_emails: str = Field(
        default="",
        description="Comma-separated addresses receiving alerts of rules that name none; "
        "empty: MINYI_SUPERVISOR_EMAIL.",
    )
    report_recipients: str = Field(
        default="", description="Comma-separated addresses receiving `minyi report send`; empty: none."
    )
    report_period: Literal["day", "week", "month", "year"] = Field(
        default="week",
        description="Period of the scheduled briefing (`minyi report send`): day, week, month or year.",
    )
    report_language: Literal["zh", "en"] = Field(
        default="zh", description="Language of the scheduled briefing."
    )

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        return check_database_url(value)

    @field_validator("log_level", mode="before")
    @classmethod
    def _level_in_capitals(cls, value: object) -> object:
        """``MINYI_LOG_LEVEL=debug`` means DEBUG (an operator's walk-through had it refused)."""
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("report_period", mode="before")
    @classmethod
    def _known_period(cls, value: object) -> object:
        """``Year`` means year; anything else is refused with the four choices in both languages."""
        if not isinstance(value, str):
            return value
        period = value.strip().lower()
        if period not in REPORT_PERIODS:
            raise ValueError(
                f"应为 day、week、month 或 year（日报、周报、月报、年报），不是 {value!r} "
                f"(one of day, week, month, year)"
            )
        return period

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # only when the value is checked

        if not value.strip():  # `MINYI_TIMEZONE=` in an env file: the default, as current_timezone() reads it
            return "Asia/Shanghai"
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            msg = f"MINYI_TIMEZONE {value!r} is not a known IANA timezone (e.g. Asia/Shanghai)"
            raise ValueError(msg) from exc
        return value

    @field_validator("heat_weights")
    @classmethod
    def _heat_weights(cls, value: str) -> str:
        check_weight_pairs(value)
        return value

    @field_validator("nats_url")
    @classmethod
    def _nats_url(cls, value: str) -> str:
        return check_nats_url(value)

    @field_validator("holidays_file")
    @classmethod
    def _holidays_file(cls, value: Path | None) -> Path | None:
        return check_holidays_file(value)

    @field_validator("webhook_url", "sms_webhook_url", "public_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            msg = "URLs must start with http:// or https://"
            raise ValueError(msg)
        return value.rstrip("/")

    @property
    def public_number_list(self) -> tuple[str, ...]:
        """The numbers of ``public_numbers``, one each (commas, full-width or not, separate them)."""
        items = (item.strip() for item in self.public_numbers.replace("，", ",").split(","))
        return tuple(dict.fromkeys(item for item in items if item))

    @property
    def open_data_cache_dir(self) -> Path:
        """Where the public case files are kept between downloads (``/public/data/cases.*``).

        Named once: the downloads keep their files here, and an erasure empties it.
        """
        return self.data_dir / "cache" / "open-data"

    @property
    def effective_database_url(self) -> str:
        """The database URL, defaulting to SQLite inside ``data_dir``."""
        if self.database_url:
            url = self.database_url
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
            return url
        return f"sqlite:///{(self.data_dir / 'minyi.db').resolve()}"

    @property
    def effective_secret_key(self) -> str:
        """The secret key; in development a random one is kept in ``data_dir``."""
        if self.secret_key:
            return self.secret_key
        key_file = self.data_dir / "secret_key"
        if key_file.exists():
            return key_file.read_text(encoding="utf-8").strip()
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        key_file.write_text(key, encoding="utf-8")
        key_file.chmod(0o600)
        return key

    def check_safe(self) -> None:
        """Refuse settings that would be unsafe in production."""
        if self.env != "production":
            return
        problems = []
        if len(self.secret_key) < MIN_SECRET_LENGTH:
            problems.append(f"MINYI_SECRET_KEY must be set to at least {MIN_SECRET_LENGTH} characters")
        if not self.cookie_secure:
            problems.append("MINYI_COOKIE_SECURE must be true (sessions only over HTTPS)")
        if not self.database_url.startswith("postgresql"):
            problems.append("MINYI_DATABASE_URL must point to PostgreSQL in production")
        if not self.data_dir.is_absolute():  # relative to where the process starts: / under systemd
            problems.append(
                f"MINYI_DATA_DIR must be an absolute path in production (e.g. /var/lib/minyi), "
                f"not {str(self.data_dir)!r}, which depends on the directory the process starts in"
            )
        if problems:
            raise UnsafeSettingsError("; ".join(problems))


#: MINYI_ variables read outside the settings (scripts, tests, the test runner).
OTHER_VARIABLES = frozenset(
    {
        *("MINYI_PYTHON", "MINYI_PORT", "MINYI_HOST", "MINYI_PURE_PYTHON", "MINYI_CHROMIUM", "MINYI_CLONES"),
        *("MINYI_TEST_DATABASE_URL", "MINYI_REQUIRE_BROWSER", "MINYI_REQUIRE_NATS", "MINYI_REQUIRE_POSTGRES"),
        "MINYI_REQUIRE_SPEEDUPS",
        "MINYI_NEW_USER_PASSWORD",  # read by `minyi user create` and `minyi user password`
        "MINYI_CLI_LANG",  # the command line's language (minyi.cli.i18n), read before the settings
    }
)


def unknown_variables(environ: Mapping[str, str] | None = None) -> list[str]:
    """``MINYI_`` variables that no setting reads, each with the likeliest intended name.

    A mistyped name (``MINYI_PROCESING=nats``) was silently ignored: the server ran with the
    default and nothing said so.
    """
    import difflib
    import os

    names = {f"MINYI_{name.upper()}" for name in Settings.model_fields}
    found = []
    for key in sorted(environ if environ is not None else os.environ):
        if not key.startswith("MINYI_") or key in names or key in OTHER_VARIABLES:
            continue
        close = difflib.get_close_matches(key, sorted(names), n=1, cutoff=0.8)
        found.append(f"{key} (did you mean {close[0]}?)" if close else key)
    return found


def production_warnings(settings: Settings) -> list[str]:
    """Settings a production server runs without, though the documents ask for them."""
    if settings.env != "production":
        return []
    warnings = []
    if not settings.public_url:
        warnings.append(
            "MINYI_PUBLIC_URL is not set: Open311 discovery names the address each request "
            "came by (the Host header) instead of the public one"
        )
    return warnings


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment; unknown names are warned of."""
    settings = Settings()
    settings.check_safe()
    import logging

    log = logging.getLogger("minyi.settings")
    unknown = unknown_variables()
    if unknown:
        log.warning("unknown settings ignored: %s", "; ".join(unknown))
    for warning in production_warnings(settings):
        log.warning("%s", warning)
    return settings


def current_timezone() -> str:
    """The configured timezone name, without failing on other unsafe settings.

    Display helpers need only this one value; reading it must not refuse to format a
    time because, say, no secret key is set in a test or a one-off command.
    """
    import os  # read straight from the environment, as Settings would

    return os.environ.get("MINYI_TIMEZONE", "").strip() or "Asia/Shanghai"
