"""Chain maps for everyone; chain uploads (validated, diffed, then applied) for admins."""
from __future__ import annotations

import json
import secrets
from pathlib import Path

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_login import current_user
from markupsafe import Markup

import graph as chaingraph

from ..db import get_session
from ..i18n import current_language, tr
from ..io.encoding import decode_text
from ..io.errors import RecordFileError
from ..services import audit, chain_analysis
from ..services import chains as chain_service
from .access import admin_required
from .service_calls import attempt

bp = Blueprint("chains", __name__, url_prefix="/chains")


@bp.get("/")
def index():
    session = get_session()
    report = chain_analysis.coverage(session)
    rows = chain_analysis.chain_overview(session, report.links)
    return render_template("chains/index.html", chains=rows, report=report)


@bp.get("/<chain_id>")
def show(chain_id: str):
    session = get_session()
    G = chain_service.current_graph(session)
    if chain_id not in G.graph["chains"]:
        abort(404)
    report = chain_analysis.coverage(session, chain_id, G=G)
    lang = "en" if current_language() == "en" else "zh"
    svg = chaingraph.render_svg(G, chain_id, weak=report.links, lang=lang,
                                node_url=lambda n: url_for("chains.node", node_id=n))
    return render_template("chains/show.html", chain=G.graph["chains"][chain_id], svg=Markup(svg),
                           weak=report.links, report=report, tiers=chain_analysis.TIERS)


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
