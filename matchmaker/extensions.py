"""Flask extensions, created unbound; :func:`matchmaker.create_app` binds them."""
from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from . import ratelimits  # noqa: F401  (registers the matchmaker+sqlite:// storage with limits)


class SiteLimiter(Limiter):
    """Flask-Limiter, bound afresh by each application.

    Flask-Limiter keeps some state of the last binding on the extension object:
    a storage found dead (its in-memory fallback then serves), the storage
    options, whether the fallback is on. One object serves every application a process builds (the tests
    build many), so each binding starts from a clean slate.
    """

    def init_app(self, app, *args, **kwargs):
        self._storage_dead = False
        self._storage_options = {}
        self._in_memory_fallback_enabled = False
        return super().init_app(app, *args, **kwargs)


csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
limiter = SiteLimiter(key_func=get_remote_address, default_limits=[])
