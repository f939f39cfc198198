"""Serve the shipped ``static/`` folder (CSS, JS, images) at ``/static``."""
from __future__ import annotations

import posixpath

from flask import Flask, abort, redirect, send_from_directory

from .package_data import static_dir

# ``static/`` is also a Python package (that is how it is shipped); its module files are not assets.
_NOT_ASSETS = ("__init__.py", "__pycache__")


def init_app(app: Flask) -> None:
    folder = app.config.get("STATIC_FOLDER") or str(static_dir())

    @app.route("/static/<path:filename>", endpoint="static")
    def static(filename: str):
        if posixpath.normpath(filename).split("/", 1)[0] in _NOT_ASSETS:
            abort(404)
        return send_from_directory(folder, filename, max_age=3600)

    @app.route("/favicon.ico", endpoint="favicon")
    def favicon():
        # Browsers ask for /favicon.ico before reading the page's <link rel="icon">.
        return redirect("/static/img/favicon.svg", code=301)
