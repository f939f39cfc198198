"""Server-rendered SVG charts (no JavaScript): grouped horizontal bars, monthly lines and a funnel.

Lines and the funnel read in black and white: each series has its own dash
pattern and marker shape besides its colour, every point carries a ``<title>``
and the last value is written next to it; the funnel writes each stage's value
and its share of the first stage.
"""
from __future__ import annotations

from markupsafe import Markup, escape

__all__ = ["DASHES", "MARKERS", "PALETTE", "bar_chart", "funnel_chart", "line_chart"]

PALETTE = ("#2b6cb0", "#38a169", "#c8102e", "#d69e2e", "#805ad5", "#718096")


def _text_width(text: str, size: int) -> float:
    """Rough rendered width: CJK characters are square, Latin ones about half as wide."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.58 for ch in text)


def _fit(text: str, width: float, size: int) -> str:
    if _text_width(text, size) <= width:
        return text
    while text and _text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def bar_chart(rows: list[tuple[str, list[float]]], series: list[str], title: str = "", width: int = 720,
              colours: list[str] | None = None) -> Markup:
    """Horizontal grouped bars: one group per row label, one bar per series value.

    Parameters
    ----------
    rows : list of (label, values)
        ``values`` has one number per series.
    series : list of str
        Names of the series, shown in the legend.
    colours : list of str, optional
        One colour per series (default: the palette in order), so that a
        series keeps its colour from chart to chart.
    """
    colours = list(colours or PALETTE[:len(series)])
    label_w, bar_h, gap, top, size = 220, 12, 10, 34, 12
    plot_w = width - label_w - 60
    peak = max([v for _l, values in rows for v in values] + [1])
    group_h = bar_h * len(series) + gap
    height = top + max(1, len(rows)) * group_h + 10
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" role="img" viewBox="0 0 {width} {height}" '
              f'width="100%" aria-label="{escape(title)}">')]
    x = label_w
    for name, colour in zip(series, colours):
        parts.append(f'<rect x="{x}" y="8" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{x + 14}" y="17" font-size="11">{escape(name)}</text>')
        x += 28 + _text_width(name, 11)
    for r, (label, values) in enumerate(rows):
        y0 = top + r * group_h
        parts.append(f'<text x="{label_w - 8}" y="{y0 + group_h / 2}" font-size="{size}" text-anchor="end" '
                     f'dominant-baseline="middle"><title>{escape(label)}</title>'
                     f'{escape(_fit(label, label_w - 16, size))}</text>')
        for i, value in enumerate(values):
            w = 0 if not value else max(1.0, plot_w * float(value) / float(peak))
            y = y0 + i * bar_h
            parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" '
                         f'fill="{colours[i % len(colours)]}" data-series="{escape(series[i])}" '
                         f'data-value="{value:g}"><title>{escape(series[i])}: {value:g}</title></rect>'
                         f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 3}" font-size="10">{value:g}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


#: Dash patterns and marker shapes, one per series, so that series differ without colour.
DASHES = ("", "8 4", "2 3", "10 3 2 3", "4 4", "1 2")
MARKERS = ("circle", "square", "triangle", "diamond", "circle-open", "square-open")


def _marker(shape: str, x: float, y: float, colour: str, tip: str = "") -> str:
    title = f"<title>{escape(tip)}</title>" if tip else ""
    fill = "#fff" if shape.endswith("-open") else colour
    base = shape.removesuffix("-open")
    if base == "square":
        body = f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8"'
    elif base == "triangle":
        body = f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} {x - 5:.1f},{y + 4:.1f}"'
    elif base == "diamond":
        body = f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}"'
    else:
        body = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4"'
    return f'{body} fill="{fill}" stroke="{colour}" stroke-width="1.5" class="marker marker-{shape}">{title}' + (
        "</rect>" if base == "square" else "</polygon>" if base in ("triangle", "diamond") else "</circle>")


def _nice_peak(value: float) -> float:
    """A round number at or above ``value`` for the top of an axis."""
    if value <= 0:
        return 1
    step = 10 ** (len(str(int(value))) - 1)
    for m in (1, 2, 2.5, 5, 10):
        if value <= m * step:
            return m * step
    return 10 * step


def line_chart(labels: list[str], series: list[tuple[str, list[float]]], title: str = "", width: int = 720,
               height: int = 260, unit: str = "") -> Markup:
    """Lines over ``labels`` (months): one per ``(name, values)``, told apart by dash and marker.

    Each point has a ``<title>`` (series, label, value); the value of the last
    point is written at the line's end, and the legend shows each line's dash
    and marker. ``unit`` labels the value axis.
    """
    left, right, top, bottom = 56, 70, 40, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice_peak(max([float(v) for _n, values in series for v in values] + [0]))
    step_x = plot_w / max(1, len(labels) - 1)

    def xy(i, v):
        return left + (i * step_x if len(labels) > 1 else plot_w / 2), top + plot_h - plot_h * float(v) / peak

    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" class="line-chart" role="img" viewBox="0 0 {width} {height}" '
             f'width="100%" aria-label="{escape(title)}"><title>{escape(title)}</title>')]
    for k in range(5):  # grid and value axis
        v = peak * k / 4
        y = top + plot_h - plot_h * k / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#999" '
                     f'stroke-width="{1 if k == 0 else 0.5}"/><text x="{left - 6}" y="{y + 4:.1f}" font-size="10" '
                     f'text-anchor="end">{v:g}</text>')
    if unit:
        parts.append(f'<text x="4" y="{top - 8}" font-size="10">{escape(unit)}</text>')
    every = max(1, (len(labels) + 11) // 12)
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            x, _y = xy(i, 0)
            parts.append(f'<text x="{x:.1f}" y="{height - bottom + 16}" font-size="10" text-anchor="middle" '
                         f'class="x-label">{escape(label)}</text>')
    x = left
    for s, (name, _values) in enumerate(series):  # legend: dash sample, marker, name
        colour, dash = PALETTE[s % len(PALETTE)], DASHES[s % len(DASHES)]
        parts.append(f'<line x1="{x}" y1="14" x2="{x + 26}" y2="14" stroke="{colour}" stroke-width="2" '
                     f'stroke-dasharray="{dash}"/>{_marker(MARKERS[s % len(MARKERS)], x + 13, 14, colour)}'
                     f'<text x="{x + 32}" y="18" font-size="11" class="legend">{escape(name)}</text>')
        x += 50 + _text_width(name, 11)
    for s, (name, values) in enumerate(series):
        colour, dash, shape = PALETTE[s % len(PALETTE)], DASHES[s % len(DASHES)], MARKERS[s % len(MARKERS)]
        points = [xy(i, v) for i, v in enumerate(values)]
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        parts.append(f'<g class="series" data-series="{escape(name)}"><polyline points="{path}" fill="none" '
                     f'stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>')
        for i, ((px, py), v) in enumerate(zip(points, values)):
            parts.append(_marker(shape, px, py, colour, f"{name} {labels[i]}: {float(v):g}"))
        if points:
            px, py = points[-1]
            parts.append(f'<text x="{px + 8:.1f}" y="{py + 4:.1f}" font-size="10" class="end-label">'
                         f'{float(values[-1]):g}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))


def funnel_chart(stages: list[tuple[str, float]], title: str = "", width: int = 560) -> Markup:
    """A funnel: one centred bar per ``(label, value)``, labelled with its value and its share of the first."""
    bar_h, gap, top, label_w = 30, 8, 8, 150
    plot_w = width - label_w - 10
    height = top + len(stages) * (bar_h + gap) + 4
    first = float(stages[0][1]) if stages else 0
    peak = max([float(v) for _l, v in stages] + [1])
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" class="funnel-chart" role="img" viewBox="0 0 {width} {height}" '
             f'width="100%" aria-label="{escape(title)}"><title>{escape(title)}</title>')]
    for i, (label, value) in enumerate(stages):
        y = top + i * (bar_h + gap)
        w = max(2.0, plot_w * float(value) / peak) if value else 0
        x = label_w + (plot_w - w) / 2
        share = f" ({float(value) / first:.0%})" if first and i else ""
        text = f"{float(value):g}{share}"
        parts.append(f'<text x="{label_w - 8}" y="{y + bar_h / 2 + 4}" font-size="12" text-anchor="end">'
                     f'{escape(label)}</text><rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                     f'fill="#fff" stroke="#333" stroke-width="1.5" data-stage="{escape(label)}" '
                     f'data-value="{float(value):g}"><title>{escape(label)}: {escape(text)}</title></rect>'
                     f'<text x="{label_w + plot_w / 2:.1f}" y="{y + bar_h / 2 + 4}" font-size="12" '
                     f'text-anchor="middle" class="stage-value">{escape(text)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
