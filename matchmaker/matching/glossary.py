"""The bilingual domain glossary: synonym groups of industrial-chain terms.

Each glossary file (``seeds/glossary/*.tsv``, UTF-8) holds one concept per
line::

    zh<TAB>en<TAB>synonyms and abbreviations separated by |

for example ``隧穿氧化层钝化接触<TAB>TOPCon<TAB>tunnel oxide passivated contact``.
Blank lines and lines starting with ``#`` are ignored. The file name (without
``.tsv``) is the concept's *domain*; the engine uses domains to tell apart
abbreviations that mean different things in different industries (``POE``
film in photovoltaics, ``PoE`` power over Ethernet in networking).
"""

from __future__ import annotations

import functools
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from matchmaker.domain.text import normalize
from matchmaker.matching.errors import GlossaryError
from matchmaker.package_data import seeds_dir

__all__ = ["Concept", "Glossary", "default_glossary_dir", "load_glossary"]

_SLUG_RE = re.compile(r"[^a-z0-9]+")


def default_glossary_dir() -> Path:
    """Folder of the glossary shipped with the project (``seeds/glossary``)."""
    return seeds_dir() / "glossary"


@dataclass(frozen=True, slots=True)
class Concept:
    """One glossary line: a concept and every way of writing it.

    Attributes
    ----------
    id : str
        ``domain/slug-of-english-term``, unique within a glossary.
    zh, en : str
        The Chinese and English terms as written in the file.
    terms : tuple of str
        All surface forms (Chinese, English, synonyms), normalised.
    domain : str
        The file the concept comes from, e.g. ``photovoltaics``.
    written : tuple of str
        The surface forms as written in the file, aligned with :attr:`terms`
        (used to show ``TOPCon`` rather than the normalised ``topcon``).
    """

    id: str
    zh: str
    en: str
    terms: tuple[str, ...]
    domain: str
    written: tuple[str, ...] = ()


class Glossary:
    """An ordered collection of :class:`Concept`.

    Parameters
    ----------
    concepts : iterable of Concept
    """

    def __init__(self, concepts=()):
        self.concepts = list(concepts)
        self._by_id = {c.id: c for c in self.concepts}

    def __len__(self):
        return len(self.concepts)

    def __iter__(self):
        return iter(self.concepts)

    def __getitem__(self, concept_id):
        return self._by_id[concept_id]

    def __contains__(self, concept_id):
        return concept_id in self._by_id

    @property
    def domains(self) -> list[str]:
        """Domains in file order."""
        return list(dict.fromkeys(c.domain for c in self.concepts))


def _parse(path: Path) -> list[Concept]:
    domain = path.stem
    out: list[Concept] = []
    seen: dict[str, int] = {}
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError as exc:
        raise GlossaryError(path, 0, f"not UTF-8 ({exc.reason})") from None
    for lineno, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) < 2 or len(fields) > 3:
            raise GlossaryError(path, lineno, "expected zh<TAB>en<TAB>optional synonyms")
        zh, en = fields[0].strip(), fields[1].strip()
        if not zh or not en:
            raise GlossaryError(path, lineno, "both the Chinese and the English term are required")
        synonyms = [s.strip() for s in fields[2].split("|")] if len(fields) == 3 else []
        forms: dict[str, str] = {}
        for raw in (zh, en, *synonyms):
            norm = normalize(raw)
            if norm:
                forms.setdefault(norm, raw)
        slug = _SLUG_RE.sub("-", en.casefold()).strip("-") or f"line{lineno}"
        if slug in seen:
            slug = f"{slug}-{lineno}"
        seen[slug] = lineno
        out.append(Concept(f"{domain}/{slug}", zh, en, tuple(forms), domain,
                           tuple(forms.values())))
    return out


def load_glossary(paths=None) -> Glossary:
    """Read glossary files into a :class:`Glossary`.

    Parameters
    ----------
    paths : path, folder, or list of paths, optional
        TSV files, or folders whose ``*.tsv`` files are read in name order.
        Defaults to :func:`default_glossary_dir`; a missing default folder
        gives an empty glossary and a ``RuntimeWarning``. Files are parsed
        once per process (again when they change).

    Raises
    ------
    GlossaryError
        A line is malformed; the message gives file and line.
    """
    if paths is None:
        folder = default_glossary_dir()
        if not folder.is_dir():
            warnings.warn(f"the domain glossary folder {folder} is missing; matching falls back "
                          "to the chain graph's own terms", RuntimeWarning, stacklevel=2)
            return Glossary()
        paths = [folder]
    elif isinstance(paths, (str, Path)):
        paths = [paths]
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(p.glob("*.tsv")))
        elif p.is_file():
            files.append(p)
        else:
            raise GlossaryError(p, 0, "no such glossary file or folder")
    concepts: list[Concept] = []
    for f in files:
        concepts.extend(_cached_parse(f.resolve(), f.stat().st_mtime_ns))
    return Glossary(concepts)


@functools.lru_cache(maxsize=64)
def _cached_parse(path: Path, mtime_ns: int) -> tuple:
    # Keyed by modification time, so an edited file is read again.
    return tuple(_parse(path))
