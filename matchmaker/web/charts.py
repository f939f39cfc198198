"""Server-rendered SVG bar charts (no JavaScript): grouped horizontal bars with labels."""
from __future__ import annotations

from markupsafe import Markup, escape

__all__ = ["PALETTE", "bar_chart"]

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
