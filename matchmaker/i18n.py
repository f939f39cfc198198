"""Languages: Simplified Chinese by default, English on request (``?lang=en``)."""
from __future__ import annotations

from flask import Flask, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

from .extensions import babel

LANGS = {"zh_CN": "中文", "en": "English"}


def select_locale() -> str:
    lang = request.args.get("lang")
    if lang in LANGS:
        session["lang"] = lang
        return lang
    if session.get("lang") in LANGS:
        return session["lang"]
    if getattr(current_user, "is_authenticated", False) and current_user.locale in LANGS:
        return current_user.locale
    return request.accept_languages.best_match(list(LANGS)) or "zh_CN"


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, default_translation_directories="translations")
    # A global, so macros imported without context can translate too.
    app.jinja_env.globals["tr"] = tr

    @app.context_processor
    def _inject_langs():
        return {"LANGS": LANGS, "current_lang": str(get_locale() or "zh_CN"), "tr": tr}


def current_language() -> str:
    # Called for every text of a page (thousands on some): no imports nor lookups beyond these.
    if not has_request_context():
        return "zh_CN"
    return str(get_locale() or "zh_CN")


def tr(zh: str, en: str, **values) -> str:
    """The text in the current language; ``values`` fill ``{name}`` placeholders.

    Chinese and English sit side by side at the call site, so a page is never
    half-translated and no catalogue can drift from the code.
    """
    text = en if current_language() == "en" else zh
    return text.format(**values) if values else text
