"""Error pages in the user's language, which never fail themselves.

Every error answers with its own status: a page for the site, JSON
(``{"error": {"code", "message"}}``) for ``/api/`` and for clients asking for
JSON. Drawing the normal page needs the templates and, for a signed-in visitor,
the database; when that fails too (the database is gone, a template is broken)
a plain page in both languages, made of nothing but a string, answers instead.

Before any error page is drawn, the request's unfinished writes are rolled
back: a failed write leaves the session unusable, and the page's header reads
through it.
"""
from __future__ import annotations

import json
from html import escape

from flask import Blueprint, Response, current_app, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

__all__ = ["bp", "discard_unfinished_writes", "error_response", "init_app", "plain_response"]

bp = Blueprint("errors", __name__)

#: Status -> (Chinese, English) message.
MESSAGES = {
    400: ("请求无效，请检查输入。", "Bad request; check what was entered."),
    403: ("您无权访问此页面。", "You may not access this page."),
    404: ("页面不存在。", "Page not found."),
    405: ("此地址不支持该请求方式。", "This address does not take that kind of request."),
    409: ("这项内容刚被他人同时提交或修改，请刷新页面后查看。",
          "Someone sent or changed the same thing at the same moment; reload the page to see it."),
    413: ("上传的文件太大。", "The upload is too large."),
    429: ("请求过于频繁，请稍后再试。", "Too many attempts; please wait a moment."),
    500: ("服务器出错了，请稍后再试。", "Something went wrong on our side; please try again."),
    503: ("服务暂时不可用，请稍后再试。", "The service is temporarily unavailable; please try again shortly."),
}
#: Seconds a client is asked to wait before trying again after a 503.
RETRY_AFTER = 30

#: The page when nothing else works: no template, no database, no style sheet (the site's
#: content security policy allows no inline style), so it cannot fail.
PLAIN_PAGE = """<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{code} · Matchmaker</title></head>
<body>
<h1>{code}</h1>
<p>{zh}</p>
<p lang="en">{en}</p>
<p><a href="/">返回首页</a> · <a href="/" lang="en">Back to the home page</a></p>
</body>
</html>
"""


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def discard_unfinished_writes() -> None:
    """Roll the request's session back; if even that fails, drop it so the page starts a fresh one."""
    session = g.get("db_session")
    if session is None:
        return
    try:
        session.rollback()
    except Exception:  # noqa: BLE001 - the database may be gone; the page must still be drawn
        g.pop("db_session", None)
        try:
            session.close()
        except Exception:
            current_app.logger.warning("could not close the session of a failed request", exc_info=True)


def plain_response(code: int, zh: str, en: str) -> Response:
    """The error as a page (or JSON) made without templates or the database."""
    if _wants_json():
        body, mimetype = json.dumps({"error": {"code": code, "message": en}}), "application/json"
    else:
        body, mimetype = PLAIN_PAGE.format(code=code, zh=escape(zh), en=escape(en)), "text/html"
    response = Response(body, status=code, mimetype=mimetype)
    response.headers["Cache-Control"] = "no-store"
    return response


def error_response(code: int, zh: str | None = None, en: str | None = None,
                   headers: dict | None = None) -> Response:
    """The error page (or JSON) with status ``code``; the plain one when drawing it fails.

    ``zh`` and ``en`` default to the status's own message (:data:`MESSAGES`).
    """
    default_zh, default_en = MESSAGES.get(code, MESSAGES[500])
    zh, en = zh or default_zh, en or default_en
    discard_unfinished_writes()
    try:
        if _wants_json():
            response = jsonify({"error": {"code": code, "message": en}})
        else:
            response = Response(render_template("errors/error.html", code=code, zh=zh, en=en), mimetype="text/html")
        response.status_code = code
    except Exception:  # an error page must not fail: answer with the plain one
        current_app.logger.exception("the %s page could not be drawn; answering with the plain page", code)
        response = plain_response(code, zh, en)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _status_page(code: int):
    def page(exc):
        # Keep what the error itself says to the client (``Allow`` of a 405, ``Retry-After``).
        headers = {name: value for name, value in exc.get_headers() if name.lower() != "content-type"} \
            if isinstance(exc, HTTPException) else {}
        if code == 503:
            headers.setdefault("Retry-After", str(RETRY_AFTER))
        if code == 429 and str(headers.get("Retry-After", "")).isdigit():
            wait = int(headers["Retry-After"])
            return error_response(code, f"请求过于频繁，请 {wait} 秒后再试。",
                                  f"Too many attempts; try again in {wait} s.", headers=headers)
        return error_response(code, headers=headers)
    return page


def _is_unique_violation(exc: IntegrityError) -> bool:
    orig = exc.orig
    if getattr(orig, "sqlstate", None) == "23505":  # PostgreSQL unique_violation
        return True
    return "UNIQUE constraint failed" in str(orig if orig is not None else exc)  # SQLite


def _unique_clash(exc: IntegrityError) -> Response:
    """A unique constraint no service caught: two people sent the same thing at the same moment (409).
    Any other constraint (a foreign key, NOT NULL, a CHECK) refused a write it should never have been
    given: that is a fault of the site, logged in full and answered 500."""
    if not _is_unique_violation(exc):
        current_app.logger.error("write refused by a database constraint", exc_info=exc)
        return error_response(500)
    current_app.logger.warning("write refused by the database: %s", exc.orig if exc.orig is not None else exc)
    return error_response(409)


def init_app(app) -> None:
    for code in MESSAGES:
        app.register_error_handler(code, _status_page(code))
    # A database that cannot be reached answers 503 (see matchmaker.web.health).
    app.register_error_handler(IntegrityError, _unique_clash)
    # A number beyond the database's INTEGER in a form or query value (a hand-edited id) names no row;
    # SQLite refuses to bind it.
    app.register_error_handler(OverflowError, _status_page(400))
    app.register_error_handler(CSRFError, lambda e: error_response(
        400, "表单已过期或无效，请刷新页面后重试。", "The form expired or is invalid; reload the page and try again."))
