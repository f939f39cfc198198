"""Draw one chain as a standalone SVG map.

Stages are columns (上游/中游/下游), nodes rounded boxes coloured by weak-link
status, edges arrows from supplier to customer. Edges to or from other chains
are drawn as short dashed stubs on the box's right (outgoing) or left
(incoming) side, with a tooltip naming the other node and, when ``node_url``
is given, a link to it; the other chain's nodes themselves are not drawn, so
the map stays one chain wide.

Recycling edges (回收再生) are left out of the layout and drawn afterwards as
green dashed arrows with a tooltip. One that runs back (to a column left of its
supplier, or the same column) leaves the supplier's right side, runs down the
gap between columns to a lane of its own below the boxes, along it, and up the
gap before the customer into its left side, so it crosses no box. The legend
explains the dash when the chain has such an edge.

With ``node_url`` the map is a group of links (``role="group"``) in reading
order, each named in words: the node, its status and its counts, so that the
colours are never the only way to tell. Without it the map is one image.

The drawing uses only presentation attributes (no ``<style>``, no script), so
it can be served as a file or inlined in a page under a strict CSP.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from graph.build import STAGES, chain_nodes, edge_kind
from graph.errors import UnknownChainError
from graph.layout import layout

__all__ = ["render_svg"]

STAGE_TITLES = {
    "zh": {"upstream": "上游", "midstream": "中游", "downstream": "下游"},
    "en": {"upstream": "Upstream", "midstream": "Midstream", "downstream": "Downstream"},
}
#: Legend words per status: what the platform's postings cover, not a diagnosis of the chain.
STATUS_TITLES = {
    "zh": {"gap": "平台供给空白", "thin": "单一来源", "ok": "正常", "idle": "暂无供需"},
    "en": {"gap": "No supply on the platform", "thin": "Single source on the platform", "ok": "Covered",
           "idle": "No postings"},
}
#: (fill, stroke) per weak-link status; ``None`` is a map drawn without counts.
COLOURS = {
    "gap": ("#fde2e1", "#c5221f"),
    "thin": ("#fff1cc", "#b06000"),
    "ok": ("#e3f4e8", "#1e8e3e"),
    "idle": ("#eef0f2", "#80868b"),
    None: ("#e8f0fe", "#3c6bb0"),
}
FONT = ("system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', "
        "'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif")
NAME_SIZE, SMALL_SIZE, HEAD_SIZE, TITLE_SIZE = 13, 12, 14, 16
GAP_X, GAP_Y, STUB, MARGIN = 76, 14, 24, 32
EDGE = "#8b949e"
RECYCLE = "#2e7d4f"
RECYCLE_DASH = "6 4"
LANE_STEP = 8
RECYCLE_TITLES = {"zh": "回收再生", "en": "Recycling"}


def _attr(value) -> str:
    return escape(str(value), {'"': "&quot;"})


def _text_width(text: str, size: float) -> float:
    """Rough rendered width: CJK glyphs are square, Latin ones about 0.6 em."""
    return sum(size if ord(ch) >= 0x2E80 else 0.6 * size for ch in text)


def _fit(text: str, size: float, width: float) -> str:
    if _text_width(text, size) <= width:
        return text
    while text and _text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def _label(data, lang) -> str:
    return (data.get("name_en") if lang == "en" else None) or data.get("name", "")


def _ports(count, top, height):
    return [top + height * (i + 1) / (count + 1) for i in range(count)]


def render_svg(G, chain, weak=None, lang="zh", node_url=None) -> str:
    """Return an SVG document drawing one chain left to right.

    Parameters
    ----------
    G : networkx.DiGraph
        The chain graph.
    chain : str
        The chain to draw.
    weak : list or dict of WeakLink, optional
        From :func:`graph.weak_links`; colours the boxes by status, adds a
        legend and a "供 n · 需 m" (suppliers · demands) line to each box.
    lang : {"zh", "en"}
        Labels and node names (``name_en`` when present) in this language.
    node_url : callable, optional
        ``node_url(node_id) -> str``; each box (and cross-chain stub) becomes a
        link to it.

    Returns
    -------
    svg : str
        A standalone ``<svg>`` element; sizes and ``viewBox`` fit the content.

    Raises
    ------
    UnknownChainError
        If ``chain`` is not in ``G``.
    """
    if lang not in STAGE_TITLES:
        raise ValueError(f"lang must be 'zh' or 'en', got {lang!r}")
    chains = G.graph.get("chains", {})
    if chain not in chains:
        raise UnknownChainError(chain, chains)
    if weak is not None and not isinstance(weak, dict):
        weak = {w.node: w for w in weak}
    nodes = chain_nodes(G, chain)
    pos = layout(G, chain)
    members = set(nodes)

    # Columns: each stage's distinct x values, at least one column per stage.
    stage_cols, col_of, offset = {}, {}, 0
    for stage in STAGES:
        xs = sorted({pos[n][0] for n in nodes if G.nodes[n]["stage"] == stage})
        stage_cols[stage] = (offset, max(1, len(xs)))
        for rank, x in enumerate(xs):
            col_of[(stage, x)] = offset + rank
        offset += max(1, len(xs))
    n_cols = offset

    labels = {n: _label(G.nodes[n], lang) for n in nodes}
    widest = max((_text_width(t, NAME_SIZE) for t in labels.values()), default=0)
    box_w = min(240, max(120, widest + 24))
    box_h = 46 if weak is not None else 32
    pitch_x, pitch_y = box_w + GAP_X, box_h + GAP_Y
    title_y = MARGIN + TITLE_SIZE
    head_y = title_y + 14 + HEAD_SIZE
    top = head_y + 14

    # Recycling edges that run back get a lane below the boxes and a vertical
    # offset into the column gaps, distinct per lane so that they do not overlap.
    inner = list(G.subgraph(nodes).edges)
    recycle = {e for e in G.edges(nodes) if edge_kind(G, *e) == "recycle"} \
        | {e for e in G.in_edges(nodes) if edge_kind(G, *e) == "recycle"}

    def column(n):
        return col_of[(G.nodes[n]["stage"], pos[n][0])]

    # Lane 0 is the innermost (highest, nearest the boxes): short spans and low
    # ends go inside, so that nested edges do not cross.
    lanes = sorted((e for e in inner if e in recycle and column(e[1]) <= column(e[0])),
                   key=lambda e: (column(e[0]) - column(e[1]), -pos[e[1]][1], -pos[e[0]][1]))
    lane_of = {e: i for i, e in enumerate(lanes)}

    def lane_offset(i):
        return STUB + 14 + 5 * (i % 6)

    reach = max((lane_offset(i) for i in range(len(lanes))), default=0)
    left = MARGIN + max(STUB, reach + 16 - MARGIN)

    box = {}
    for n in nodes:
        x, y = pos[n]
        col = col_of[(G.nodes[n]["stage"], x)]
        box[n] = (left + col * pitch_x, top + y * pitch_y)
    rows = max((pos[n][1] for n in nodes), default=-1) + 1
    body_bottom = top + max(rows, 1) * pitch_y - GAP_Y
    # The lowest drawn line: the last box, or the last recycling lane below it.
    floor = body_bottom + (14 + LANE_STEP * (len(lanes) - 1) if lanes else 0)
    width = left + n_cols * pitch_x - GAP_X + max(STUB, reach + 16 - MARGIN) + MARGIN

    ids = re.sub(r"[^A-Za-z0-9_-]", "_", str(chain))
    arrow, dashed, recycled = f"mm-arrow-{ids}", f"mm-arrow-x-{ids}", f"mm-arrow-r-{ids}"
    chain_info = chains[chain]
    chain_title = (chain_info.get("name_en") if lang == "en" else None) or chain_info["name"]
    out = []

    def text(x, y, body, size, anchor="middle", weight="normal", fill="#1f2328"):
        out.append(_text(x, y, body, size, anchor, weight, fill))

    # Stage bands and headings.
    for stage in STAGES:
        first, span = stage_cols[stage]
        x0 = left + first * pitch_x - GAP_X / 2 + 6
        w = span * pitch_x - 12
        out.append(f'<rect x="{x0:.1f}" y="{head_y - HEAD_SIZE - 8:.1f}" width="{w:.1f}" '
                   f'height="{floor - head_y + HEAD_SIZE + 20:.1f}" rx="8" '
                   'fill="#f6f8fa"/>')
        text(x0 + w / 2, head_y, STAGE_TITLES[lang][stage], HEAD_SIZE, weight="bold",
             fill="#57606a")
    text(MARGIN, title_y, chain_title, TITLE_SIZE, anchor="start", weight="bold")

    # Ports spread the edge ends along a box side, ordered by the other end's row;
    # edges to other chains come after those, edges down to a lane last, the
    # outermost lane first.
    def row_key(edge, other):
        if edge in lane_of:
            return (2, -lane_of[edge], 0.0, "")
        if other in box:
            return (0, 0, box[other][1], box[other][0])
        return (1, 0, 0.0, str(other))

    outgoing = {n: sorted(G.successors(n), key=lambda m: row_key((n, m), m)) for n in nodes}
    incoming = {n: sorted(G.predecessors(n), key=lambda m: row_key((m, n), m)) for n in nodes}

    def port(n, other, side):
        ends = outgoing[n] if side == "out" else incoming[n]
        return _ports(len(ends), box[n][1], box_h)[ends.index(other)]

    # Boxes per column, to route edges that skip columns through the gaps.
    column_boxes: dict[float, list[float]] = {}
    for n in nodes:
        column_boxes.setdefault(box[n][0], []).append(box[n][1])

    def free_y(col_x, wanted):
        for y_top in sorted(column_boxes.get(col_x, ())):
            if y_top - 3 <= wanted <= y_top + box_h + 3:
                above, below = y_top - GAP_Y / 2, y_top + box_h + GAP_Y / 2
                return above if wanted - above <= below - wanted else below
        return wanted

    out.append('<g fill="none" stroke-width="1.4">')
    for u, v in inner:
        x1, y1 = box[u][0] + box_w, port(u, v, "out")
        x2, y2 = box[v][0], port(v, u, "in")
        if (u, v) in lane_of:
            lane = lane_of[u, v]
            d = _lane_path(x1, y1, x2, y2, body_bottom + 14 + LANE_STEP * lane,
                           lane_offset(lane))
        else:
            points = [(x1, y1)]
            col_x = box[u][0] + pitch_x
            while col_x < box[v][0] - 1:
                wanted = y1 + (y2 - y1) * (col_x + box_w / 2 - x1) / (x2 - x1)
                y = free_y(col_x, wanted)
                points += [(col_x - 10, y), (col_x + box_w + 10, y)]
                col_x += pitch_x
            points.append((x2 - 2, y2))
            d = f"M{x1:.1f},{y1:.1f}"
            for (px, py), (qx, qy) in zip(points, points[1:]):
                bend = max(24.0, (qx - px) / 2)
                d += f" C{px + bend:.1f},{py:.1f} {qx - bend:.1f},{qy:.1f} {qx:.1f},{qy:.1f}"
        if (u, v) in recycle:
            tip = (f"{RECYCLE_TITLES[lang]}{'：' if lang == 'zh' else ': '}"
                   f"{labels[u]} → {labels[v]}")
            out.append(f'<g data-edge-kind="recycle"><title>{escape(tip)}</title>'
                       f'<path d="{d}" stroke="{RECYCLE}" stroke-dasharray="{RECYCLE_DASH}" '
                       f'marker-end="url(#{recycled})" data-edge="{_attr(u)} {_attr(v)}" '
                       'data-edge-kind="recycle"/></g>')
        else:
            out.append(f'<path d="{d}" stroke="{EDGE}" marker-end="url(#{arrow})" '
                       f'data-edge="{_attr(u)} {_attr(v)}"/>')
    out.append("</g>")

    # Links run in reading order: boxes column by column, top to bottom, then the stubs to
    # other chains (drawn last, so that a keyboard reaches this chain's own nodes first).
    stubs, stub_out = 0, []
    for n in nodes:
        for other, side in ([(m, "in") for m in incoming[n] if m not in members]
                            + [(m, "out") for m in outgoing[n] if m not in members]):
            stubs += 1
            y = port(n, other, side)
            if side == "out":
                x1, x2 = box[n][0] + box_w, box[n][0] + box_w + STUB
            else:
                x1, x2 = box[n][0] - STUB, box[n][0] - 2
            data = G.nodes[other]
            other_chain = chains.get(data.get("chain"), {})
            chain_name = (other_chain.get("name_en") if lang == "en" else None) \
                or other_chain.get("name", data.get("chain", ""))
            arrow_text = "→" if side == "out" else "←"
            tip = f"{arrow_text} {_label(data, lang)} ({chain_name})"
            edge = (n, other) if side == "out" else (other, n)
            if edge in recycle:
                tip += f" · {RECYCLE_TITLES[lang]}"
                style = (f'stroke="{RECYCLE}" stroke-dasharray="{RECYCLE_DASH}" '
                         f'marker-end="url(#{recycled})" data-edge-kind="recycle"')
            else:
                style = f'stroke="{EDGE}" stroke-dasharray="4 3" marker-end="url(#{dashed})"'
            stub = (f'<g data-neighbour-id="{_attr(other)}"><title>{escape(tip)}</title>'
                    f'<path d="M{x1:.1f},{y:.1f} H{x2:.1f}" fill="none" '
                    f'stroke-width="1.4" {style}/></g>')
            if node_url is not None:
                spoken = _spoken_neighbour(_label(data, lang), chain_name, side, edge in recycle, lang)
                stub = f'<a href="{_attr(node_url(other))}" aria-label="{_attr(spoken)}">{stub}</a>'
            stub_out.append(stub)

    for n in sorted(nodes, key=lambda m: (box[m][0], box[m][1])):
        x, y = box[n]
        link = weak.get(n) if weak is not None else None
        status = link.status if link is not None else None
        fill, stroke = COLOURS[status]
        tip = labels[n]  # the id stays in data-node-id; readers see names only
        if link is not None:
            tip += " — " + STATUS_TITLES[lang][status] + " · " + _counts(link, lang, True)
        cx = x + box_w / 2
        name = _fit(labels[n], NAME_SIZE, box_w - 16)
        if link is not None:
            lines = [_text(cx, y + 19, name, NAME_SIZE),
                     _text(cx, y + 37, _counts(link, lang), SMALL_SIZE, fill="#57606a")]
        else:
            lines = [_text(cx, y + box_h / 2 + NAME_SIZE * 0.35, name, NAME_SIZE)]
        element = "".join([
            f'<g data-node-id="{_attr(n)}"'
            + (f' data-status="{status}"' if status else "") + ">",
            f"<title>{escape(tip)}</title>",
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{box_w:.1f}" height="{box_h}" '
            f'rx="6" fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>',
            *lines, "</g>"])
        if node_url is not None:
            spoken = _spoken_node(labels[n], name, link, lang)
            element = f'<a href="{_attr(node_url(n))}" aria-label="{_attr(spoken)}">{element}</a>'
        out.append(element)
    out += stub_out

    legend_y = floor + 28
    height = legend_y + MARGIN
    items = [(COLOURS[s], STATUS_TITLES[lang][s]) for s in ("gap", "thin", "ok", "idle")] \
        if weak is not None else []
    x = MARGIN
    for (fill, stroke), title in items:
        out.append(f'<rect x="{x}" y="{legend_y - 11}" width="14" height="14" rx="3" '
                   f'fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>')
        text(x + 20, legend_y, title, SMALL_SIZE, anchor="start")
        x += 20 + _text_width(title, SMALL_SIZE) + 20
    if stubs:
        title = "跨链关联" if lang == "zh" else "Link to another chain"
        out.append(f'<path d="M{x},{legend_y - 4} H{x + STUB}" stroke="{EDGE}" fill="none" '
                   f'stroke-width="1.4" stroke-dasharray="4 3" marker-end="url(#{dashed})"/>')
        text(x + STUB + 8, legend_y, title, SMALL_SIZE, anchor="start")
        x += STUB + 8 + _text_width(title, SMALL_SIZE) + 20
    if recycle:
        title = RECYCLE_TITLES[lang]
        out.append(f'<g data-legend="recycle"><title>{escape(title)}</title>'
                   f'<path d="M{x},{legend_y - 4} H{x + STUB}" stroke="{RECYCLE}" fill="none" '
                   f'stroke-width="1.4" stroke-dasharray="{RECYCLE_DASH}" '
                   f'marker-end="url(#{recycled})"/></g>')
        text(x + STUB + 8, legend_y, title, SMALL_SIZE, anchor="start")
        x += STUB + 8 + _text_width(title, SMALL_SIZE) + 20
    if not items and not stubs and not recycle:
        height = floor + MARGIN
    width = max(width, x + MARGIN - 20)

    # A map of links is a group a keyboard or screen-reader user moves through node by node;
    # one without links is a single picture.
    if node_url is not None:
        role = "group"
        chain_word = "" if chain_title.endswith("链") else "产业链"
        name = (f"{chain_title}{chain_word}图谱，{len(nodes)} 个环节" if lang == "zh"
                else f"{chain_title} chain map, {len(nodes)} nodes")
    else:
        role, name = "img", chain_title
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" '
            f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" role="{role}" '
            f'aria-label="{_attr(name)}" font-family="{_attr(FONT)}" '
            f'data-chain-id="{_attr(chain)}">')
    markers = [(arrow, EDGE), (dashed, EDGE)] + ([(recycled, RECYCLE)] if recycle else [])
    defs = ("<defs>"
            + "".join(f'<marker id="{mid}" viewBox="0 0 10 10" refX="9" refY="5" '
                      'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
                      f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
                      for mid, colour in markers)
            + "</defs>")
    return "\n".join([head, f"<title>{escape(chain_title)}</title>", defs, *out, "</svg>"])


def _text(x, y, body, size, anchor="middle", weight="normal", fill="#1f2328") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'font-weight="{weight}" fill="{fill}">{escape(body)}</text>')


def _lane_path(x1, y1, x2, y2, lane_y, offset, r=6.0) -> str:
    """Path of an edge running back: out right, down a gap, along the lane, up, in left."""
    gx1, gx2 = x1 + offset, x2 - offset
    return (f"M{x1:.1f},{y1:.1f} H{gx1 - r:.1f} Q{gx1:.1f},{y1:.1f} {gx1:.1f},{y1 + r:.1f} "
            f"V{lane_y - r:.1f} Q{gx1:.1f},{lane_y:.1f} {gx1 - r:.1f},{lane_y:.1f} "
            f"H{gx2 + r:.1f} Q{gx2:.1f},{lane_y:.1f} {gx2:.1f},{lane_y - r:.1f} "
            f"V{y2 + r:.1f} Q{gx2:.1f},{y2:.1f} {gx2 + r:.1f},{y2:.1f} H{x2 - 2:.1f}")


def _spoken_node(name, shown, link, lang) -> str:
    """A node link's accessible name: first the words drawn in the box (so that a speech user
    can say what they see), then " — ", then its status and counts in words."""
    drawn = name if shown == name else f"{name} {shown}"
    if link is None:
        return drawn
    drawn += " " + _counts(link, lang)
    status = STATUS_TITLES[lang][link.status]
    if lang == "en":
        words = (f"{drawn} — {status}: {link.suppliers} verified supplier{'' if link.suppliers == 1 else 's'}, "
                 f"{link.demands} open demand{'' if link.demands == 1 else 's'}")
        return words + (f", {link.suppliers_unverified} unverified" if link.suppliers_unverified else "")
    words = f"{drawn} — {status}：已核验供方 {link.suppliers} 家，在招需求 {link.demands} 条"
    return words + (f"，另有未核验 {link.suppliers_unverified} 家" if link.suppliers_unverified else "")


def _spoken_neighbour(name, chain_name, side, recycled, lang) -> str:
    """A cross-chain stub's accessible name: which way it runs, to which node of which chain."""
    if lang == "en":
        way = "Supplies" if side == "out" else "Supplied by"
        return f"{way} {name} ({chain_name})" + (", recycling" if recycled else "")
    way = "供应给" if side == "out" else "来自"
    return f"{way}{chain_name}的{name}" + ("（回收再生）" if recycled else "")


def _counts(link, lang, long=False) -> str:
    if lang == "en":
        line = f"Supply {link.suppliers} · Demand {link.demands}"
        if long and link.suppliers_unverified:
            line += f" · {link.suppliers_unverified} unverified"
    else:
        line = f"供 {link.suppliers} · 需 {link.demands}"
        if long and link.suppliers_unverified:
            line += f" · 未核验 {link.suppliers_unverified}"
    return line
