"""Accounts: sign-up, log-in/out, the account page (password, API tokens), password reset."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import (Blueprint, current_app, flash, g, jsonify, make_response, redirect, render_template, request,
                   url_for)
from flask import session as browser_session
from flask_login import current_user, login_user, logout_user

from .. import transactions
from ..db import get_session
from ..external_urls import external_url
from ..extensions import limiter
from ..i18n import current_language, tr
from ..services import accounts, api_tokens, workbench
from ..services.accounts import AccountError, SimilarEnterprisesError, SignUp
from ..services.enterprises import EnterpriseError
from ..services.scope import scope_of
from . import login_limits
from .access import login_required
from .enterprises import flash_region_warning
from .forms.auth import (ApiTokenForm, JoinForm, LoginForm, PasswordChangeForm, ResetForm, ResetRequestForm,
                         SignUpForm)
from .forms.feedback import show_error
from .service_calls import attempt

bp = Blueprint("auth", __name__)


@bp.context_processor
def _password_rules():
    return {"password_rules": accounts.password_rules_hint()}


def _login_limit() -> str:
    """Log-in attempts per client address: high, since a fair's desk signs many people in from one."""
    return current_app.config.get("LOGIN_RATE_LIMIT", "60 per minute")


def _account_limit() -> str:
    """Sign-ups and password-reset requests per client address."""
    return current_app.config.get("ACCOUNT_RATE_LIMIT", "10 per minute")


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: an open redirect would let a phishing link borrow our log-in page."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    return target


_KEPT_AT_LOG_IN = ("lang", "_flashes")


def _start_session(user, remember: bool) -> None:
    """Log ``user`` in on a fresh session: nothing an earlier visitor of this browser (or an
    attacker who planted a session) put in the cookie survives, the CSRF token included;
    only the chosen language and the messages waiting to be shown are kept."""
    kept = {key: browser_session[key] for key in _KEPT_AT_LOG_IN if key in browser_session}
    browser_session.clear()
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)  # flask_wtf's per-request copy
    browser_session.update(kept)
    login_user(user, remember=remember)
    if not remember and _has_remember_cookie():
        browser_session["_remember"] = "clear"  # an earlier user's remember-me cookie must not outlast this session


def _has_remember_cookie() -> bool:
    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies


def _home_for(user) -> str:
    """Where a user lands after log-in: the role's workbench (what needs them today)."""
    if "workbench.index" in current_app.view_functions:
        return url_for("workbench.index")
    if user.role == "admin" and "admin.index" in current_app.view_functions:
        return url_for("admin.index")
    if user.enterprise_id and "enterprises.show" in current_app.view_functions:
        return url_for("enterprises.show", enterprise_id=user.enterprise_id)
    return url_for("auth.account")


# --------------------------------------------------------------------------- sign-up

@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_account_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    form = SignUpForm()
    candidates = []
    if form.validate_on_submit():
        data = SignUp(email=form.email.data, name=form.full_name.data, password=form.password.data,
                      uscc=form.uscc.data, join=form.mode.data == "join", confirm_new=bool(form.confirm_new.data),
                      enterprise=None if form.mode.data == "join" else form.details(), locale=current_language())
        try:
            user = transactions.run(lambda session: accounts.register(session, data, _members_link))
        except SimilarEnterprisesError as exc:
            candidates = exc.candidates
            flash(exc.message, "warning")
        except (AccountError, EnterpriseError) as exc:
            mapping = dict(SignUpForm.FIELD_MAP, name="full_name") if isinstance(exc, AccountError) \
                else SignUpForm.FIELD_MAP
            show_error(form, exc, mapping)
        else:
            _start_session(user, remember=False)
            if user.pending_enterprise_id:
                flash(tr("注册成功。您的加入申请已发送给该企业的成员，审核通过后即可代表企业开展对接。",
                         "Signed up. Your request to join was sent to the enterprise's members; once approved "
                         "you can act for the enterprise."), "success")
                return redirect(url_for("auth.account"))
            flash(tr("注册成功，欢迎使用融通对接平台！", "Signed up. Welcome to Matchmaker!"), "success")
            flash_region_warning(user.enterprise)
            return redirect(_home_for(user))
    return render_template("auth/register.html", form=form, candidates=candidates)


@bp.get("/register/check")
def register_check():
    """Enterprises that may already be registered, for the sign-up form's live hint."""
    return jsonify(accounts.duplicate_hints(get_session(), request.args.get("name", "")[:200],
                                            request.args.get("uscc", "")[:40]))


# --------------------------------------------------------------------------- log-in / log-out

