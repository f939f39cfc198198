"""The application's long-lived engines: chain graph, matcher and node inferrer, kept fresh.

One :class:`EngineRegistry` per application (``app.extensions["matchmaker.engines"]``)
owns them. Services reach it through their session (the application's sessions
carry it in ``session.info["engines"]``), so they need neither the application
nor a process-global cache.

Records of the postings are built by :mod:`.records`.

Freshness
    * The first use fits the engines (``matchmaker serve`` and the shipped
      gunicorn configuration do it at start-up, before any request).
    * Each transaction checks one stamp of the tables (the last update times
      of chains, capabilities, demands and enterprises, read from indexes),
      once.
    * A posting saved through the services is applied to the matcher when its
      transaction commits (:meth:`EngineRegistry.queue`), so the writer sees it
      on the next page. Changes made elsewhere (another worker, the command
      line) are read back by their update time and applied the same way when
      the stamp moves; a change to an enterprise (its verified qualifications
      among them, :func:`enterprise_changed`) re-reads all its postings.
    * A full rebuild — chains edited, many postings changed since fitting (the
      vocabulary and statistics are learned at fitting), a posting deleted
      outright, a failed patch — runs on a background thread while the current
      engines keep serving; the new ones replace them in one step. A failed
      rebuild is logged and retried with a growing delay. A posting deleted
      outright moves no update time: the background thread compares the
      indexed counts with the tables' about once a minute and rebuilds when
      they differ.
    * A small index (fewer than :data:`INCREMENTAL_MIN_POSTINGS`) is refitted
      inline when a change commits, in the writer's request (about a quarter
      of a second at 150 postings), so that new words are findable at once.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time
from dataclasses import dataclass, field

import networkx as nx
from sqlalchemy import event, func, select
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, selectinload

import graph as chaingraph

from ..matching import Matcher, MatchingError, UnknownRecordError
from ..matching.inference import NodeInferrer
from ..models import Capability, ChainGraph, Demand, Enterprise
from ..models._types import utcnow
from .chains import chains_document
from .records import capability_record, demand_record

__all__ = [
    "INCREMENTAL_MIN_POSTINGS",
    "MAX_INCREMENTAL_SHARE",
    "Engine",
    "EngineRegistry",
    "enterprise_changed",
    "init_app",
    "registry_of",
    "warm_up",
]

log = logging.getLogger(__name__)

INCREMENTAL_MIN_POSTINGS = 200
MAX_INCREMENTAL_SHARE = 0.2
#: Rows are stamped when flushed, not when committed: rows stamped up to this long
#: before the newest one read back are read again (applying a change twice is
#: harmless), so a transaction open that long between its flush and its commit,
#: or a clock that far behind another host's, is still caught.
CLOCK_SLACK = dt.timedelta(seconds=60)
#: More changes than this read back at once are left to a background rebuild
#: rather than patched on the request thread.
MAX_INLINE_READ_BACK = 50
RETRY_DELAYS = (1, 5, 30, 120, 600)
#: A rebuild thread with nothing to do for this long ends.
IDLE_THREAD_SECONDS = 60
#: How often the indexed counts are compared with the tables' (in the background).
RECONCILE_SECONDS = 60
#: Enterprises changed since the last read-back listed by id (more are selected by a subquery).
MAX_LISTED_ENTERPRISES = 1000


@dataclass
class Engine:
    """A fitted :class:`~matchmaker.matching.Matcher` and what it was fitted on.

    ``matcher`` is None when there is no capability to rank yet. ``lock`` guards
    ranking against concurrent patching: hold it while using ``matcher``.
    """

    matcher: Matcher | None
    graph: nx.DiGraph
    fitted_size: int
    has_demands: bool
    changes: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)


@dataclass
class _State:
    """Everything one fit produced, replaced as a whole by a rebuild."""

    graph: nx.DiGraph
    engine: Engine
    inferrer: NodeInferrer | None
    stamp: tuple            # the tables as last seen (fitted, patched or read back)
    chains: tuple           # the chains' part of the stamp the graph was built from
    fitted_chains: tuple    # ... and the one the matcher and inferrer were fitted with
    since: dt.datetime | None  # rows updated from then on are read back on a stamp change
    sequence: int = 0          # fits are numbered in the order they started
    built_at: float = field(default_factory=time.monotonic)
    #: (kind, id) -> (its updated_at, its enterprise's) as last read back, for the rows of the slack window
    applied: dict = field(default_factory=dict)


def init_app(app) -> EngineRegistry:
    """Give the application its registry; its sessions carry it (``session.info["engines"]``)."""
    bind = app.extensions["sqlalchemy_engine"]
    registry = EngineRegistry(bind, background=app.config.get("ENGINE_BACKGROUND_REBUILDS", True))
    app.extensions["matchmaker.engines"] = registry
    app.extensions["sqlalchemy_sessionmaker"].configure(info={"engines": registry})
    return registry


def warm_up(app) -> None:
    """Load the matching kernels and fit the application's engines before serving.

    A failure (a database not migrated yet, say) is logged, not raised: the first
    request that needs the engines fits them.
    """
    from ..matching import kernels

    started = time.perf_counter()
    kernels.warm_up()
    try:
        app.extensions["matchmaker.engines"].warm()
    except (OperationalError, InterfaceError) as exc:  # the database is down or empty: a traceback adds nothing
        detail = str(exc.orig or exc).strip().splitlines()
        log.warning("the matching engines could not be fitted at start-up, the database cannot be used (%s); "
                    "the first request (or readiness probe) once it answers fits them",
                    detail[0] if detail else type(exc).__name__)
        return
    except Exception:
        log.exception("the matching engines could not be fitted at start-up; the first request will fit them")
        return
    log.info("kernels loaded and engines fitted in %.1f s", time.perf_counter() - started)


def enterprise_changed(enterprise: Enterprise) -> None:
    """Re-index an enterprise's postings after a change their records read but the
    enterprise row does not show (its qualifications): every worker reads back the
    postings of an enterprise whose update time moved."""
    enterprise.updated_at = utcnow()


def registry_of(session: Session) -> EngineRegistry:
    """The registry of the application that made ``session``.

    A session made elsewhere (a script's own ``sessionmaker``) gets a registry of
    its own database, kept for the process.
    """
    registry = session.info.get("engines")
    if registry is None:
        bind = session.get_bind()
        key = bind.url.render_as_string(hide_password=True)
        with _orphans_lock:
            registry = _orphans.get(key)
            if registry is None or registry.bind is not bind:
                registry = _orphans[key] = EngineRegistry(bind)
        session.info["engines"] = registry
    return registry


_orphans: dict[str, EngineRegistry] = {}
_orphans_lock = threading.Lock()


class EngineRegistry:
    """The engines of one database, fitted once and kept fresh off the request path.

    Parameters
    ----------
    bind : sqlalchemy Engine
        The database the engines are fitted from (rebuilds open their own
        sessions on it).
    background : bool, default True
        Run full rebuilds on a background thread. False runs them inline
        (tools that fit once and exit).
    """

    def __init__(self, bind, *, background: bool = True):
        self.bind = bind
        self.background = background
        self._state: _State | None = None
        self._sequence = 0
        self._broken_chains: tuple | None = None
        self._lock = threading.RLock()        # first fit and state swaps
        self._catch_up = threading.Lock()     # one reader of other writers' rows at a time
        self._work = threading.Event()        # something for the background thread
        self._want_rebuild = False
        self._want_reconcile = False
        self._reconciled_at = time.monotonic()
        self._worker: threading.Thread | None = None
        self._worker_pid: int | None = None
        self._idle = threading.Event()
        self._idle.set()
        self.failures = 0
        self.last_error: str | None = None
        self.rebuilds = 0

    # -- what services use ---------------------------------------------------
    def graph(self, session: Session) -> nx.DiGraph:
        """The chains as one validated graph."""
        return self._current(session).graph

    def engine(self, session: Session) -> Engine:
        """The matcher and the graph it ranks with."""
        return self._current(session).engine

    def inferrer(self, session: Session) -> NodeInferrer | None:
        """The chain-node inferrer of the current graph (None for an empty graph)."""
        return self._current(session).inferrer

    def stamp(self, session: Session) -> tuple:
        """The tables as the engines last saw them: ``(chains, capabilities, demands, enterprises)``,
        each part moving when rows of that table change (the ranked-results cache keys on it)."""
        return self._current(session).stamp

    @property
    def ready(self) -> bool:
        """Whether engines are fitted (a readiness probe's question)."""
        return self._state is not None

    def load_in_background(self) -> None:
        """Start fitting the engines off the request path when none are fitted and no fit is
        under way (a readiness probe's nudge: a site whose start-up fit failed, with the
        database down, say, becomes ready once the database is back)."""
        if self.ready or not self.background or not self._idle.is_set():
            return
        self.request_rebuild()

    def warm(self) -> None:
        """Fit the engines now if they are not (start-up, before serving)."""
        with self.bind.connect() as conn, Session(bind=conn) as session:
            self._current(session)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until no rebuild is pending or running; False on timeout."""
        return self._idle.wait(timeout)

    def request_rebuild(self) -> None:
        """Rebuild everything from the database off the request path."""
        if not self.background:
            with Session(bind=self.bind) as session:
                self._install(self._build(session))
            return
        self._want_rebuild = True
        self._wake()

    def _request_reconcile(self) -> None:
        """Compare the indexed counts with the tables' off the request path (a posting
        deleted outright changes no update time)."""
        self._reconciled_at = time.monotonic()
        if not self.background:
            return
        self._want_reconcile = True
        self._wake()

    def _wake(self) -> None:
        self._idle.clear()
        self._work.set()
        self._ensure_worker()

    # -- changes made through the services -----------------------------------
    def queue(self, session: Session, kind: str, record_id: str, record: dict | None) -> None:
        """Apply a posting's new state (None: no longer indexed) once ``session`` commits."""
        if not session.info.get("engines_listening"):
            session.info["engines_listening"] = True
            event.listen(session, "after_commit", self._apply_pending)
            event.listen(session, "after_rollback", _forget_pending)
        session.info.setdefault("engines_pending", []).append((kind, record_id, record))

    def _apply_pending(self, session: Session) -> None:
        changes = session.info.pop("engines_pending", None) or []
        state = self._state
        if not changes or state is None:
            return
        engine = state.engine
        if engine.matcher is None or engine.fitted_size < INCREMENTAL_MIN_POSTINGS:
            # Small: a refit is quick at this size and learns the new words.
            try:
                with Session(bind=self.bind) as fresh:
                    self._install(self._build(fresh))
            except Exception:
                log.exception("refitting the matching engine failed; a rebuild is scheduled")
                self.request_rebuild()
            return
        try:
            patched = self._patch(engine, changes)
        except Exception:  # the data is committed: never fail the request for the index
            log.exception("patching the matching engine failed; a rebuild is scheduled")
            patched = False
        if not patched:
            self.request_rebuild()

    # -- the stamp -----------------------------------------------------------
    def _current(self, session: Session) -> _State:
        state = self._state
        if state is None:
            with self._lock:
                if self._state is None:
                    self._install(self._build(session))
                state = self._state
            session.info["engines_checked"] = session.get_transaction()
            return state
        transaction = session.get_transaction()
        if transaction is None or session.info.get("engines_checked") is not transaction:
            # Once per transaction: a page sees one consistent set of engines.
            self._check(session, state)
            session.info["engines_checked"] = session.get_transaction()
            state = self._state
        return state

    def _check(self, session: Session, state: _State) -> None:
        if time.monotonic() - self._reconciled_at > RECONCILE_SECONDS:
            self._request_reconcile()
        stamp = _stamp(session)
        if stamp == state.stamp:
            return
        if stamp[0] != state.chains and stamp[0] != self._broken_chains:
            # The chains changed: the graph is cheap to rebuild and pages must show it
            # now; the matcher follows in the background.
            try:
                G = chaingraph.load_chains(chains_document(session))
            except Exception:
                log.exception("the stored chains do not load; the current graph is kept")
                self._broken_chains = stamp[0]  # not tried again until they change
                G = None
            if G is not None:
                with self._lock:
                    if self._state is state:
                        self._state = _State(G, state.engine, state.inferrer, state.stamp, stamp[0],
                                             state.fitted_chains, state.since, state.sequence)
                self.request_rebuild()
                return
        if not self._catch_up.acquire(blocking=False):
            return  # another request is reading the same changes
        try:
            self._read_back(session, state, stamp)
        except Exception:  # pages keep the engines they have; a rebuild catches up
            log.exception("reading back changed postings failed; a rebuild is scheduled")
            state.stamp = stamp
            self.request_rebuild()
        finally:
            self._catch_up.release()

    def _read_back(self, session: Session, state: _State, stamp: tuple) -> None:
        """Apply rows other writers changed since ``state.since``."""
        engine = state.engine
        if engine.matcher is None or state.since is None:
            self.request_rebuild()
            state.stamp = stamp
            return
        since = state.since - CLOCK_SLACK
        changed_enterprises = select(Enterprise.id).where(Enterprise.updated_at >= since)
        # The few changed enterprises are listed first: "updated_at >= since OR enterprise_id IN (list)"
        # reads two indexes, where the same test against a subquery reads the whole table on
        # PostgreSQL (a tenth of a second at 300,000 postings, on every read-back of every worker).
        listed = session.scalars(changed_enterprises.limit(MAX_LISTED_ENTERPRISES + 1)).all()
        if len(listed) <= MAX_LISTED_ENTERPRISES:
            changed_enterprises = listed
        touched = {model: (model.updated_at >= since) | model.enterprise_id.in_(changed_enterprises)
                   if listed else model.updated_at >= since
                   for model in (Capability, Demand)}
        # Count before loading: a bulk import may have changed far more rows than a page should wait for.
        new = sum(session.scalar(select(func.count()).select_from(model)
                                 .where(where, model.updated_at > state.since)) or 0
                  for model, where in touched.items())
        if new > MAX_INLINE_READ_BACK:
            latest = [session.scalar(select(func.max(model.updated_at)).where(where))
                      for model, where in touched.items()]
            state.stamp = stamp
            state.since = max([state.since] + [_aware(t) for t in latest if t is not None])
            self.request_rebuild()
            return
        # Rows of the slack window read back before and unchanged since are not read nor applied again:
        # on a busy site the window holds a minute of other writers' changes, every worker reads back
        # on each of them, and patching the matcher is the costly part.
        versions = {(kind, row_id): (at, enterprise_at)
                    for kind, model in (("capability", Capability), ("demand", Demand))
                    for row_id, at, enterprise_at in session.execute(
                        select(model.id, model.updated_at, Enterprise.updated_at).join(model.enterprise)
                        .where(touched[model]))}
        fresh = {kind: [row_id for (k, row_id), version in versions.items()
                        if k == kind and state.applied.get((k, row_id)) != version]
                 for kind in ("capability", "demand")}
        capabilities = session.scalars(
            select(Capability).where(Capability.id.in_(fresh["capability"]))
            .options(selectinload(Capability.enterprise).selectinload(Enterprise.qualifications))).all() \
            if fresh["capability"] else []
        demands = session.scalars(
            select(Demand).where(Demand.id.in_(fresh["demand"])).options(selectinload(Demand.enterprise))).all() \
            if fresh["demand"] else []
        changes = [("capability", str(c.id), capability_record(c) if c.active else None) for c in capabilities]
        changes += [("demand", str(d.id), demand_record(d) if d.status == "published" else None) for d in demands]
        # rows of the slack window changed again (their enterprise, say) are applied, not counted
        new = sum(1 for r in (*capabilities, *demands) if _aware(r.updated_at) > state.since)
        ok = self._patch(engine, changes, counted=new) if changes else True
        if changes and engine.fitted_size < INCREMENTAL_MIN_POSTINGS:
            ok = False  # small: a refit (in the background) learns the new words
        state.stamp = stamp
        state.since = max([state.since] + [_aware(r.updated_at) for r in (*capabilities, *demands)])
        state.applied = versions if ok else {}
        if not ok:
            self.request_rebuild()

    def _patch(self, engine: Engine, changes: list, counted: int | None = None) -> bool:
        """Apply ``changes`` (``counted`` of them new since fitting, default all); False
        when they call for a rebuild instead."""
        counted = len(changes) if counted is None else counted
        with engine.lock:
            if engine.matcher is None:
                return False
            if engine.changes + counted > MAX_INCREMENTAL_SHARE * max(engine.fitted_size, 1):
                return False
            try:
                for kind, record_id, record in changes:
                    _patch_one(engine, kind, record_id, record)
            except Exception:  # whatever the cause, a rebuild from the tables repairs it
                log.exception("patching the matching engine failed; a rebuild is scheduled")
                return False
            engine.changes += counted
        return True

    # -- fitting -------------------------------------------------------------
    def _build(self, session: Session) -> _State:
        started = time.perf_counter()
        with self._lock:
            self._sequence += 1
            sequence = self._sequence
        stamp = _stamp(session)
        previous = self._state
        same_chains = previous is not None and previous.chains == stamp[0]
        G = previous.graph if same_chains else chaingraph.load_chains(chains_document(session))
        capabilities = session.scalars(
            select(Capability).where(Capability.active)
            .options(selectinload(Capability.enterprise).selectinload(Enterprise.qualifications))
            .order_by(Capability.id)).all()
        demands = session.scalars(
            select(Demand).where(Demand.status == "published")
            .options(selectinload(Demand.enterprise)).order_by(Demand.id)).all()
        if capabilities:
            matcher = Matcher().fit([capability_record(c) for c in capabilities], G,
                                    demands=[demand_record(d) for d in demands] if demands else None)
            engine = Engine(matcher, G, len(capabilities) + len(demands), bool(demands))
        else:
            engine = Engine(None, G, 0, False)
        if same_chains and previous.fitted_chains == stamp[0]:
            inferrer = previous.inferrer
        else:
            inferrer = NodeInferrer(G).fit() if G.number_of_nodes() else None
        since = max((_aware(r.updated_at) for r in (*capabilities, *demands)), default=None)
        log.info("matching engine fitted: %d capabilities, %d demands in %.2f s",
                 len(capabilities), len(demands), time.perf_counter() - started)
        return _State(G, engine, inferrer, stamp, stamp[0], stamp[0], since or _EPOCH, sequence)

    def _install(self, state: _State) -> None:
        with self._lock:
            if self._state is not None and self._state.sequence > state.sequence:
                return  # a fit that started later is already serving
            self._state = state
            self.rebuilds += 1

    # -- the background worker -----------------------------------------------
    def _ensure_worker(self) -> None:
        with self._lock:
            alive = self._worker is not None and self._worker.is_alive() and self._worker_pid == os.getpid()
            if not alive:  # none yet, or this is a forked child: threads do not survive a fork
                self._worker = threading.Thread(target=self._run, name="matching-engine-rebuild", daemon=True)
                self._worker_pid = os.getpid()
                self._worker.start()

    def _run(self) -> None:
        while True:
            if not self._work.wait(timeout=IDLE_THREAD_SECONDS):
                with self._lock:  # idle: end the thread (the next request for work starts another)
                    if not self._work.is_set():
                        self._worker = None
                        return
                continue
            self._work.clear()
            rebuild, self._want_rebuild = self._want_rebuild, False
            reconcile, self._want_reconcile = self._want_reconcile, False
            try:
                if reconcile and not rebuild:
                    rebuild = not self._counts_agree()
                if rebuild:
                    with Session(bind=self.bind) as session:
                        state = self._build(session)
                    self._install(state)
                self.failures, self.last_error = 0, None
            except Exception as exc:  # keep serving the old engines; try again later
                self.failures += 1
                self.last_error = f"{type(exc).__name__}: {exc}"
                delay = RETRY_DELAYS[min(self.failures, len(RETRY_DELAYS)) - 1]
                log.exception("rebuilding the matching engine failed (%d in a row); retrying in %d s",
                              self.failures, delay)
                self._want_rebuild = self._want_rebuild or rebuild
                self._want_reconcile = self._want_reconcile or reconcile
                self._work.wait(timeout=delay)  # new work cuts the wait short
                self._work.set()
                continue
            if not self._work.is_set():
                self._idle.set()

    def _counts_agree(self) -> bool:
        """Whether the engine indexes as many postings as the tables hold."""
        with Session(bind=self.bind) as session:
            counts = _counts(session)
        state = self._state
        if state is None:
            return True
        engine = state.engine
        if engine.matcher is None:
            return counts[0] == 0  # demands alone are not indexed
        with engine.lock:
            matcher = engine.matcher
            indexed = (int(matcher.capabilities_.index.alive.sum()),
                       int(matcher.demands_.index.alive.sum()) if matcher.demands_ is not None else 0)
        return indexed == counts


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes for timezone-aware columns (stored as UTC).
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _forget_pending(session: Session) -> None:
    session.info.pop("engines_pending", None)


def _stamp(session: Session) -> tuple:
    """One cheap query (indexed maxima): what moves when chains, postings or enterprises change."""
    def latest(model):
        return select(func.max(model.updated_at)).scalar_subquery()
    row = session.execute(select(
        select(func.count(ChainGraph.id)).scalar_subquery(),
        select(func.coalesce(func.sum(ChainGraph.version), 0)).scalar_subquery(),
        latest(ChainGraph), latest(Capability), latest(Demand), latest(Enterprise),
    )).one()
    return ((row[0], int(row[1]), str(row[2])), str(row[3]), str(row[4]), str(row[5]))


def _counts(session: Session) -> tuple[int, int]:
    """Active capabilities and published demands (a full count: checked off the request path)."""
    row = session.execute(select(
        select(func.count(Capability.id)).where(Capability.active).scalar_subquery(),
        select(func.count(Demand.id)).where(Demand.status == "published").scalar_subquery(),
    )).one()
    return int(row[0]), int(row[1])


def _patch_one(engine: Engine, kind: str, record_id: str, record: dict | None) -> None:
    if kind == "demand" and not engine.has_demands:
        raise MatchingError("no demand side to patch")
    if record is None:
        try:
            engine.matcher.remove(record_id, kind=kind)
        except UnknownRecordError:
            pass
        return
    try:
        engine.matcher.update(record, kind=kind)
    except UnknownRecordError:
        engine.matcher.add(record, kind=kind)
