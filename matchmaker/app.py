"""The application factory: config -> extensions -> blueprints -> CLI."""
from __future__ import annotations

from flask import Flask

from . import api, db, i18n, mail, requests, security, static_files, web
from . import config as _config
from .services import engines, ranked_cache, search

__all__ = ["create_app"]


def create_app(config=None) -> Flask:
    """Build the application.

    Parameters
    ----------
    config : class or dict, optional
        A config class (e.g. :class:`matchmaker.config.TestConfig`) or a mapping of
        overrides.
    """
    app = Flask("matchmaker", instance_path=str(_config.instance_path()), instance_relative_config=True,
                static_folder=None)
    _config.load_config(app, config)
    requests.init_app(app)
    db.init_app(app)
    engines.init_app(app)
    ranked_cache.init_app(app)
    search.init_app(app)
    mail.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    static_files.init_app(app)
    web.init_app(app)
    api.init_app(app)
    return app
