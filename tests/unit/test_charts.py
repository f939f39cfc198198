"""The server-rendered SVG charts: valid SVG, every point and label present, readable without colour."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from matchmaker.web.charts import DASHES, MARKERS, bar_chart, funnel_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = ["2025-01", "2025-02", "2025-03", "2025-04"]


def _svg(markup) -> ET.Element:
    root = ET.fromstring(str(markup))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img" and root.get("aria-label")
    return root


def _texts(root) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_line_chart_has_a_point_with_a_title_for_every_value():
    series = [("发布需求", [1, 4, 0, 2]), ("签约合同", [0, 1, 1, 3])]
    root = _svg(line_chart(MONTHS, series, title="按月趋势", unit="项"))
    assert root.find(f"{SVG}title").text == "按月趋势"
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "series"]
    assert [g.get("data-series") for g in groups] == ["发布需求", "签约合同"]
    for group, (name, values) in zip(groups, series):
        points = group.find(f"{SVG}polyline").get("points").split()
        assert len(points) == len(values)
        tips = [t.text for t in group.iter(f"{SVG}title")]
        assert tips == [f"{name} {m}: {v:g}" for m, v in zip(MONTHS, values)]
        end = [t for t in group.iter(f"{SVG}text") if t.get("class") == "end-label"]
        assert end[0].text == f"{values[-1]:g}"
    # Higher values are drawn higher (smaller y).
    ys = [float(p.split(",")[1]) for p in groups[0].find(f"{SVG}polyline").get("points").split()]
    assert ys[1] < ys[3] < ys[0] < ys[2]
    texts = _texts(root)
    assert all(m in texts for m in MONTHS) and "项" in texts and "发布需求" in texts


def test_line_series_differ_by_dash_and_marker_not_only_colour():
    series = [(f"s{i}", [i, i + 1]) for i in range(4)]
    root = _svg(line_chart(MONTHS[:2], series, title="t"))
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "series"]
    dashes = [g.find(f"{SVG}polyline").get("stroke-dasharray") for g in groups]
    assert dashes == list(DASHES[:4]) and len(set(dashes)) == 4
    shapes = []
    for g in groups:
        marks = [el.get("class") for el in g if el.get("class", "").startswith("marker")]
        assert len(set(marks)) == 1 and len(marks) == 2
        shapes.append(marks[0])
    assert shapes == [f"marker marker-{m}" for m in MARKERS[:4]]
    # The legend repeats each dash and marker next to the series name.
    legend_dashes = [ln.get("stroke-dasharray") for ln in root.findall(f"{SVG}line") if ln.get("y1") == "14"]
    assert legend_dashes == list(DASHES[:4])


def test_line_chart_with_one_month_and_no_values():
    root = _svg(line_chart(["2025-01"], [("签约金额", [0])], title="金额"))
    points = root.find(f".//{SVG}polyline").get("points").split()
    assert len(points) == 1
    _svg(line_chart([], [], title="空"))


def test_funnel_labels_each_stage_with_value_and_share_of_the_first():
    stages = [("发布需求", 10), ("报名", 8), ("入围", 4), ("达成合作", 0)]
    root = _svg(funnel_chart(stages, title="对接漏斗"))
    rects = root.findall(f"{SVG}rect")
    assert [r.get("data-stage") for r in rects] == [s for s, _v in stages]
    assert [r.get("data-value") for r in rects] == ["10", "8", "4", "0"]
    widths = [float(r.get("width")) for r in rects]
    assert widths[0] > widths[1] > widths[2] > widths[3] == 0
    assert all(r.get("fill") == "#fff" and r.get("stroke") for r in rects)  # outlines, no colour coding
    texts = _texts(root)
    assert {"10", "8 (80%)", "4 (40%)", "0 (0%)"} <= set(texts)
    assert all(s in texts for s, _v in stages)


def test_funnel_with_nothing_posted():
    root = _svg(funnel_chart([("发布需求", 0), ("报名", 0)], title="空"))
    assert {"0"} == {t for t in _texts(root) if t[0].isdigit()}


def test_bar_chart_is_unchanged():
    out = str(bar_chart([("全场", [3, 1.5])], ["会谈", "意向"], title="总计"))
    assert out.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" role="img" viewBox="0 0 720 78"')
    assert 'fill="#2b6cb0" data-series="会谈" data-value="3"><title>会谈: 3</title></rect>' in out
    assert 'fill="#38a169" data-series="意向" data-value="1.5"><title>意向: 1.5</title></rect>' in out
    ET.fromstring(out)
