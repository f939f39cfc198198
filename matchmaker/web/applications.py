"""Applications to demands (报价 / 揭榜), their review, and their attachments."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user

from ..db import get_session
from ..i18n import tr
from ..services import applications as service
from ..services import attachments, consortia
from ..services.capabilities import enterprise_capabilities
from ..services.demands import owned_demand, visible_demand
from ..services.errors import NotFound
from .access import enterprise_required
from .forms.applications import ApplicationForm, AttachForm, ReviewForm, WithdrawForm
from .forms.choices import as_select
from .pagination import paginate
from .postings.helpers import arg, uploads_from_request
from .service_calls import attempt, or_404

bp = Blueprint("applications", __name__)


@bp.app_context_processor
def _labels():
    return {"partner_role_label": consortia.partner_role_label, "partner_state_label": consortia.partner_state_label}


def _link(application) -> str:
    return url_for("applications.show", application_id=application.id)


def _partnership_link(application) -> str:
    return url_for("applications.partnership", application_id=application.id)


def _flash_refused(refused: list[str]) -> None:
    for message in refused:
        flash(message, "error")


@bp.route("/demands/<int:demand_id>/apply", methods=["GET", "POST"])
@enterprise_required
def new(demand_id: int):
    session = get_session()
    demand = or_404(visible_demand, session, demand_id, current_user.enterprise_id)
    if demand.enterprise_id == current_user.enterprise_id:
        abort(403)  # one's own demand
    form = ApplicationForm()
    capabilities = session.scalars(enterprise_capabilities(current_user.enterprise_id, active_only=True)).all()
    form.capability_id.choices = as_select([("", tr("（不指定）", "(none)"))] + [(str(c.id), c.title) for c in capabilities])
    if form.validate_on_submit():
        data = {"proposal": form.proposal.data, "price": form.price.data, "capability_id": form.capability_id.data,
                "partners": form.partner_rows() if demand.kind == "challenge" else []}
        ok, result = attempt(lambda session: service.apply(session, demand, current_user.enterprise, current_user.id,
                                                           data, uploads_from_request(), link_for=_link,
                                                           partner_link_for=_partnership_link), form=form)
        if ok:
            application, refused = result
            _flash_refused(refused)
            flash(tr("申请已提交，发布方处理后您会收到通知。", "Application sent; you will be notified when it is reviewed."),
                  "success")
            return redirect(_link(application))
    return render_template("applications/form.html", form=form, demand=demand)


@bp.get("/applications/mine")
@enterprise_required
def mine():
    page = paginate(get_session(), service.applications_of(current_user.enterprise_id, arg("status")))
    return render_template("applications/mine.html", page=page, status=arg("status"))


@bp.get("/applications/received")
@enterprise_required
def received():
    session = get_session()
    demand = None
    if arg("demand") and arg("demand").isdigit():
        demand = or_404(owned_demand, session, int(arg("demand")), current_user.enterprise_id)
    page = paginate(session, service.applications_received(current_user.enterprise_id,
                                                           demand.id if demand else None, arg("status")))
    return render_template("applications/received.html", page=page, demand=demand, status=arg("status"))


def _visible(application_id: int, side: str | None = None):
    """The application if the user's enterprise sent it or owns its demand, else 404.

    ``side`` keeps only one of the two: ``"applicant"`` or ``"buyer"``.
    """
    application = or_404(service.visible_application, get_session(), application_id, current_user.enterprise_id)
    if side is not None:
        owner = application.enterprise_id if side == "applicant" else application.demand.enterprise_id
        if owner != current_user.enterprise_id:
            abort(404)
    return application


@bp.get("/applications/<int:application_id>")
@enterprise_required
def show(application_id: int):
    application = _visible(application_id)
    is_owner = application.demand.enterprise_id == current_user.enterprise_id
    return render_template("applications/show.html", application=application, is_owner=is_owner,
                           review_form=ReviewForm(), attach_form=AttachForm(), withdraw_form=WithdrawForm(),
                           actions=service.REVIEW_ACTIONS)


@bp.route("/applications/<int:application_id>/partnership", methods=["GET", "POST"])
@enterprise_required
def partnership(application_id: int):
    """A named 联合体 partner's page: what it was named for, and its confirmation."""
    application, entry = or_404(consortia.partnership_of, get_session(), application_id, current_user.enterprise_id)
    form = WithdrawForm()
    if request.method == "POST" and form.validate_on_submit():
        accept = request.form.get("answer") == "confirm"
        ok, _ = attempt(lambda session: consortia.answer(session, application, current_user.enterprise_id,
                                                         current_user.id, accept, link=_link(application)),
                        success=tr("已确认参加该联合体。", "You confirmed the partnership.") if accept
                        else tr("已拒绝。", "You declined."))
        return redirect(url_for("applications.partnership", application_id=application_id))
    return render_template("applications/partnership.html", application=application, entry=entry, form=form)


@bp.post("/applications/<int:application_id>/review")
@enterprise_required
def review(application_id: int):
    application = _visible(application_id, side="buyer")
    form = ReviewForm()
    if form.validate_on_submit():
        attempt(lambda session: service.review(session, application, current_user.id, form.status.data,
                                               form.message.data, link=_link(application)),
                success=tr("已更新申请状态并通知对方。", "The application is updated and the applicant notified."))
    return redirect(_link(application))


@bp.post("/applications/<int:application_id>/withdraw")
@enterprise_required
def withdraw(application_id: int):
    application = _visible(application_id, side="applicant")
    if WithdrawForm().validate_on_submit():
        attempt(lambda session: service.withdraw(session, application, current_user.id, link=_link(application)),
                success=tr("申请已撤回。", "Application withdrawn."))
    return redirect(_link(application))


@bp.post("/applications/<int:application_id>/attachments")
@enterprise_required
def attach(application_id: int):
    application = _visible(application_id, side="applicant")
    if AttachForm().validate_on_submit():
        ok, result = attempt(lambda session: service.add_attachments(session, application, current_user.id,
                                                                     uploads_from_request()))
        if ok:
            stored, refused = result
            _flash_refused(refused)
            if stored:
                flash(tr("已添加 {n} 个附件。", "{n} file(s) added.", n=stored), "success")
            elif not refused:
                flash(tr("请选择要上传的文件。", "Choose a file to upload."), "error")
    return redirect(_link(application))


@bp.get("/attachments/<int:attachment_id>")
@enterprise_required
def download(attachment_id: int):
    settings = attachments.UploadSettings.from_config(current_app.config)
    attachment = or_404(attachments.downloadable_attachment, get_session(), attachment_id, current_user.enterprise_id,
                        settings)
    response = send_file(attachments.attachment_path(attachment, settings), mimetype=attachment.content_type,
                         as_attachment=True, download_name=attachment.filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/attachments/<int:attachment_id>/delete")
@enterprise_required
def delete_attachment(attachment_id: int):
    settings = attachments.UploadSettings.from_config(current_app.config)
    attachment = or_404(attachments.downloadable_attachment, get_session(), attachment_id, current_user.enterprise_id,
                        settings)
    application = attachment.application
    if WithdrawForm().validate_on_submit():
        attempt(lambda session: attachments.remove_attachment(session, attachment, current_user.enterprise_id,
                                                              settings),
                success=tr("附件已删除。", "File removed."), abort_on={NotFound: 404})
    return redirect(_link(application))
