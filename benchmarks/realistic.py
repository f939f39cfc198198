"""Realistic demands and capabilities for the matching benchmark, recombined from real postings.

The sentences of the postings of the development sets (``tests/data/match-dev*``)
form a pool; each generated posting takes the title of a real posting (now and
then lightly varied), one to four sentences drawn at random from the pool of
its kind, and the structured fields (enterprise, region, size, qualifications,
chain nodes; for demands also kind, budget, deadline, payment days) of the
posting whose title it took. Most sentences (90%) are drawn from those written in
the script of the title (simplified, traditional, English), as real postings
seldom switch language between sentences. Chain nodes are dropped with some
probability, so that, as in the real sets, only some postings carry them. No
glossary text is used: apart from a few title suffixes ("（定制）", " (2026)"),
every character comes from a real posting.

Generation is a stream: records are written as they are made, and only the
pools (a few thousand sentences) are held in memory.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATASETS = [ROOT / "tests" / "data" / "match-dev", ROOT / "tests" / "data" / "match-dev-2"]

#: Bump when the generated data change for the same inputs, so cached files are not reused.
VERSION = 1

_DROP_CHAIN_NODES = 0.3  # chance that a posting loses the chain nodes of its source
_VARY_TITLE = 0.25  # chance that a title gets a light variation
_SAME_LANGUAGE = 0.9  # chance that a sentence is drawn from those in the title's language
# How many sentences a description takes, drawn uniformly from these: most real
# capabilities are one sentence long, demands two or more.
_SENTENCES = {"capability": (1,) * 10 + (2,) * 6 + (3,) * 2 + (4,) * 2,
              "demand": (1,) * 8 + (2,) * 6 + (3,) * 4 + (4,) * 2}

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
# A sentence ends after full-width 。；！？ (with a closing quote or bracket right after it,
# if any), after ASCII ;!? followed by a space or by CJK text, and after "." followed by a
# space and a capital letter or CJK text ("e.g. xx", "approx. 5" stay whole).
_SPLIT = re.compile(
    r"(?<=[。；！？])(?![”’」』）)])|(?<=[。；！？][”’」』）)])"
    r"|(?<=[;!?])\s*(?=[\u3400-\u9fff])|(?<=[;!?])\s+"
    r"|(?<=\.)\s+(?=[A-Z\u3400-\u9fff])"
)
_TERMINAL = "。；！？.;!?"

_CAPABILITY_FIELDS = ("enterprise", "region", "size", "qualifications", "chain_nodes")
_DEMAND_FIELDS = ("enterprise", "kind", "region", "required_qualifications", "chain_nodes",
                  "budget", "deadline", "payment_days")

_VARIANTS = {
    "capability": {
        "zh": ["（定制）", "（批量供货）", "加工", "供应", "（小批量）", "及配套服务"],
        "tw": ["（客製）", "（批量供貨）", "加工", "供應", "（小批量）", "及配套服務"],
        "en": [" (custom)", " - volume supply", " manufacturing", " (OEM/ODM)", " services"],
    },
    "demand": {
        "zh": ["（第二批）", "（年度框架）", "（补充采购）", "（2026年度）"],
        "tw": ["（第二批）", "（年度框架）", "（補充採購）", "（2026年度）"],
        "en": [" (second lot)", " - annual framework", " (2026)", " - supplementary tender"],
    },
}


def _read_jsonl(path):
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def split_sentences(text):
    """The sentences of ``text``, each ending with its terminal punctuation (added if none)."""
    out = []
    for part in _SPLIT.split(text or ""):
        part = part.strip()
        if len(part) < 2:
            continue
        if part[-1] in "；;":  # a clause is a sentence once taken out of its posting
            part = part[:-1] + ("。" if part[-1] == "；" else ".")
        elif part[-1] not in _TERMINAL and not part.endswith(("”", "’", "」", "』", "）", ")")):
            part += "。" if _CJK.search(part) else "."
        out.append(part)
    return out


class _Text:
    """A piece of text with what the language count of a posting needs, computed once."""

    __slots__ = ("ascii_end", "cjk", "latin", "script", "text", "traditional")

    def __init__(self, text, to_simplified):
        self.text = text
        self.cjk = len(_CJK.findall(text))
        self.latin = len(_LATIN_WORD.findall(text))
        self.traditional = self.cjk > 0 and to_simplified(text) != text
        self.ascii_end = text[-1:].isascii()
        self.script = "en" if self.cjk == 0 else "tw" if self.traditional else "zh"


def _language(parts):
    """The rule of the development sets' READMEs, applied to the pieces of one posting.

    English: no CJK character; traditional: changed by OpenCC ``t2s``; mixed: CJK text
    whose Latin words of three or more letters number at least four and at least one
    sixth of its CJK characters; otherwise simplified.
    """
    cjk = sum(p.cjk for p in parts)
    if cjk == 0:
        return "en"
    if any(p.traditional for p in parts):
        return "tw"
    latin = sum(p.latin for p in parts)
    if latin >= 4 and latin * 6 >= cjk:
        return "mixed"
    return "zh"


class Pool:
    """Titles, sentences and structured fields of the real postings of one kind."""

    def __init__(self, kind, datasets=DATASETS):
        import opencc

        t2s = opencc.OpenCC("t2s").convert
        self.kind = kind
        fields = _CAPABILITY_FIELDS if kind == "capability" else _DEMAND_FIELDS
        name = "capabilities.jsonl" if kind == "capability" else "demands.jsonl"
        self.sources = []  # (title, {field: value}) per real posting
        sentences = {}
        for folder in datasets:
            for r in _read_jsonl(folder / name):
                title = _Text((r.get("title") or "").strip(), t2s)
                self.sources.append((title, {f: r[f] for f in fields if r.get(f) is not None}))
                for s in split_sentences(r.get("description")):
                    sentences.setdefault(s, None)
        self.sentences = [_Text(s, t2s) for s in sentences]
        self.by_script = {script: [s for s in self.sentences if s.script == script] or
                          self.sentences for script in ("zh", "tw", "en")}
        variants = _VARIANTS[kind]
        self.variants = {lang: [_Text(v, t2s) for v in vs] for lang, vs in variants.items()}


def _vary(rng, pool, title):
    if rng.random() >= _VARY_TITLE:
        return [title]
    return [title, rng.choice(pool.variants[title.script])]


def _join(pieces):
    out = []
    for i, p in enumerate(pieces):
        if i and pieces[i - 1].ascii_end:
            out.append(" ")
        out.append(p.text)
    return "".join(out)


def generate(kind, n, seed=0, pool=None, stats=None):
    """Yield ``n`` realistic records of ``kind`` ("capability" or "demand").

    ``stats``, a :class:`Stats`, is updated with every record yielded.
    """
    pool = pool or Pool(kind)
    rng = random.Random(f"realistic-{kind}-{seed}")
    prefix = "RC" if kind == "capability" else "RD"
    sources, everything, by_script = pool.sources, pool.sentences, pool.by_script
    lengths = _SENTENCES[kind]
    choice, random_, randrange = rng.choice, rng.random, rng.randrange
    n_sources = len(sources)
    for i in range(n):
        title, fields = sources[randrange(n_sources)]
        title_parts = _vary(rng, pool, title)
        same = by_script[title.script]
        body = [choice(same if random_() < _SAME_LANGUAGE else everything)
                for _ in range(choice(lengths))]
        record = {"id": f"{prefix}{i:07d}"}
        record.update(fields)
        record["title"] = "".join(p.text for p in title_parts)
        record["description"] = _join(body)
        if "chain_nodes" in record and random_() < _DROP_CHAIN_NODES:
            del record["chain_nodes"]
        if stats is not None:
            stats.add(record, title_parts + body)
        yield record


class Stats:
    """What a generated file is made of: postings, characters, languages."""

    def __init__(self):
        self.n = 0
        self.chars = 0
        self.description_chars = 0
        self.languages = {"zh": 0, "tw": 0, "en": 0, "mixed": 0}
        self.chain_nodes = 0

    def add(self, record, parts):
        self.n += 1
        self.chars += len(record["title"]) + len(record["description"])
        self.description_chars += len(record["description"])
        self.languages[_language(parts)] += 1
        self.chain_nodes += "chain_nodes" in record

    def as_dict(self):
        return dict(vars(self))


def write_jsonl(path, records):
    """Write records as JSON Lines (UTF-8), streaming; return how many."""
    import orjson

    count = 0
    with open(path, "wb", buffering=1 << 20) as fh:
        for r in records:
            fh.write(orjson.dumps(r, option=orjson.OPT_APPEND_NEWLINE))
            count += 1
    return count


def merged_chains(datasets=DATASETS):
    """The chain documents of the development sets merged into one ``{"chains": [...]}``.

    Any other top-level list (``links``, ``edges``: cross-chain edges kept outside the
    chains) is concatenated too.
    """
    merged = {"chains": []}
    for folder in datasets:
        document = json.loads((folder / "chains.json").read_text(encoding="utf-8"))
        for key, value in document.items():
            if isinstance(value, list):
                merged.setdefault(key, []).extend(value)
    return merged


def fingerprint(datasets=DATASETS):
    """A short hash of the source files and of :data:`VERSION`, naming cached data."""
    digest = hashlib.sha1(str(VERSION).encode())
    for folder in datasets:
        for name in ("capabilities.jsonl", "demands.jsonl", "chains.json"):
            digest.update((folder / name).read_bytes())
    return digest.hexdigest()[:8]
