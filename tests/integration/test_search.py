"""Search: postings by normalised text (traditional/simplified, full/half width), enterprises by fuzzy name."""
from __future__ import annotations

import re

from sqlalchemy import select, text

from matchmaker.models import SearchEntry
from matchmaker.services import names, search
from tests.integration import helpers as h


def _titles(client, q, **args) -> str:
    """The result page's text, highlights unwrapped."""
    html = client.get("/search/", query_string={"q": q, **args}).get_data(as_text=True)
    return html.replace("<mark>", "").replace("</mark>", "")


def test_traditional_queries_find_simplified_text_and_back(client, db):
    ent = h.enterprise(db, name="宁波精密传感科技有限公司")
    h.demand(db, ent, title="高精度压力传感器年度采购", description="量程 0-10MPa")
    h.capability(db, ent, title="碳化矽功率模組封裝", description="車規級 SiC 模組")
    h.demand(db, ent, title="ＰＬＣ控制柜集成", description="西门子 S7-1500")
    db.commit()
    assert "高精度压力传感器年度采购" in _titles(client, "壓力傳感器")
    assert "碳化矽功率模組封裝" in _titles(client, "碳化硅 模组")
    assert "碳化矽功率模組封裝" in _titles(client, "车规级")  # description, converted vocabulary
    assert "ＰＬＣ控制柜集成" in _titles(client, "plc")
    assert "ＰＬＣ控制柜集成" in _titles(client, "s7-1500")
    assert "没有找到包含" in _titles(client, "液压缸")


def test_only_published_demands_and_active_capabilities_are_found(client, db):
    ent = h.enterprise(db)
    h.demand(db, ent, title="伺服电机采购（已发布）", status="published")
    h.demand(db, ent, title="伺服电机采购（草稿）", status="draft")
    h.capability(db, ent, title="伺服电机维修（在用）")
    h.capability(db, ent, title="伺服电机维修（停用）", active=False)
    db.commit()
    html = _titles(client, "伺服电机")
    assert "（已发布）" in html and "（在用）" in html
    assert "（草稿）" not in html and "（停用）" not in html
    only = _titles(client, "伺服电机", kind="capability")
    assert "（在用）" in only and "（已发布）" not in only


def test_the_index_follows_edits(client, db):
    d = h.demand(db, h.enterprise(db), title="铝合金压铸件采购")
    db.commit()
    assert "铝合金压铸件采购" in _titles(client, "压铸")
    d.title = "镁合金挤压型材采购"
    db.commit()
    assert "镁合金挤压型材采购" not in _titles(client, "压铸")
    assert "镁合金挤压型材采购" in _titles(client, "挤压")
    assert len(db.scalars(select(SearchEntry)).all()) == 1


def test_wildcards_in_the_query_are_literal(client, db):
    h.demand(db, h.enterprise(db), title="不锈钢管材采购")
    db.commit()
    assert "不锈钢管材采购" not in _titles(client, "%")
    assert "不锈钢管材采购" not in _titles(client, "_")


def test_posting_results_paginate(client, db):
    ent = h.enterprise(db)
    for i in range(23):
        h.demand(db, ent, title=f"紧固件采购 第{i:02d}批")
    db.commit()
    first, second = _titles(client, "紧固件"), _titles(client, "紧固件", page=2)
    assert "1 / 2" in first
    assert first.count("紧固件采购 第") == 20 and second.count("紧固件采购 第") == 3


def test_enterprise_names_match_fuzzily(client, db):
    h.enterprise(db, name="比亚迪股份有限公司", region="广东省")
    h.enterprise(db, name="宁德时代新能源科技股份有限公司", region="福建省")
    h.enterprise(db, name="杭州云帆软件有限公司", region="浙江省")
    db.commit()
    for query in ("比亞迪", "比亚笛", "比亚迪有限公司"):
        html = _titles(client, query, tab="enterprises")
        assert "比亚迪股份有限公司" in html, query
        assert "杭州云帆软件有限公司" not in html
    assert "宁德时代新能源科技股份有限公司" in _titles(client, "寧德時代", tab="enterprises")
    ranked = names.fuzzy_enterprises(db, "宁德时代新能源")
    assert ranked[0][0].name == "宁德时代新能源科技股份有限公司"
    assert all(score >= names.FUZZY_CUTOFF for _, score in ranked)
    # Rankings are kept with the names they were made against: a renamed enterprise is found by its
    # new name and no longer by the old one, the same search made again before and after.
    byd = names.fuzzy_enterprises(db, "比亚迪")
    assert [e.name for e, _ in byd] == ["比亚迪股份有限公司"]
    byd[0][0].name = "弗迪电池有限公司"
    db.commit()
    assert names.fuzzy_enterprises(db, "比亚迪") == []
    assert [e.name for e, _ in names.fuzzy_enterprises(db, "弗迪电池")] == ["弗迪电池有限公司"]


