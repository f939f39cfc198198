"""Configuration: defaults, values from the environment, overrides from the instance folder.

Nothing here runs at import time except class definitions; :func:`load_config` is
called by :func:`matchmaker.create_app`.
"""
from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

from . import ratelimits


class Config:
    """Production-leaning defaults; every value can be overridden from the environment."""

    TESTING = False
    SECRET_KEY: str | None = None
    DATABASE_URL: str | None = None
    REDIS_URL: str | None = None
    SQLALCHEMY_ECHO = False
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_SUPPORTED_LOCALES = ("zh_CN", "en")
    RATELIMIT_STORAGE_URI = "memory://"
    # A rate-limit storage that cannot be reached (Redis down) is replaced by counters in
    # memory, with a warning in the log, until it answers again: log-in keeps working.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_ENABLED = True
    #: Log-in attempts per client address (high: a fair's desk signs many accounts in from one address).
    LOGIN_RATE_LIMIT = "60 per minute"
    #: Failed log-ins per account, from any address (:mod:`matchmaker.web.login_limits`).
    LOGIN_FAILURE_LIMIT = "10 per 15 minutes"
    #: Sign-ups and password-reset requests per client address.
    ACCOUNT_RATE_LIMIT = "10 per minute"
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    UPLOAD_EXTENSIONS = (".pdf", ".docx", ".xlsx", ".png", ".jpg", ".jpeg", ".zip", ".pptx")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_SENDER = "noreply@matchmaker.local"
    PER_PAGE = 20
    # Links that leave the site (e-mail) are built from MATCHMAKER_BASE_URL (e.g.
    # https://match.example.cn), else from SERVER_NAME and PREFERRED_URL_SCHEME, never from
    # a request's Host header; TRUSTED_HOSTS answers any other Host with 400.
    MATCHMAKER_BASE_URL: str | None = None
    TRUSTED_HOSTS: list[str] | None = None
    # Proxies in front of the site whose X-Forwarded-* headers are believed (0: none);
    # X-Forwarded-Proto is believed from as many proxies as X-Forwarded-For unless set.
    PROXY_FIX_X_FOR = 0
    PROXY_FIX_X_PROTO: int | None = None
    PROXY_FIX_X_HOST = 0
    PROXY_FIX_X_PREFIX = 0
    REMEMBER_COOKIE_DURATION = dt.timedelta(days=14)
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Strict-Transport-Security on HTTPS answers (seconds; 0 sends none).
    HSTS_MAX_AGE = 365 * 24 * 3600
    HSTS_INCLUDE_SUBDOMAINS = False


class TestConfig(Config):
    """Isolated settings for the test-suite: in-memory-ish SQLite unless told otherwise."""

    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    # Cheap hashing keeps the suite fast; production keeps werkzeug's default.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


_ENV_KEYS = ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "MAIL_SERVER", "MAIL_PORT", "MAIL_SENDER")


def _host_list(value: str) -> list[str]:
    return [host.strip() for host in value.split(",") if host.strip()]


def _duration(value: str) -> dt.timedelta:
    """``1209600`` (seconds), ``14d`` or ``12h``."""
    value = value.strip().lower()
    unit = {"d": 86400, "h": 3600, "m": 60, "s": 1}.get(value[-1:])
    return dt.timedelta(seconds=int(value[:-1]) * unit if unit else int(value))


# Settings of the site's address, proxies and cookies, with how their environment value is read.
_ENV_PARSED = {"MATCHMAKER_BASE_URL": str, "SERVER_NAME": str, "PREFERRED_URL_SCHEME": str,
               "TRUSTED_HOSTS": _host_list, "PROXY_FIX_X_FOR": int, "PROXY_FIX_X_PROTO": int,
               "PROXY_FIX_X_HOST": int, "PROXY_FIX_X_PREFIX": int, "REMEMBER_COOKIE_DURATION": _duration,
               "HSTS_MAX_AGE": int}


def instance_path() -> Path:
    """The instance folder: ``MATCHMAKER_INSTANCE`` or ``./instance``."""
    return Path(os.environ.get("MATCHMAKER_INSTANCE", "instance")).resolve()


def ensure_secret_key(folder: Path) -> str:
    """Read the instance's secret key, generating it once when absent.

    The key lives in the instance folder (never in the repository) with mode 0600.
    """
    folder.mkdir(parents=True, exist_ok=True)
    key_file = folder / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    key = secrets.token_urlsafe(48)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key)
    return key


def load_config(app, config=None) -> None:
    """Fill ``app.config``: class defaults, environment, instance overrides, then ``config``.

    ``config`` may be a class, or a mapping of overrides applied on top of
    :class:`Config` (a mapping with ``TESTING`` true starts from :class:`TestConfig`).
    """
    base = Config
    overrides: dict = {}
    if isinstance(config, type):
        base = config
    elif isinstance(config, dict):
        overrides = dict(config)
        if overrides.get("TESTING"):
            base = TestConfig
    app.config.from_object(base)
    for key in _ENV_KEYS:
        value = os.environ.get(key)
        if value:
            app.config[key] = int(value) if key == "MAIL_PORT" else value
    for key, parse in _ENV_PARSED.items():
        value = os.environ.get(key)
        if value:
            app.config[key] = parse(value)
    folder = Path(app.instance_path)
    app.config.from_pyfile(str(folder / "config.py"), silent=True)
    app.config.update(overrides)
    if not app.config.get("DATABASE_URL"):
        folder.mkdir(parents=True, exist_ok=True)
        app.config["DATABASE_URL"] = f"sqlite:///{folder / 'matchmaker.sqlite'}"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = ensure_secret_key(folder)
    app.config.setdefault("UPLOAD_FOLDER", str(folder / "uploads"))
    if app.config.get("REDIS_URL") and not app.config.get("TESTING"):
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 1, "socket_timeout": 1})
    elif app.config.get("RATELIMIT_STORAGE_URI") == "memory://" and not app.config.get("TESTING"):
        # Counters in memory would be per process (per gunicorn worker); a file is shared by all.
        app.config["RATELIMIT_STORAGE_URI"] = ratelimits.storage_uri(folder)
