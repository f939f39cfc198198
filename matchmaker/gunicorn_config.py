"""Gunicorn settings for Matchmaker: ``gunicorn -c python:matchmaker.gunicorn_config matchmaker.wsgi:app``.

``preload_app`` builds the application, loads the matching kernels and fits the
engines once in the master process (see :mod:`matchmaker.wsgi`); workers fork
with all of it in memory, shared copy-on-write, so no worker compiles or fits
anything before answering. Each worker then gets its own database connections
(:func:`post_fork`) and keeps its engines fresh on its own background thread.

Environment
    ``MATCHMAKER_BIND`` (default ``127.0.0.1:8000``), ``MATCHMAKER_WORKERS``
    (default 2 × cores + 1), ``MATCHMAKER_THREADS`` (default 4),
    ``MATCHMAKER_TIMEOUT`` (seconds, default 30), ``MATCHMAKER_KEEPALIVE``
    (seconds a connection stays open between requests, default 5; ``0`` closes it
    after each answer, which keeps the workers evenly loaded behind a proxy: see
    docs/deploy.md), ``MATCHMAKER_WORKER_CLASS`` (default ``gthread``; ``sync``
    workers have one thread each, ``MATCHMAKER_THREADS`` then does not apply),
    ``MATCHMAKER_PRELOAD`` (``0`` turns the preloading off), ``MATCHMAKER_ACCESS_LOG`` (a file, or
    ``-`` for standard output; default none), ``MATCHMAKER_CONTROL_SOCKET``
    (gunicorn's control socket, when several servers run under one user).
"""
from __future__ import annotations

import os
import sys

bind = os.environ.get("MATCHMAKER_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("MATCHMAKER_WORKERS") or 2 * (os.cpu_count() or 1) + 1)
worker_class = os.environ.get("MATCHMAKER_WORKER_CLASS", "gthread")
# gunicorn runs gthread whenever threads > 1, whatever the class says: a sync worker has one.
threads = 1 if worker_class == "sync" else int(os.environ.get("MATCHMAKER_THREADS", "4"))
timeout = int(os.environ.get("MATCHMAKER_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = int(os.environ.get("MATCHMAKER_KEEPALIVE", "5"))
preload_app = os.environ.get("MATCHMAKER_PRELOAD", "1") != "0"
accesslog = os.environ.get("MATCHMAKER_ACCESS_LOG") or None
# worker pid (written <1234>), status, seconds taken, method and path

access_log_format = '%(p)s %(s)s %(L)s "%(m)s %(U)s"'
forwarded_allow_ips = os.environ.get("MATCHMAKER_FORWARDED_ALLOW_IPS", "127.0.0.1")
if os.environ.get("MATCHMAKER_CONTROL_SOCKET"):  # one per server when several run under one user
    control_socket = os.environ["MATCHMAKER_CONTROL_SOCKET"]


def post_fork(server, worker):
    """Connections opened in the master are not shared with the workers."""
    wsgi = sys.modules.get("matchmaker.wsgi")
    if wsgi is None:  # not preloaded: the worker builds its own application after this hook
        return
    engine = wsgi.app.extensions.get("sqlalchemy_engine")
    if engine is not None:
        engine.dispose(close=False)
