"""Ranked results kept for a short while: ids and scores per viewer and query, never pages.

Ranking the market for a viewer is the costly part of 我的商机, of a buyer's
suggested suppliers (page, API, workbench) — tens to hundreds of milliseconds at
a few hundred thousand postings — and the same viewer asks the same question
again and again (next page, back, a reload, the workbench after the page). What
is kept is what the engine answered: posting ids, scores and the organisation
each belongs to, and the reasons of a page once it was explained. Rows are read
from the database and pages rendered on every view, so names, statuses and
everything else shown are current.

What may be stale, and for how long
    * **The viewer's own postings: never.** A key holds the records the
      engine ranked for (the viewer's demand, or all of the SME's active
      capabilities, as :mod:`.records` builds them, so with the verified
      qualifications that count) and their ``updated_at`` and number: editing,
      adding, withdrawing a posting or a qualification being verified makes
      another key, and the next view ranks afresh. The filters of the page,
      the day (deadlines) and the ranking depth are part of the key too.
    * **What changes seldom: never.** A key also holds the engines' stamps
      (:meth:`.engines.EngineRegistry.stamp`) of the chains and of the
      enterprises and, for 我的商机, of the demands: a demand published, edited
      or closed, a chain edited or a supplier's qualification verified is seen
      on the next view.
    * **Other organisations' capabilities, in a buyer's suggested suppliers: up
      to :data:`DEFAULT_SECONDS`** (the ``RANKED_CACHE_SECONDS`` setting; 0 turns
      the cache off); so are demands deleted outright (no stamp moves) on
      我的商机. SMEs edit capabilities all day, so their stamp would empty the
      cache every few seconds on a busy site. A capability published, edited or
      withdrawn meanwhile may be missing from, or still ranked in, a buyer's
      suggestions for that long. That is acceptable because suggestions are a
      starting point, not a listing: the capability is findable in search and
      listings at once, and a minute is short next to how long a demand stays
      open (weeks). Rows on the page are read anew (names and
      qualifications are current), and a capability no longer active or a
      demand no longer published is left out rather than shown.

The home page's platform counts are kept here too, for
:data:`~.postings.overview.COUNTS_SECONDS` (four counts over whole tables).

Where
    In Redis when the site sets ``REDIS_URL`` (shared by the gunicorn workers,
    under keys that name the database, expiring on their own), else in the
    process (bounded, least recently used first). A Redis that does not answer
    is left alone for :data:`REDIS_RETRY_SECONDS` while the process keeps its
    own entries: a page never fails or waits for the cache.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from typing import Any

from sqlalchemy.orm import Session

from ..redis_client import connect as redis_connect
from ..redis_client import errors as redis_errors

__all__ = ["DEFAULT_SECONDS", "RankedCache", "cache_of", "digest", "init_app"]

log = logging.getLogger(__name__)

#: How long a ranking may be served for the rest of the market (seconds).
DEFAULT_SECONDS = 60.0
#: Entries a process keeps without Redis.
MAX_ENTRIES = 2048
#: Large entries (lists of tens of thousands of ids) a process keeps, in the process only.
MAX_LARGE_ENTRIES = 8
#: After a Redis error, the process keeps to its own entries this long.
REDIS_RETRY_SECONDS = 30.0
#: Redis answers a page waits for at most (seconds).
REDIS_TIMEOUT = 0.25
_PREFIX = "matchmaker:ranked:"


def _default(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return str(value)


def digest(*parts) -> str:
    """A short stable hash of JSON-able ``parts`` (records, stamps, filters)."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=_default, separators=(",", ":"))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class RankedCache:
    """Values (JSON-able) under string keys for ``seconds``; Redis at ``redis_url`` or this process.

    Parameters
    ----------
    seconds : float
        How long an entry is served; 0 or less keeps nothing.
    redis_url : str or None
        Share the entries through this Redis (they expire there on their own).
    namespace : str
        Prefix that keeps two sites (databases) on one Redis apart.
    max_entries : int
        Entries kept in the process (least recently used dropped first).
    """

    def __init__(self, seconds: float = DEFAULT_SECONDS, redis_url: str | None = None, namespace: str = "",
                 max_entries: int = MAX_ENTRIES):
        self.seconds = float(seconds)
        self.redis_url = redis_url
        self.namespace = namespace
        self.max_entries = max_entries
        self._local: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._large: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._redis = None
        self._redis_down_until = 0.0
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.seconds > 0

    def key(self, kind: str, *parts) -> str:
        """The key of ``kind`` (suppliers, opportunities ...) for ``parts``."""
        return f"{_PREFIX}{self.namespace}:{kind}:{digest(*parts)}"

    # -- reading and writing ----------------------------------------------------
    def get(self, key: str, large: bool = False):
        """The value under ``key``, or None (absent, expired, or the cache is off).

        ``large`` entries (see :meth:`put`) are looked up in the process only.
        """
        if not self.enabled:
            return None
        value = None if large else self._redis_get(key)
        if value is None:
            value = self._local_get(self._large if large else self._local, key)
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return value

    def get_many(self, keys: list[str]) -> list:
        """:meth:`get` of each of ``keys`` (one round trip to Redis)."""
        if not self.enabled or not keys:
            return [None] * len(keys)
        values = self._redis_get_many(keys)
        values = [self._local_get(self._local, k) if v is None else v for k, v in zip(keys, values)]
        found = sum(v is not None for v in values)
        self.hits += found
        self.misses += len(keys) - found
        return values

    def put(self, key: str, value, seconds: float | None = None, large: bool = False) -> None:
        """Keep ``value`` (JSON-able) under ``key`` for :attr:`seconds` (or less: ``seconds``).

        A ``large`` value (too big to send to Redis on every view) is kept in the
        process, :data:`MAX_LARGE_ENTRIES` at most.
        """
        if not self.enabled:
            return
        seconds = self.seconds if seconds is None else min(seconds, self.seconds)
        if large or not self._redis_put(key, value, seconds):
            store, bound = (self._large, MAX_LARGE_ENTRIES) if large else (self._local, self.max_entries)
            with self._lock:
                store[key] = (time.monotonic() + seconds, value)
                store.move_to_end(key)
                while len(store) > bound:
                    store.popitem(last=False)

    def clear(self) -> None:
        """Forget every entry of this process (Redis entries expire on their own)."""
        with self._lock:
            self._local.clear()
            self._large.clear()

    # -- in the process -----------------------------------------------------------
    def _local_get(self, store: OrderedDict, key: str):
        with self._lock:
            entry = store.get(key)
            if entry is None:
                return None
            if entry[0] <= time.monotonic():
                del store[key]
                return None
            store.move_to_end(key)
            return entry[1]

    # -- in Redis -----------------------------------------------------------------
    def _client(self):
        if not self.redis_url or time.monotonic() < self._redis_down_until:
            return None
        if self._redis is None:
            try:
                self._redis = redis_connect(self.redis_url, timeout=REDIS_TIMEOUT)
            except ImportError:  # the redis extra is not installed: this process keeps the entries
                self.redis_url = None
                return None
        return self._redis

    def _failed(self, exc: BaseException) -> None:
        log.warning("the ranked-results cache cannot use Redis (%s); this process keeps its own entries "
                    "for %d s", exc, REDIS_RETRY_SECONDS)
        self._redis_down_until = time.monotonic() + REDIS_RETRY_SECONDS

    def _redis_get(self, key: str):
        client = self._client()
        if client is None:
            return None
        try:
            raw = client.get(key)
        except redis_errors() as exc:
            self._failed(exc)
            return None
        return None if raw is None else json.loads(raw)

    def _redis_get_many(self, keys: list[str]) -> list:
        client = self._client()
        if client is None:
            return [None] * len(keys)
        try:
            raws = client.mget(keys)
        except redis_errors() as exc:
            self._failed(exc)
            return [None] * len(keys)
        return [None if raw is None else json.loads(raw) for raw in raws]

    def _redis_put(self, key: str, value, seconds: float) -> bool:
        client = self._client()
        if client is None:
            return False
        try:
            client.set(key, json.dumps(value, separators=(",", ":")), px=max(1, int(seconds * 1000)))
        except redis_errors() as exc:
            self._failed(exc)
            return False
        return True


