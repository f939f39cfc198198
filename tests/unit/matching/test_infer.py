"""Which chain nodes a free text is about."""
from matchmaker.matching.inference import NodeInferrer, infer_nodes


def test_infers_the_node_in_any_language(dev_graph):
    inferrer = NodeInferrer(dev_graph).fit()
    for text, node in [
        ("N型TOPCon電池片月度採購", "pv.cell"),
        ("Palladium-coated copper bonding wire for QFN", "icpkg.bonding-wire"),
        ("北斗RTK农机自动驾驶系统", "agri.navigation"),
        ("1P single-axis trackers with slew drives", "pv.mounting"),
    ]:
        found = inferrer.infer(text)
        assert found and found[0][0] == node, (text, found)
        assert all(0 < c <= 1 for _, c in found)


def test_unrelated_text_gives_nothing(dev_graph):
    assert infer_nodes(dev_graph, "红烧肉的家常做法") == []
    assert infer_nodes(dev_graph, "") == []


def test_top_limits_and_orders_the_answer(dev_graph):
    found = infer_nodes(dev_graph, "光伏组件层压机与串焊机，用于TOPCon电池片组件产线", top=2)
    assert len(found) <= 2
    assert [c for _, c in found] == sorted((c for _, c in found), reverse=True)


def test_many_texts_at_once_equal_one_by_one(dev_graph):
    inferrer = NodeInferrer(dev_graph).fit()
    texts = ["镀钯铜键合丝", "Combine yield monitoring kit", "无关内容"]
    assert inferrer.infer_many(texts) == [inferrer.infer(t) for t in texts]
