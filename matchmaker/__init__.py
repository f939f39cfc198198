"""Matchmaker: a supply-chain matchmaking platform for large enterprises and SMEs."""
from __future__ import annotations

__all__ = ["create_app"]
__version__ = "0.1.0"


def create_app(config=None):
    """Build the application: config -> extensions -> blueprints -> CLI.

    Parameters
    ----------
    config : class or dict, optional
        A config class (e.g. :class:`matchmaker.config.TestConfig`) or a mapping of
        overrides.
    """
    # Imported here so the pure packages (matchmaker.matching, .scheduling, .domain)
    # load without the web stack.
    from flask import Flask

    from . import config as _config

    app = Flask(__name__, instance_path=str(_config.instance_path()), instance_relative_config=True,
                static_folder=None)
    _config.load_config(app, config)

    from . import db, i18n, security, web, api, static_files, requests
    requests.init_app(app)
    db.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    static_files.init_app(app)
    web.init_app(app)
    api.init_app(app)
    return app
