"""Server-rendered SVG bar charts (no JavaScript): grouped horizontal bars with labels."""
from __future__ import annotations

from markupsafe import Markup, escape

__all__ = ["bar_chart"]

PALETTE = ("#2b6cb0", "#38a169", "#c8102e", "#d69e2e", "#805ad5", "#718096")


def bar_chart(rows: list[tuple[str, list[float]]], series: list[str], title: str = "", width: int = 720) -> Markup:
    """Horizontal grouped bars: one group per row label, one bar per series value.

    Parameters
    ----------
    rows : list of (label, values)
        ``values`` has one number per series.
    series : list of str
        Names of the series, shown in the legend.
    """
    label_w, bar_h, gap, top = 180, 12, 10, 34
    plot_w = width - label_w - 60
    peak = max([v for _l, values in rows for v in values] + [1])
    group_h = bar_h * len(series) + gap
    height = top + max(1, len(rows)) * group_h + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" role="img" viewBox="0 0 {width} {height}" '
             f'width="100%" aria-label="{escape(title)}">']
    x = label_w
    for i, name in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="8" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{x + 14}" y="17" font-size="11">{escape(name)}</text>')
        x += 24 + 12 * len(name) if any(ord(c) > 255 for c in name) else 24 + 7 * len(name)
    for r, (label, values) in enumerate(rows):
        y0 = top + r * group_h
        short = label if len(label) <= 14 else label[:13] + "…"
        parts.append(f'<text x="{label_w - 8}" y="{y0 + group_h / 2}" font-size="12" text-anchor="end" '
                     f'dominant-baseline="middle"><title>{escape(label)}</title>{escape(short)}</text>')
        for i, value in enumerate(values):
            w = 0 if not value else max(1.0, plot_w * float(value) / float(peak))
            y = y0 + i * bar_h
            parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" '
                         f'fill="{PALETTE[i % len(PALETTE)]}" data-series="{escape(series[i])}" '
                         f'data-value="{value:g}"><title>{escape(series[i])}: {value:g}</title></rect>'
                         f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 3}" font-size="10">{value:g}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
