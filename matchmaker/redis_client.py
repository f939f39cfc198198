"""Redis clients that give up quickly: a request must not wait long for a Redis that is down.

Redis and RQ are an optional extra (``matchmaker[redis]``); they are imported
when a client is made.
"""
from __future__ import annotations

__all__ = ["connect", "errors"]


def connect(url: str, timeout: float = 2.0, retries: int = 0):
    """A ``redis.Redis`` for ``url`` whose connects and replies wait at most ``timeout``
    seconds, retried ``retries`` times without delay (redis-py's default backs off for
    seconds, which a page cannot afford)."""
    from redis import Redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout,
                          retry=Retry(NoBackoff(), retries))


def errors() -> tuple[type[BaseException], ...]:
    """The exceptions of a Redis that cannot be used (empty when the client is not installed)."""
    try:
        from redis import RedisError
    except ImportError:
        return ()
    return (RedisError,)
