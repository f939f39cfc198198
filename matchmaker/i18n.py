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
        return {"LANGS": LANGS, "current_lang": current_language(), "tr": tr}


#: Where a request keeps its language once known (its WSGI environment lives exactly as long).
_LANG_KEY = "matchmaker.language"


def current_language() -> str:
    # Called for every text of a page (hundreds to thousands): the locale is worked out once per
    # request and kept with it (Babel's own lookup and str(Locale) cost ~8 µs a call).
    if not has_request_context():
        return "zh_CN"
    environ = request.environ
    lang = environ.get(_LANG_KEY)
    if lang is None:
        lang = environ[_LANG_KEY] = str(get_locale() or "zh_CN")
    return lang


def tr(zh: str, en: str, **values) -> str:
    """The text in the current language; ``values`` fill ``{name}`` placeholders.

    Chinese and English sit side by side at the call site, so a page is never
    half-translated and no catalogue can drift from the code.
    """
    text = en if current_language() == "en" else zh
    return text.format(**values) if values else text