def _namespace(bind) -> str:
    url = getattr(bind, "url", None)
    text = url.render_as_string(hide_password=True) if url is not None else repr(bind)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=6).hexdigest()


def init_app(app) -> RankedCache:
    """Give the application's sessions a cache (``session.info["ranked_cache"]``).

    ``RANKED_CACHE_SECONDS`` (default :data:`DEFAULT_SECONDS`) is how long a
    ranking may be served; ``REDIS_URL`` shares the entries between processes.
    """
    bind = app.extensions["sqlalchemy_engine"]
    cache = RankedCache(app.config.get("RANKED_CACHE_SECONDS", DEFAULT_SECONDS), app.config.get("REDIS_URL"),
                        namespace=_namespace(bind))
    app.extensions["matchmaker.ranked_cache"] = cache
    maker = app.extensions["sqlalchemy_sessionmaker"]
    maker.configure(info={**(maker.kw.get("info") or {}), "ranked_cache": cache})
    return cache


_orphans: dict[str, RankedCache] = {}
_orphans_lock = threading.Lock()


def cache_of(session: Session) -> RankedCache:
    """The cache of the application that made ``session`` (one per database for other sessions)."""
    cache = session.info.get("ranked_cache")
    if cache is None:
        namespace = _namespace(session.get_bind())
        with _orphans_lock:
            cache = _orphans.setdefault(namespace, RankedCache(namespace=namespace))
        session.info["ranked_cache"] = cache
    return cache
