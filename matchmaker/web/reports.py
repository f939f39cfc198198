"""融通报告: the large enterprises' integration indicators for organisers and admins, in their region.

The ranking, the XLSX, the print page and an enterprise's page all read the
same filter (period, N days, chain, sort) and go through the viewer's region
scope; an enterprise outside it answers 404.
"""
from __future__ import annotations

import datetime as dt
import io

from flask import Blueprint, abort, render_template, request, send_file
from flask_login import current_user

from ..db import get_session
from ..i18n import tr
from ..services import indicators as service
from ..services.indicators_export import format_value, write_xlsx
from ..services.postings.fields import chain_label, nodes_of_chain
from ..services.scope import scope_of
from .access import organiser_required
from .charts import funnel_chart, line_chart
from .forms.choices import chain_choices
from .forms.reports import ReportFilterForm
from .pagination import paginate_list
from .postings.helpers import current_graph

bp = Blueprint("reports", __name__, url_prefix="/reports")

_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filter() -> ReportFilterForm:
    form = ReportFilterForm(request.args, chain_choices(current_graph()))
    form.valid = form.validate()
    if form.valid:
        period = form.period()
        form.date_from.data = form.date_from.data or period.start.isoformat()
        form.date_to.data = form.date_to.data or period.end.isoformat()
    return form


def _report(form: ReportFilterForm, enterprise_id: int | None = None) -> service.Report:
    chain = form.chain_value()
    return service.compute(get_session(), scope_of(current_user), form.period(), days=form.days_value(),
                           chain=chain, chain_nodes=nodes_of_chain(current_graph(), chain) if chain else None,
                           enterprise_id=enterprise_id)


def _query() -> dict:
    """The filter's query arguments, for links to the export, the print page and enterprise pages."""
    return {k: v for k, v in request.args.items() if k in ("date_from", "date_to", "days", "chain", "sort") and v}


def _trend_charts(row: service.Row, months: list[str]):
    series = row.series(months)
    counts = line_chart(months, [(tr("发布需求", "Demands posted"), series["demands"]),
                                 (tr("收到报名", "Applications"), series["applications"]),
                                 (tr("签约合同", "Contracts signed"), series["contracts"])],
                        title=tr("按月趋势：需求、报名与签约", "Monthly: demands, applications, contracts"),
                        unit=tr("项", "items"))
    amount = line_chart(months, [(tr("签约金额（万元）", "Contract amount (10k CNY)"), series["amount"])],
                        title=tr("按月签约金额（万元）", "Monthly contract amount (10k CNY)"), unit=tr("万元", "10k CNY"))
    return counts, amount, series


def _common(form, report):
    return {"form": form, "report": report, "indicators": service.INDICATORS, "fmt": format_value,
            "query": _query(), "scope_label": report.scope.label if report else scope_of(current_user).label,
            "chain_name": chain_label(current_graph(), form.chain_value()) if form.chain_value() else None}


@bp.get("/")
@organiser_required
def index():
    form = _filter()
    if not form.valid:
        return render_template("reports/index.html", page=None, charts=None, **_common(form, None)), 400
    report = _report(form)
    page = paginate_list(service.sort_rows(report.rows, form.sort.data))
    counts, amount, series = _trend_charts(report.totals, report.months)
    return render_template("reports/index.html", page=page, charts=(counts, amount), series=series,
                           **_common(form, report))


@bp.get("/enterprises/<int:enterprise_id>")
@organiser_required
def enterprise(enterprise_id: int):
    form = _filter()
    if not form.valid:
        form = ReportFilterForm({}, chain_choices(current_graph()))
        form.valid = form.validate()
    form.chain.data = None  # one enterprise: every chain it works on
    report = _report(form, enterprise_id)
    if not report.rows:
        abort(404)
    row = report.rows[0]
    counts, amount, series = _trend_charts(row, report.months)
    funnel = funnel_chart(row.funnel(), title=tr("对接漏斗：发布需求 → 报名 → 入围 → 达成合作",
                                                 "Funnel: demands posted → applied → shortlisted → contracted"))
    return render_template("reports/enterprise.html", row=row, charts=(counts, amount), funnel=funnel,
                           series=series, **_common(form, report))


@bp.get("/print")
@organiser_required
def print_view():
    form = _filter()
    if not form.valid:
        return render_template("reports/index.html", page=None, charts=None, **_common(form, None)), 400
    report = _report(form)
    generated = dt.datetime.now(service.BEIJING).strftime("%Y-%m-%d %H:%M")
    return render_template("reports/print.html", rows=service.sort_rows(report.rows, form.sort.data),
                           generated=generated, **_common(form, report))


@bp.get("/export.xlsx")
@organiser_required
def export():
    form = _filter()
    if not form.valid:
        return render_template("reports/index.html", page=None, charts=None, **_common(form, None)), 400
    report = _report(form)
    report.rows = service.sort_rows(report.rows, form.sort.data)
    if report.chain:  # the title names the chain as people know it
        report.chain = chain_label(current_graph(), report.chain)
    body = io.BytesIO()
    write_xlsx(report, body)
    body.seek(0)
    name = f"rongtong-{report.period.start.isoformat()}-{report.period.end.isoformat()}.xlsx"
    response = send_file(body, mimetype=_XLSX, as_attachment=True, download_name=name, max_age=0, etag=False,
                         conditional=False)
    response.headers["Cache-Control"] = "private, no-store"
    return response
