"""Bulk import pages: organisers upload a file, check the preview, confirm, and download the report."""
from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from ..db import get_session, session_scope
from ..i18n import current_language, tr
from ..io.schema import chinese_header
from ..jobs import Jobs
from ..models import Event
from ..services import import_runs
from ..services.errors import NotFound
from .access import organiser_required
from .forms.lazy import lazy_tr
from .pagination import paginate, paginate_list
from .service_calls import attempt, or_404

bp = Blueprint("imports", __name__, url_prefix="/imports")

KINDS = {
    "enterprises": lazy_tr("企业", "Enterprises"),
    "demands": lazy_tr("需求", "Demands"),
    "capabilities": lazy_tr("能力", "Capabilities"),
    "participants": lazy_tr("对接会参会企业", "Fair participants"),
}
#: Problems shown per page of a preview or summary; the report has all of them.
PROBLEMS_PER_PAGE = 50
#: Room for the form's other fields around the file in an upload request.
FORM_OVERHEAD = 64 * 1024

_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(FlaskForm):
    kind = SelectField(lazy_tr("导入内容", "What to import"),
                       choices=[SelectChoice(value, label) for value, label in KINDS.items()])
    event = SelectField(lazy_tr("对接会（仅导入参会企业时选择）", "Fair (only for participants)"),
                        choices=[], validate_choice=False)
    file = FileField(lazy_tr("文件（.xlsx、.csv 或 .jsonl）", "File (.xlsx, .csv or .jsonl)"))


class ConfirmForm(FlaskForm):
    """The similar names to link arrive as ``link`` checkboxes; the form carries the CSRF token."""


def _settings() -> import_runs.ImportSettings:
    return import_runs.ImportSettings.from_config(current_app.config, current_app.instance_path)


def _report_lang() -> str:
    return "en" if current_language() == "en" else "zh"


@bp.url_value_preprocessor
def _allow_large_uploads(endpoint, _values):
    # Runs before every before_request function, so before the CSRF check reads the
    # form: an upload may be as large as the import limit, not the site's smaller one.
    if endpoint == "imports.upload":
        request.max_content_length = _settings().max_bytes + FORM_OVERHEAD


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_exc):
    if not (current_user.is_authenticated and current_user.is_organiser):
        return render_template("errors/error.html", code=413, zh="上传的文件太大。", en="The upload is too large."), 413
    form = _upload_form(formdata=None)
    form.file.errors = [_too_large_message()]
    return _index(form, 413)


def _too_large_message() -> str:
    return tr("文件超过 {mb} MB 的上限，请拆分后分批导入。", "The file is larger than the {mb} MB limit; split it and import the parts.",
              mb=_settings().max_mb)


def _upload_form(**kwargs) -> UploadForm:
    form = UploadForm(**kwargs)
    events = import_runs.importable_events(get_session(), current_user)
    form.event.choices = [SelectChoice("", tr("（不选）", "(none)"))] + [
        SelectChoice(str(e.id), f"{e.name}（{e.date.isoformat()}）") for e in events]
    return form


def _index(form: UploadForm, status: int = 200):
    page = paginate(get_session(), import_runs.runs_of(current_user))
    lang = _report_lang()
    summaries = {run.id: import_runs.summary_of(run, lang) for run in page.items}
    states = {run.id: import_runs.state_of(run) for run in page.items}
    return render_template("imports/index.html", form=form, page=page, kinds=KINDS, summaries=summaries,
                           states=states, max_mb=_settings().max_mb), status


@bp.get("/")
@organiser_required
def index():
    return _index(_upload_form(kind=request.args.get("kind", "enterprises"), event=request.args.get("event", "")))


@bp.post("/")
@organiser_required
def upload():
    form = _upload_form()
    if not form.validate_on_submit():
        return _index(form, 400)
    settings = _settings()
    file = form.file.data
    if file is None or not getattr(file, "filename", ""):
        form.file.errors = [tr("请选择要上传的文件。", "Choose a file to upload.")]
        return _index(form, 400)
    data = file.stream.read(settings.max_bytes + 1)
    if len(data) > settings.max_bytes:
        form.file.errors = [_too_large_message()]
        return _index(form, 413)
    event_id = int(form.event.data) if (form.event.data or "").isdigit() else None
    ok, run = attempt(lambda session: import_runs.create_preview(session, current_user, form.kind.data, file.filename,
                                                                 data, settings, event_id),
                      form=form, flash_always=False)
    if not ok:
        return _index(form, 400)
    _launch(run.id, settings)
    return redirect(url_for("imports.show", run_id=run.id))


def _launch(run_id: int, settings) -> None:
    app = current_app._get_current_object()
    import_runs.launch(run_id, Jobs.from_config(app.config), settings, lambda: session_scope(app))


def _run(run_id: int):
    return or_404(import_runs.run_for, get_session(), run_id, current_user)


@bp.get("/<int:run_id>")
@organiser_required
def show(run_id: int):
    session = get_session()
    run = _run(run_id)
    status = import_runs.status_of(session, run, _settings())
    lang = _report_lang()
    context = {"run": run, "status": status, "kinds": KINDS, "form": ConfirmForm(), "lang": lang,
               "states": {run.id: status["state"]}, "error": import_runs.error_of(run),
               "link_value": import_runs.link_value,
               "event": session.get(Event, run.event_id) if run.event_id else None}
    if status["state"] == "done":
        result = import_runs.result_of(run)
        context.update(result=result, problems=paginate_list(result.problems, per_page=PROBLEMS_PER_PAGE),
                       lang=lang, column_label=(lambda name: name) if lang == "en" else chinese_header)
        if run.dry_run:
            context["confirmation"] = import_runs.confirmation_of(session, run)
    return render_template("imports/show.html", **context)


@bp.get("/<int:run_id>/status")
@organiser_required
def status(run_id: int):
    run = _run(run_id)
    return jsonify(import_runs.status_of(get_session(), run, _settings()))


@bp.post("/<int:run_id>/confirm")
@organiser_required
def confirm(run_id: int):
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    settings = _settings()
    links = request.form.getlist("link")  # "<row>:<stored enterprise id>" of each ticked similar name
    ok, confirmed = attempt(lambda session: import_runs.confirm_preview(session, current_user, run_id, links,
                                                                        settings),
                            abort_on={NotFound: 404})
    if not ok:
        return redirect(url_for("imports.show", run_id=run_id))
    run, new = confirmed
    if new:
        _launch(run.id, settings)
    return redirect(url_for("imports.show", run_id=run.id))


@bp.get("/<int:run_id>/report.xlsx")
@organiser_required
def report(run_id: int):
    run = _run(run_id)
    body = or_404(import_runs.report_workbook, run, _report_lang())
    name = f"import-{run.id}-{'preview' if run.dry_run else 'report'}.xlsx"
    return Response(body, mimetype=_XLSX, headers={"Content-Disposition": f"attachment; filename={name}"})
