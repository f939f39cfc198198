"""Chain maps for everyone, with each node's supply-chain early warning (also as CSV/XLSX), the
chain's key enterprises and its 补链/固链/强链 projects; organisers tag the projects; chain uploads
(validated, diffed, then applied) for admins."""
from __future__ import annotations

import html
import json
import re
import secrets
from pathlib import Path
from xml.sax.saxutils import escape

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup

import graph as chaingraph

from ..db import get_session
from ..i18n import current_language, tr
from ..io.encoding import decode_text
from ..io.errors import RecordFileError
from ..models.posting import CHAIN_TAGS
from ..services import audit, chain_analysis, chain_warning
from ..services import chains as chain_service
from ..services.errors import NotFound
from ..services.scope import scope_of, sees_enterprise
from .access import admin_required, organiser_required
from .forms.chains import PeriodForm, TagForm, chain_tag_label
from .pagination import paginate_list
from .service_calls import attempt, local_next

bp = Blueprint("chains", __name__, url_prefix="/chains")


@bp.get("/")
def index():
    session = get_session()
    report = chain_analysis.coverage(session)
    rows = chain_analysis.chain_overview(session, report.links)
    return render_template("chains/index.html", chains=rows, report=report)


#: Short words of each warning level, drawn on the map beside a "!" so that no level is told by
#: colour alone; and the outline colour of a warned box.
BADGE_WORDS = {"none": ("无供应", "No supply"), "one_province": ("单一省份", "1 province"),
               "concentrated": ("高度集中", "Concentrated"), "demand_outpaces": ("需求增长快", "Demand up")}
WARNING_STROKE = "#a50e0e"
_NODE_GROUP = re.compile(r'(?P<link><a href="[^"]*" aria-label=")?(?(link)(?P<spoken>[^"]*)">)'
                         r'<g data-node-id="(?P<id>[^"]*)"(?P<attrs>[^>]*)><title>(?P<title>.*?)</title>'
                         r'(?P<rect><rect x="(?P<x>[-\d.]+)" y="(?P<y>[-\d.]+)" width="(?P<w>[-\d.]+)" '
                         r'height="(?P<h>[-\d.]+)"[^>]*/>)(?P<texts>(?:<text[^>]*>[^<]*</text>)*)')


def mark_warnings(svg: str, warnings: dict, only_warned: bool = False) -> str:
    """The chain map with each warned node outlined (dashed, dark red) and badged "! 单一省份";
    its tooltip and its link's name name the level. With ``only_warned`` the other nodes are faded.

    The badge is drawn after the box's words and its words follow them in the link's name, so the
    name keeps the words drawn in the box in the order they are seen."""
    def mark(match: re.Match) -> str:
        w = warnings.get(html.unescape(match["id"]))
        if w is None or not w.warned:
            faded = ' opacity="0.3"' if only_warned and w is not None else ""
            cut = match.end("attrs") - match.start()
            return match[0][:cut] + faded + match[0][cut:]
        label = chain_warning.level_label(w.level)
        words = "! " + tr(*BADGE_WORDS[w.level])
        x, y, width, height = (float(match[k]) for k in ("x", "y", "w", "h"))
        badge_w = sum(10 if ord(ch) >= 0x2E80 else 6 for ch in words) + 8
        quote = {'"': "&quot;"}
        warning = escape(tr(" — 预警：", " — warning: ") + label, quote)
        link = ""
        if match["link"]:
            drawn, sep, rest = match["spoken"].partition(" — ")
            spoken = f'{drawn} {escape(tr(*BADGE_WORDS[w.level]), quote)}{sep}{rest}{warning}'
            link = match[0][:match.start("spoken") - match.start()] + spoken + '">'
        return (f'{link}<g data-node-id="{match["id"]}"{match["attrs"]} data-warning="{w.level}">'
                f'<title>{match["title"]}{warning}</title>'
                f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="{width + 6:.1f}" height="{height + 6:.1f}" '
                f'rx="8" fill="none" stroke="{WARNING_STROKE}" stroke-width="2" stroke-dasharray="5 3"/>'
                f'{match["rect"]}{match["texts"]}'
                f'<g data-warning-badge="{w.level}"><rect x="{x + width - badge_w:.1f}" y="{y - 9:.1f}" '
                f'width="{badge_w}" height="15" rx="3" fill="{WARNING_STROKE}"/>'
                f'<text x="{x + width - badge_w / 2:.1f}" y="{y + 2:.1f}" font-size="10" text-anchor="middle" '
                f'font-weight="bold" fill="#ffffff">{escape(words)}</text></g>')
    return _NODE_GROUP.sub(mark, svg)


