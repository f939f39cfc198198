"""Platform administration: dashboard, verification, users, audit log (admins only)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..db import get_session
from ..i18n import tr
from ..services import admin as service
from ..services import verification
from ..services.enterprises import get_enterprise, size_label
from .access import admin_required
from .forms.admin import OrganiserForm, RoleForm, ScopeForm, role_choices
from .forms.verification import RejectForm
from .pagination import paginate
from .service_calls import attempt, local_next

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _back(default: str) -> str:
    return local_next(url_for(default), prefix="/admin")


def _flag() -> bool:
    return request.form.get("value", "1") == "1"


@bp.get("/")
@admin_required
def index():
    return render_template("admin/index.html", **service.dashboard(get_session()))


#: The filters of the verification list: the queue first.
ENTERPRISE_FILTERS = ("pending", "rejected", "verified", "all")


@bp.get("/enterprises")
@admin_required
def enterprises():
    status = request.args.get("status", "pending")
    status = "pending" if status == "unverified" else status  # the former name of the queue
    if status not in ENTERPRISE_FILTERS:
        status = "pending"
    page = paginate(get_session(), service.enterprises_query(request.args.get("q"), status if status != "all" else None))
    return render_template("admin/enterprises.html", page=page, status=status, size_label=size_label)


def _profile_link(enterprise_id: int) -> str:
    return url_for("enterprises.show", enterprise_id=enterprise_id)


@bp.post("/enterprises/<int:enterprise_id>/verify")
@admin_required
def verify_enterprise(enterprise_id: int):
    checked = request.form.get("name")
    ok, ent = attempt(lambda session: service.verify_enterprise(session, current_user, enterprise_id, _flag(),
                                                                link=_profile_link(enterprise_id),
                                                                checked_name=checked))
    if ok:
        flash(tr("已核验“{name}”。", "“{name}” is verified.", name=ent.name) if ent.verified
              else tr("已撤销“{name}”的核验。", "Verification of “{name}” withdrawn.", name=ent.name), "success")
    return redirect(_back("admin.enterprises"))


@bp.route("/enterprises/<int:enterprise_id>/reject", methods=["GET", "POST"])
@admin_required
def reject_enterprise(enterprise_id: int):
    """Refuse to verify an organisation, with the reason it will be shown."""
    ent = get_enterprise(get_session(), enterprise_id)
    if ent is None:
        abort(404)
    form = RejectForm()
    if request.method == "GET":
        form.checked_name.data = ent.name
        form.next.data = request.args.get("next") or ""
        form.reason.data = ent.verification_note or ""
    elif form.validate_on_submit():
        ok, ent = attempt(lambda session: service.reject_enterprise(
            session, current_user, enterprise_id, form.reason.data, link=_profile_link(enterprise_id),
            checked_name=form.checked_name.data or None), form=form, flash_always=False)
        if ok:
            flash(tr("已退回“{name}”的核验申请，单位将看到原因。", "“{name}” was refused; the organisation is shown why.",
                     name=ent.name), "success")
            return redirect(_back("admin.enterprises"))
        ent = get_enterprise(get_session(), enterprise_id)
        form.checked_name.data = ent.name  # the page now shows the present name
    return render_template("admin/reject_enterprise.html", form=form, ent=ent,
                           max_length=verification.REASON_MAX_LENGTH)


@bp.get("/qualifications")
@admin_required
def qualifications():
    page = paginate(get_session(), service.pending_qualifications_query())
    return render_template("admin/qualifications.html", page=page)


@bp.post("/qualifications/<int:qualification_id>/verify")
@admin_required
def verify_qualification(qualification_id: int):
    ok, qual = attempt(lambda session: service.verify_qualification(
        session, current_user, qualification_id, _flag(),
        link_for=lambda enterprise_id: url_for("enterprises.show", enterprise_id=enterprise_id)))
    if ok:
        flash(tr("资质“{name}”已核验。", "“{name}” verified.", name=qual.name) if qual.verified
              else tr("已撤销资质“{name}”的核验。", "Verification of “{name}” withdrawn.", name=qual.name), "success")
    return redirect(_back("admin.qualifications"))


@bp.get("/users")
@admin_required
def users():
    active = {"1": True, "0": False}.get(request.args.get("active", ""))
    page = paginate(get_session(), service.users_query(request.args.get("q"), request.args.get("role"), active,
                                                       pending=request.args.get("pending") == "1"))
    return render_template("admin/users.html", page=page, roles=role_choices(), role_form=RoleForm(),
                           account_scope=service.account_scope)



@bp.post("/users/<int:user_id>/active")
@admin_required
def set_active(user_id: int):
    ok, user = attempt(lambda session: service.set_active(session, current_user, user_id, _flag()))
    if ok:
        flash(tr("已启用 {email}。", "{email} activated.", email=user.email) if user.active
              else tr("已停用 {email}。", "{email} deactivated.", email=user.email), "success")
    return redirect(_back("admin.users"))


@bp.post("/users/<int:user_id>/role")
@admin_required
def set_role(user_id: int):
    form = RoleForm()
    if not form.validate_on_submit():
        flash(tr("请选择角色。", "Choose a role."), "error")
        return redirect(_back("admin.users"))
    ok, result = attempt(lambda session: service.set_role(session, current_user, user_id, form.role.data))
    if ok:
        user, previous = result
        flash(tr("{email} 的角色已更新。", "{email}'s role changed.", email=user.email), "success")
        if user.role == "organiser" and previous != "organiser":
            # A new organiser answers for the whole country until its region is set: ask for it now.
            flash(tr("请设定其管辖地区；不设定则为全国。", "Set the region it answers for; without one it is national."),
                  "info")
            return redirect(url_for("admin.user_scope", user_id=user.id))
    return redirect(_back("admin.users"))


@bp.route("/users/new-organiser", methods=["GET", "POST"])
@admin_required
def new_organiser():
    form = OrganiserForm()
    if form.validate_on_submit():
        def create(session):
            scope = service.clean_scope(*form.scope_values())
            return service.create_organiser(session, current_user, form.email.data, form.name.data,
                                            form.password.data, form.organisation.data, scope)
        ok, user = attempt(create, form=form, flash_always=False)
        if ok:
            flash(tr("已创建组织方账号 {email}，请将初始密码安全地告知对方并提醒其登录后修改。",
                     "Organiser account {email} created; pass on the initial password safely and ask them to "
                     "change it.", email=user.email), "success")
            return redirect(url_for("admin.users", role="organiser"))
    return render_template("admin/new_organiser.html", form=form)


@bp.route("/users/<int:user_id>/scope", methods=["GET", "POST"])
@admin_required
def user_scope(user_id: int):
    """Change the region an organiser answers for."""
    user = service.organiser(get_session(), user_id)
    if user is None:
        abort(404)
    form = ScopeForm()
    if request.method == "GET":
        scope = service.account_scope(user)
        form.scope_level.data, form.scope_province.data = scope.level, scope.province or ""
        form.scope_city.data, form.scope_district.data = scope.city or "", scope.district or ""
    elif form.validate_on_submit():
        ok, user = attempt(lambda session: service.set_scope(session, current_user, user_id,
                                                             service.clean_scope(*form.scope_values())),
                           form=form, flash_always=False)
        if ok:
            flash(tr("{email} 的管辖范围已改为{label}。", "{email} now answers for {label}.", email=user.email,
                     label=service.account_scope(user).label), "success")
            return redirect(url_for("admin.users", role="organiser"))
    return render_template("admin/user_scope.html", form=form, user=user)


@bp.get("/audit")
@admin_required
def audit():
    session = get_session()
    page = paginate(session, service.audit_query(request.args.get("action"), request.args.get("user")), scalars=False)
    return render_template("admin/audit.html", page=page, actions=service.audit_actions(session))
