"""Synthetic demands and capabilities for the matching benchmark.

Postings are drawn from the vocabularies of the seeded chains
(``seeds/chains``: node names, English names, keywords) and of the domain
glossary (``seeds/glossary``), wrapped in the filler phrases real postings use,
with noise: terms of unrelated chains, numbers with units, traditional
characters (20%) and English (25%). Descriptions are 40-200 characters long.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Which glossary file speaks the vocabulary of which seeded chain.
_DOMAINS = {
    "5g": ["communications"], "ic": ["semiconductors"], "machtool": ["machine_tools"],
    "meddev": ["medical_devices"], "nev": ["nev_batteries", "power_and_energy"],
    "robot": ["industrial_robots"], "solar": ["photovoltaics", "power_and_energy"],
}
_REGIONS = ["江苏省", "广东省", "浙江省", "山东省", "上海市", "北京市", "安徽省", "湖北省",
            "四川省", "河南省", "福建省", "天津市", "陕西省", "湖南省", "江西", "Jiangsu",
            "Guangdong", "重庆市", "辽宁省", "河北省"]
_QUALS = ["ISO 9001", "IATF 16949", "ISO 13485", "ISO 14001", "专精特新", "高新技术企业", "CE",
          "UL", "CQC", "ISO 45001"]
_ZH_FILLERS = ["专业从事{t}研发与生产", "提供{t}", "年产能{n}万件", "支持定制", "适用于{t}",
               "具备{t}能力", "精度±{x}mm", "交期{n}天", "产品广泛应用于{t}领域", "拥有{n}项专利",
               "可提供样品", "质量稳定", "批量供货", "配套{t}", "兼容主流{t}", "工作温度-{n}~{m}℃",
               "功率{n}kW", "效率≥{p}%", "通过{q}认证", "服务长三角及珠三角客户"]
_EN_FILLERS = ["we supply {t}", "custom designs available", "annual capacity {n}k units",
               "lead time {n} days", "for {t}", "with {t}", "accuracy ±{x} mm", "{p}% efficiency",
               "rated {n} kW", "{q} certified", "compatible with {t}", "samples on request",
               "serving OEMs nationwide"]
_ZH_SUFFIX = ["", "", "供应", "定制", "加工", "系统", "产品", "解决方案"]
_EN_SUFFIX = ["", "", "supply", "systems", "solutions", "products", "manufacturing"]


def _is_ascii(s):
    return s.isascii()


class Vocabulary:
    """Terms per seeded chain node, and glossary terms per chain."""

    def __init__(self):
        self.nodes = []  # (node id, chain id, zh terms, en terms)
        for f in sorted((ROOT / "seeds" / "chains").glob("*.json")):
            for chain in json.loads(f.read_text(encoding="utf-8"))["chains"]:
                for node in chain["nodes"]:
                    terms = [node["name"], node.get("name_en", ""), *node.get("keywords", [])]
                    zh = [t for t in terms if t and not _is_ascii(t)]
                    en = [t for t in terms if t and _is_ascii(t)]
                    self.nodes.append((node["id"], chain["id"], zh or en, en or zh))
        self.glossary = {}
        for f in sorted((ROOT / "seeds" / "glossary").glob("*.tsv")):
            zh, en = [], []
            for line in f.read_text(encoding="utf-8").splitlines():
                if not line.strip() or line.startswith("#"):
                    continue
                parts = line.split("\t")
                syn = parts[2].split("|") if len(parts) > 2 else []
                zh.append([parts[0]] + [s for s in syn if not _is_ascii(s)])
                en.append([parts[1]] + [s for s in syn if _is_ascii(s)])
            self.glossary[f.stem] = (zh, en)


def _fill(rng, template, term, lang):
    return template.format(t=term, n=rng.randint(2, 900), m=rng.randint(40, 120),
                           x=rng.choice(["0.01", "0.02", "0.05", "0.1", "1"]),
                           p=rng.choice(["95", "98.5", "99", "92", "25.8"]),
                           q=rng.choice(_QUALS))


def _posting(rng, vocab, kind, i):
    node_id, chain, zh, en = rng.choice(vocab.nodes)
    domains = _DOMAINS.get(chain) or list(vocab.glossary)
    gz, ge = vocab.glossary[rng.choice(domains)]
    lang = rng.choices(["zh", "tw", "en"], weights=[55, 20, 25])[0]
    english = lang == "en"
    node_terms = en if english else zh
    gloss = ge if english else gz
    terms = rng.sample(node_terms, min(len(node_terms), rng.randint(2, 4)))
    terms += [rng.choice(rng.choice(gloss)) for _ in range(rng.randint(2, 4))]
    if rng.random() < 0.2:  # noise: a term of another chain
        other = rng.choice(vocab.nodes)
        terms.append(rng.choice(other[3] if english else other[2]))
    head = terms[0]
    if english:
        title = f"{head} {rng.choice(_EN_SUFFIX)}".strip()
    else:
        title = head + rng.choice(_ZH_SUFFIX)
    if kind == "demand":
        title = (f"Procurement of {title}" if english else f"{title}采购")
    target = rng.randint(40, 200)
    parts = []
    fillers = _EN_FILLERS if english else _ZH_FILLERS
    sep = ", " if english else "，"
    while len(sep.join(parts)) < target:
        if rng.random() < 0.5:
            parts.append(rng.choice(terms))
        else:
            parts.append(_fill(rng, rng.choice(fillers), rng.choice(terms), lang))
    description = sep.join(parts)[: max(target, 40)]
    record = {"id": f"{'D' if kind == 'demand' else 'C'}{i:07d}",
              "enterprise": f"企业{i:07d}有限公司", "title": title, "description": description,
              "region": rng.choice(_REGIONS), "_lang": lang}
    if rng.random() < 0.4:
        record["chain_nodes"] = [node_id]
    if kind == "demand":
        if rng.random() < 0.15:
            record["required_qualifications"] = [rng.choice(_QUALS[:3])]
    else:
        record["qualifications"] = rng.sample(_QUALS, rng.randint(0, 3))
    return record


def generate(kind, n, seed=0, vocab=None):
    """Yield ``n`` synthetic records of ``kind`` ("capability" or "demand")."""
    import opencc

    rng = random.Random(f"{kind}-{seed}")
    vocab = vocab or Vocabulary()
    to_traditional = opencc.OpenCC("s2t").convert
    batch = []
    for i in range(n):
        batch.append(_posting(rng, vocab, kind, i))
        if len(batch) == 2000 or i == n - 1:
            for r in batch:
                if r.pop("_lang") == "tw":
                    r["title"] = to_traditional(r["title"])
                    r["description"] = to_traditional(r["description"])
            yield from batch
            batch = []


def write_jsonl(path, records):
    """Write records as JSON Lines; return how many."""
    count = 0
    with open(path, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False))
            fh.write("\n")
            count += 1
    return count


def read_jsonl(path):
    """Yield the records of a JSON Lines file one by one."""
    import orjson

    with open(path, "rb") as fh:
        for line in fh:
            yield orjson.loads(line)