def _chain_or_404(chain_id: str):
    G = chain_service.current_graph(get_session())
    if chain_id not in G.graph["chains"]:
        abort(404)
    return G


def _node_namer(G):
    def name(node: str) -> str:
        data = G.nodes[node]
        return (data.get("name_en") if current_language() == "en" else None) or data.get("name", node)
    return name


def _period_form() -> PeriodForm:
    form = PeriodForm(formdata=request.args)
    form.validate()
    return form


def _viewer_scope():
    """The region a region-scoped organiser lists enterprises in; None for everyone else."""
    scope = scope_of(current_user)
    return None if scope.national else scope


@bp.get("/<chain_id>")
def show(chain_id: str):
    session = get_session()
    G = _chain_or_404(chain_id)
    report = chain_analysis.coverage(session, chain_id, G=G)
    form = _period_form()
    warnings = chain_warning.chain_warnings(session, chain_id, form.period, G=G) if form.period else None
    lang = "en" if current_language() == "en" else "zh"
    svg = chaingraph.render_svg(G, chain_id, weak=report.links, lang=lang,
                                node_url=lambda n: url_for("chains.node", node_id=n))
    if warnings is not None:
        svg = mark_warnings(svg, {w.node: w for w in warnings.nodes}, only_warned=form.warned.data)
    tag = request.args.get("tag")
    tag = tag if tag in CHAIN_TAGS else None
    projects = paginate_list(chain_analysis.chain_projects(session, chain_id, tag, _viewer_scope(), G=G))
    return render_template("chains/show.html", chain=G.graph["chains"][chain_id], svg=Markup(svg),
                           weak=report.links, report=report, tiers=chain_analysis.TIERS, form=form,
                           warnings=warnings, projects=projects, tag=tag, chain_tags=CHAIN_TAGS,
                           reason_text=chain_warning.reason_text, level_label=chain_warning.level_label,
                           scope=_viewer_scope(), node_name=_node_namer(G)), 200 if form.period else 422


