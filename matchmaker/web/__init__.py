"""HTML blueprints: parse -> one service call -> render."""
from __future__ import annotations

from importlib import import_module

from flask import Flask, current_app
from flask_login import current_user

from .. import presentation

#: Blueprint modules, each exposing ``bp``; order sets the registration order.
BLUEPRINTS = (
    "main",
    "errors",
    "health",
    "chains",
    "auth",
    "enterprises",
    "admin",
    "notifications",
    "search",
    "postings.demands",
    "postings.capabilities",
    "applications",
    "postings.resources",
    "opportunities",
    "events.public",
    "events.admin",
    "events.schedule",
    "events.day",
    "events.followup",
    "imports",
    "exports",
    "reports",
    "workbench",
)

#: Navigation: (endpoint, Chinese, English, who sees it). Entries whose endpoint does
#: not exist are skipped, so a blueprint appears in the menu by existing.
NAV = (
    ("workbench.index", "工作台", "Workbench", {"enterprise", "organiser", "admin"}),
    ("opportunities.index", "我的商机", "Opportunities", {"member"}),
    ("demands.mine", "我的需求", "My demands", {"member"}),
    ("followup.mine", "洽谈跟进", "Follow-up", {"member"}),
    ("demands.index", "需求大厅", "Demands", {"anonymous", "enterprise", "organiser", "admin"}),
    ("capabilities.index", "企业能力", "Capabilities", {"anonymous", "enterprise", "organiser", "admin"}),
    ("resources.index", "开放资源", "Open resources", {"anonymous", "enterprise", "organiser", "admin"}),
    ("chains.index", "产业链图谱", "Chain maps", {"anonymous", "enterprise", "organiser", "admin"}),
    ("events.index", "对接会", "Fairs", {"anonymous", "enterprise", "organiser", "admin"}),
    ("search.index", "搜索", "Search", {"anonymous", "enterprise", "organiser", "admin"}),
    ("reports.index", "融通报告", "Reports", {"organiser", "admin"}),
    ("imports.index", "批量导入", "Import", {"organiser", "admin"}),
    ("admin.index", "管理", "Admin", {"admin"}),
)


def _audience() -> set[str]:
    """The NAV audiences the current user belongs to (role, and "member" for members of an organisation)."""
    if not current_user.is_authenticated:
        return {"anonymous"}
    who = {current_user.role}
    enterprise = current_user.enterprise if current_user.enterprise_id else None
    if current_user.role == "enterprise" and enterprise is not None:
        who.add("member")
    return who


def _nav_items():
    who = _audience()
    endpoints = current_app.view_functions
    return [(ep, zh, en) for ep, zh, en, roles in NAV if ep in endpoints and who & roles]


def init_app(app: Flask) -> None:
    presentation.register(app)
    for name in BLUEPRINTS:
        module = import_module(f"{__name__}.{name}")
        app.register_blueprint(module.bp)
        if hasattr(module, "init_app"):
            module.init_app(app)

    @app.context_processor
    def _inject_navigation():
        unread = 0
        if current_user.is_authenticated and "notifications.index" in app.view_functions:
            from ..services import notifications
            from ..db import get_session
            unread = notifications.unread_count(get_session(), current_user.id)
        return {"view_endpoints": app.view_functions, "nav_items": _nav_items(), "unread_count": unread}
