"""Industrial chains stored in the database, as one NetworkX graph for the pure packages."""
from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
from sqlalchemy import select
from sqlalchemy.orm import Session

import graph as chaingraph

from ..models import ChainGraph
from ..package_data import seeds_dir

SEEDS = seeds_dir()


def seed_files(folder: Path | None = None) -> list[Path]:
    return sorted((folder or SEEDS / "chains").glob("*.json"))


def read_seed_chains(folder: Path | None = None) -> dict:
    """All seed chain files merged into one document of the chains format."""
    chains: list[dict] = []
    for path in seed_files(folder):
        chains.extend(json.loads(path.read_text(encoding="utf-8-sig"))["chains"])
    return {"chains": chains}


def chains_document(session: Session) -> dict:
    rows = session.scalars(select(ChainGraph).order_by(ChainGraph.position, ChainGraph.id)).all()
    return {"chains": [row.data for row in rows]}


def current_graph(session: Session) -> nx.DiGraph:
    """The stored chains as one validated graph (kept by the application's engine registry)."""
    from .engines import registry_of
    return registry_of(session).graph(session)


def store_chains(session: Session, document: dict, user_id: int | None = None) -> tuple[int, int]:
    """Insert or update every chain of ``document``; returns (added, updated).

    The document is validated as a whole first, so a bad file changes nothing.
    """
    chaingraph.load_chains(document)
    existing = {row.chain_id: row for row in session.scalars(select(ChainGraph))}
    added = updated = 0
    for position, chain in enumerate(document["chains"]):
        row = existing.get(chain["id"])
        if row is None:
            session.add(ChainGraph(chain_id=chain["id"], name=chain["name"], name_en=chain.get("name_en"),
                                   position=position, data=chain, updated_by_id=user_id))
            added += 1
        elif row.data != chain or row.position != position:
            row.data, row.name, row.name_en, row.position = chain, chain["name"], chain.get("name_en"), position
            row.version += 1
            row.updated_by_id = user_id
            updated += 1
    session.flush()
    return added, updated


def remove_chains_except(session: Session, keep: set[str]) -> int:
    rows = [row for row in session.scalars(select(ChainGraph)) if row.chain_id not in keep]
    for row in rows:
        session.delete(row)
    session.flush()
    return len(rows)
