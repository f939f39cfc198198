"""Serve the top-level ``static/`` folder (CSS, JS, images) at ``/static``."""
from __future__ import annotations

from pathlib import Path

from flask import Flask, send_from_directory

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def init_app(app: Flask) -> None:
    folder = app.config.get("STATIC_FOLDER") or str(STATIC_DIR)

    @app.route("/static/<path:filename>", endpoint="static")
    def static(filename: str):
        return send_from_directory(folder, filename, max_age=3600)
