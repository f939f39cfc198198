"""Fixtures shared by every test layer."""
from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"


def services_required() -> bool:
    return os.environ.get("MATCHMAKER_REQUIRE_SERVICES") == "1"


def need_service(reason: str):
    """Skip for want of an outside part, or fail when CI demands every service."""
    if services_required():
        pytest.fail(f"required service missing: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def _matching_kernels_ready():
    """Compile the matching engine's kernels once (a fresh checkout takes some seconds),
    so that no single test, nor a page a browser test waits for, pays for it."""
    from matchmaker.matching import kernels

    kernels.warm_up()


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(autouse=True)
def _signal_handlers_restored():
    """A test that runs an RQ worker in this process leaves RQ's SIGINT/SIGTERM handlers behind (a warm
    shutdown that returns): put back what was there, so Ctrl+C, a time limit and later tests behave."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        if signal.getsignal(sig) is not handler:
            signal.signal(sig, handler)