@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        wait = login_limits.attempt(form.email.data)
        if wait:
            # Too many failures on this account: refused before the password is even checked.
            minutes = login_limits.minutes_text(wait)
            flash(tr("该账号登录失败次数过多，请 {m} 分钟后再试；忘记密码可通过“找回密码”重设。",
                     "Too many failed log-ins for this account; try again in {m} min, or reset the password.",
                     m=minutes), "error")
            response = make_response(render_template("auth/login.html", form=form), 429)
            response.headers["Retry-After"] = str(wait)
            return response
        # The previous log-in is read before authenticating records this one (the workbench's "new since").
        ok, found = attempt(lambda session: (workbench.previous_login(session, form.email.data),
                                             accounts.authenticate(session, form.email.data, form.password.data)))
        if ok:
            previous, user = found
            login_limits.succeeded(form.email.data)
            _start_session(user, remember=bool(form.remember.data))
            browser_session["previous_login_at"] = previous.isoformat() if previous else None
            return redirect(_safe_next(request.args.get("next")) or _home_for(user))
        transactions.run(lambda session: accounts.record_failed_login(session, form.email.data))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        # Ends this user's every session and remember-me cookie, copies included.
        transactions.run(lambda session: accounts.end_sessions(session, current_user._get_current_object()))
    logout_user()
    flash(tr("您已退出登录。", "You are logged out."), "success")
    return redirect(url_for("main.index"))


# --------------------------------------------------------------------------- the account page

def _account_page(password_form=None, token_form=None, join_form=None, new_token=None, status=200):
    session = get_session()
    return render_template(
        "auth/account.html", password_form=password_form or PasswordChangeForm(prefix="pw", formdata=None),
        token_form=token_form or ApiTokenForm(prefix="tok", formdata=None),
        join_form=join_form or JoinForm(prefix="join", formdata=None),
        tokens=api_tokens.user_tokens(session, current_user.id), new_token=new_token,
        region=scope_of(current_user) if current_user.role == "organiser" else None), status


@bp.get("/account")
@login_required
def account():
    return _account_page()


@bp.post("/account/password")
@login_required
def change_password():
    form = PasswordChangeForm(prefix="pw")
    if form.validate_on_submit():
        ok, _ = attempt(lambda session: accounts.change_password(session, current_user, form.current.data,
                                                                 form.password.data),
                        form=form, flash_always=False, success=tr("密码已修改。", "Password changed."))
        if ok:
            # The change ended every session of the user, this one too: open a new one here.
            _start_session(current_user._get_current_object(), remember=_has_remember_cookie())
            return redirect(url_for("auth.account"))
    return _account_page(password_form=form, status=400)


@bp.post("/account/tokens")
@login_required
def create_token():
    form = ApiTokenForm(prefix="tok")
    if form.validate_on_submit():
        ok, new_token = attempt(lambda session: api_tokens.create_token(session, current_user, form.name.data),
                                form=form, flash_always=False)
        if ok:
            # Rendered, not flashed: a flashed token would sit in the session cookie.
            response = make_response(_account_page(new_token=new_token))
            response.headers["Cache-Control"] = "no-store"
            return response
    return _account_page(token_form=form, status=400)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    ok, token = attempt(lambda session: api_tokens.revoke_token(session, current_user, token_id))
    if ok:
        flash(tr("令牌“{name}”已撤销。", "Token “{name}” revoked.", name=token.name), "success")
    return redirect(url_for("auth.account"))


@bp.post("/account/join")
@login_required
def join():
    form = JoinForm(prefix="join")
    if form.validate_on_submit():
        ok, ent = attempt(lambda session: accounts.request_membership(session, current_user, form.uscc.data,
                                                                      _members_link),
                          form=form, flash_always=False)
        if ok:
            flash(tr("已向“{name}”发送加入申请。", "Your request to join “{name}” was sent.", name=ent.name), "success")
            return redirect(url_for("auth.account"))
    return _account_page(join_form=form, status=400)


# --------------------------------------------------------------------------- password reset

@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_account_limit, methods=["POST"])
def forgot_password():
    form = ResetRequestForm()
    if form.validate_on_submit():
        ok, _ = attempt(lambda session: accounts.start_password_reset(
            session, form.email.data, lambda token: external_url("auth.reset_password", token=token)),
            success=tr("如果该邮箱已注册，我们已发送重置链接，请在 1 小时内使用。",
                       "If the address is registered, a reset link is on its way; it works for one hour."))
        if ok:
            return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    session = get_session()
    form = ResetForm()
    error = None
    try:
        accounts.check_reset_token(session, token)
    except AccountError as exc:
        error = exc.message
    if error is None and form.validate_on_submit():
        ok, _ = attempt(lambda session: accounts.reset_password(session, token, form.password.data),
                        form=form, flash_always=False)
        if ok:
            logout_user()
            flash(tr("密码已重置，请用新密码登录。", "Password reset; log in with the new password."), "success")
            return redirect(url_for("auth.login"))
    response = make_response(render_template("auth/reset.html", form=form, error=error), 400 if error else 200)
    # The token is in the URL: keep it out of Referer headers sent to other sites.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _members_link(enterprise_id: int) -> str:
    return url_for("enterprises.members", enterprise_id=enterprise_id)