def test_an_empty_query_shows_the_prompt(client):
    assert "输入关键词" in client.get("/search/").get_data(as_text=True)


def test_reindex_command_rebuilds_and_drops_deleted_postings(app, db, monkeypatch):
    from click.testing import CliRunner

    from matchmaker.commands import search as commands
    ent = h.enterprise(db)
    kept, gone = h.demand(db, ent, title="保留的需求"), h.demand(db, ent, title="删除的需求")
    db.commit()
    search.sync_index(db)
    db.delete(gone)
    db.commit()
    monkeypatch.setattr(commands, "_app", lambda: app)
    result = CliRunner().invoke(commands.search, ["reindex"])
    assert result.exit_code == 0 and "indexed 1 postings" in result.output
    db.expire_all()
    assert [e.object_id for e in db.scalars(select(SearchEntry))] == [kept.id]


def test_the_search_knows_the_domain_vocabulary(client, db):
    """A glossary term finds postings written with its synonyms and abbreviations, both ways,
    says which it also searched for, and marks what matched."""
    ent = h.enterprise(db, name="合肥储能材料有限公司")
    h.capability(db, ent, title="磷酸铁锂正极材料", description="压实密度 2.6 g/cm³")
    h.demand(db, ent, title="LFP 电芯采购", description="280Ah")
    h.capability(db, ent, title="LiFePO4 cathode powder", description="for ESS cells")
    h.capability(db, ent, title="三元正极材料", description="NCM811")
    db.commit()
    for query in ("磷酸铁锂", "LFP", "lfp", "磷酸鐵鋰", "lithium iron phosphate"):
        text = _titles(client, query)
        assert all(t in text for t in ("磷酸铁锂正极材料", "LFP 电芯采购", "LiFePO4 cathode powder")), query
        assert "三元正极材料" not in text, query
    html = client.get("/search/", query_string={"q": "LFP"}).get_data(as_text=True)
    also = re.search(r'id="search-also">(.*?)</p>', html).group(1)
    assert "磷酸铁锂" in also and "LiFePO4" in also
    assert "<mark>磷酸铁锂</mark>正极材料" in html and "<mark>LFP</mark> 电芯采购" in html
    # A word that is not a whole glossary term does not widen the search.
    assert search.search_postings(db, "压实密度").also == []


def test_highlighting_escapes_the_text_and_folds_characters():
    from matchmaker.web.search import highlight
    assert str(highlight("<b>碳化矽</b> 模組", ["碳化硅"])) == "&lt;b&gt;<mark>碳化矽</mark>&lt;/b&gt; 模組"
    assert str(highlight("ＰＬＣ控制柜", ["plc"])) == "<mark>ＰＬＣ</mark>控制柜"
    assert str(highlight("nothing here", ["plc"])) == "nothing here"


def test_two_character_terms_find_what_holds_them_side_by_side(client, db):
    """锂电 finds 锂电池 in a title or a description (traditional 鋰電 too), not a text holding
    锂 and 电 apart; on PostgreSQL the lookup goes through the two-character index."""
    ent = h.enterprise(db, name="常州储能科技有限公司")
    h.demand(db, ent, title="锂电池模组采购", description="储能用")
    h.capability(db, ent, title="电芯化成设备", description="适用于鋰電產線")
    h.capability(db, ent, title="电解液添加剂", description="锂盐与电解质")  # 锂 and 电 apart
    h.capability(db, ent, title="光伏支架", description="GB 50797")
    db.commit()
    for query in ("锂电", "鋰電"):
        found = _titles(client, query)
        assert "锂电池模组采购" in found and "电芯化成设备" in found, query
        assert "电解液添加剂" not in found and "光伏支架" not in found, query
    assert search.search_postings(db, "锂电").total == 2
    assert search.search_postings(db, "锂电 储能").total == 1
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SET LOCAL enable_seqscan = off"))  # four rows: make the planner show its index
        stmt = select(SearchEntry.id).where(search._holds(SearchEntry.body, {"锂电"}, postgresql=True,
                                                          bigrams=search._has_bigram_index(db)))
        plan = "\n".join(db.execute(text("EXPLAIN " + str(stmt.compile(
            db.get_bind(), compile_kwargs={"literal_binds": True})))).scalars())
        assert "ix_search_entry_bigrams" in plan, plan
        db.rollback()