@bp.get("/<chain_id>/warnings.<fmt>")
def export_warnings(chain_id: str, fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    G = _chain_or_404(chain_id)
    form = _period_form()
    if form.period is None:
        period = {key: request.args[key] for key in ("days", "end", "warned") if key in request.args}
        return redirect(url_for("chains.show", chain_id=chain_id, **period) + "#warnings")
    report = chain_warning.chain_warnings(get_session(), chain_id, form.period, G=G)
    body = chain_warning.export_warnings(report, G, fmt, "en" if current_language() == "en" else "zh")
    mimetype = ("text/csv; charset=utf-8" if fmt == "csv"
                else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    safe_id = re.sub(r"[^A-Za-z0-9_.-]", "_", chain_id)
    name = f"{safe_id}-warnings-{form.period.start}-{form.period.end}.{fmt}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.get("/<chain_id>/key-enterprises")
def key_enterprises(chain_id: str):
    G = _chain_or_404(chain_id)
    scope = _viewer_scope()
    page = paginate_list(chain_analysis.key_enterprises(get_session(), chain_id, scope, G=G))
    return render_template("chains/key_enterprises.html", chain=G.graph["chains"][chain_id], page=page,
                           scope=scope, little_giant=chain_analysis.TIERS[1], node_name=_node_namer(G))


@bp.post("/demand/<int:demand_id>/tag")
@organiser_required
def tag_demand(demand_id: int):
    form = TagForm()
    back = local_next(url_for("demands.show", demand_id=demand_id))
    if not form.validate_on_submit():
        flash(tr("请求无效，请重试。", "Invalid request; please try again."), "error")
        return redirect(back)
    tag = form.tag.data or None
    ok, _ = attempt(lambda session: chain_analysis.set_chain_tag(session, demand_id, tag, current_user),
                         abort_on={NotFound: 404, chain_analysis.OutOfScope: 403})
    if ok:
        flash(tr("已标注为“{t}”。", "Tagged “{t}”.", t=chain_tag_label(tag)) if tag
              else tr("已清除标注。", "Tag cleared."), "success")
    return redirect(back)


@bp.app_context_processor
def _chain_tag_helpers():
    return {"chain_tag_label": chain_tag_label, "chain_tag_form": _tag_form_for}


def _tag_form_for(demand):
    """The tag form for ``demand`` when the viewer may tag it (or clear its tag), else None."""
    if (not current_user.is_authenticated or current_user.role not in ("organiser", "admin")
            or not sees_enterprise(current_user, demand.enterprise)
            or not (demand.status == "published" or demand.chain_tag)):
        return None
    return TagForm(formdata=None, tag=demand.chain_tag or "")


@bp.get("/node/<node_id>")
def node(node_id: str):
    try:
        page = chain_analysis.node_page(get_session(), node_id)
    except chaingraph.UnknownNodeError:
        abort(404)
    return render_template("chains/node.html", p=page, tiers=chain_analysis.TIERS)


@bp.get("/export.<fmt>")
def export(fmt: str):
    G = chain_service.current_graph(get_session())
    if fmt == "json":
        body = json.dumps(chaingraph.chains_to_dict(G), ensure_ascii=False, indent=2)
        return Response(body, mimetype="application/json",
                        headers={"Content-Disposition": "attachment; filename=chains.json"})
    if fmt == "graphml":
        import io
        buf = io.BytesIO()
        chaingraph.write_graphml(G, buf)
        return Response(buf.getvalue(), mimetype="application/xml",
                        headers={"Content-Disposition": "attachment; filename=chains.graphml"})
    abort(404)


def _pending_dir() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "chains-pending"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@bp.route("/upload", methods=["GET", "POST"])
@admin_required
def upload():
    session = get_session()
    if request.method == "GET":
        return render_template("chains/upload.html", orphans=chain_analysis.orphans(session))
    file = request.files.get("file")
    if file is None or not file.filename:
        flash(tr("请选择一个产业链文件（chains.json）。", "Choose a chains file (chains.json)."), "error")
        return redirect(url_for("chains.upload"))
    try:
        text, encoding_note = decode_text(file.read(), file.filename)
    except RecordFileError:
        problem = tr("无法读取文件：它既不是 UTF-8 也不是 GB18030（GBK）编码的文本。请另存为 UTF-8 后重新上传。",
                     "Cannot read the file: it is neither UTF-8 nor GB18030 (GBK) text. "
                     "Save it as UTF-8 and upload it again.")
        return render_template("chains/upload.html", problems=[problem], filename=file.filename,
                               orphans=chain_analysis.orphans(session)), 422
    if encoding_note:
        flash(tr("文件不是 UTF-8 编码，已按 GB18030（GBK）读取。", "The file is not UTF-8; it was read as GB18030 (GBK)."),
              "info")
    try:
        # Given as bytes, the upload is always read as JSON (never taken for a file name).
        plan = chain_analysis.plan_upload(session, text.encode("utf-8"))
    except chaingraph.ChainError as exc:
        problems = getattr(exc, "problems", None) or [exc]
        return render_template("chains/upload.html", problems=problems, filename=file.filename,
                               orphans=chain_analysis.orphans(session)), 422
    token = secrets.token_hex(16)
    (_pending_dir() / f"{token}.json").write_text(json.dumps(plan.document, ensure_ascii=False),
                                                  encoding="utf-8")
    return render_template("chains/confirm.html", plan=plan, token=token, filename=file.filename)


@bp.post("/upload/<token>")
@admin_required
def apply(token: str):
    if not token.isalnum():
        abort(404)
    path = _pending_dir() / f"{token}.json"
    if not path.exists():
        flash(tr("待应用的上传已失效，请重新上传。", "That upload expired; upload the file again."), "error")
        return redirect(url_for("chains.upload"))
    document = json.loads(path.read_text(encoding="utf-8"))

    def replace(session):
        added, updated, removed = chain_analysis.apply_upload(session, document, current_user.id)
        audit.record(session, current_user.id, "chains.replace", object_type="ChainGraph",
                     added=added, updated=updated, removed=removed)
        return added, updated, removed
    ok, counts = attempt(replace)
    if ok:
        path.unlink(missing_ok=True)
        added, updated, removed = counts
        flash(tr("产业链已更新：新增 {a}，修改 {u}，删除 {r}。", "Chains updated: {a} added, {u} changed, {r} removed.",
                 a=added, u=updated, r=removed), "success")
    return redirect(url_for("chains.upload"))
