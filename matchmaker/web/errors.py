"""Error pages in the user's language."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask_wtf.csrf import CSRFError

bp = Blueprint("errors", __name__)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _render(code: int, zh: str, en: str):
    if _wants_json():
        return jsonify({"error": {"code": code, "message": en}}), code
    return render_template("errors/error.html", code=code, zh=zh, en=en), code


def init_app(app) -> None:
    app.register_error_handler(400, lambda e: _render(400, "请求无效，请检查输入。", "Bad request; check what was entered."))
    app.register_error_handler(500, lambda e: _render(500, "服务器出错了，请稍后再试。", "Something went wrong on our side; please try again."))
    app.register_error_handler(403, lambda e: _render(403, "您无权访问此页面。", "You may not access this page."))
    app.register_error_handler(404, lambda e: _render(404, "页面不存在。", "Page not found."))
    app.register_error_handler(413, lambda e: _render(413, "上传的文件太大。", "The upload is too large."))
    app.register_error_handler(429, lambda e: _render(429, "请求过于频繁，请稍后再试。",
                                                      "Too many attempts; please wait a moment."))
    # A number beyond the database's INTEGER in a form or query value (a hand-edited id) names no row;
    # SQLite refuses to bind it.
    app.register_error_handler(OverflowError, lambda e: _render(400, "请求无效，请检查输入。",
                                                                "Bad request; check what was entered."))
    app.register_error_handler(CSRFError, lambda e: _render(
        400, "表单已过期或无效，请刷新页面后重试。", "The form expired or is invalid; reload the page and try again."))
