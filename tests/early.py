"""Fixtures built ahead, in the background.

A build is a few seconds on one core; the browser tests leave a share of the
two cores idle while they wait for pages. A fixture marked @early (one that
needs only `tmp_path_factory`) starts when the session starts, in a
background thread whose builds run at low priority (kb.devtools.BACKGROUND),
and the test that needs it finds it done or waits for the rest. Run alone,
or if nothing started it, the fixture simply runs when first asked for.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from kb import devtools

_JOBS: dict[str, tuple] = {}  # name -> (function, future or None)
_LOCK = threading.Lock()
NICENESS = 10


def early(function):
    """A session-scoped fixture from `function(tmp_path_factory)`, started
    in the background at the beginning of the session."""
    name = function.__name__
    _JOBS[name] = (function, None)

    def fixture(tmp_path_factory):
        with _LOCK:
            function_, future = _JOBS[name]
        if future is None:
            return function_(tmp_path_factory)
        return future.result()

    fixture.__name__ = name
    fixture.__doc__ = function.__doc__
    return pytest.fixture(scope="session", name=name)(fixture)


def _in_background(function, tmp_path_factory):
    devtools.BACKGROUND.niceness = NICENESS
    try:
        return function(tmp_path_factory)
    finally:
        devtools.BACKGROUND.niceness = 0


def start(session) -> ThreadPoolExecutor | None:
    """Start every @early fixture that a selected test uses, in the order the
    tests will ask for them, one at a time."""
    wanted = []
    for item in session.items:
        for name in getattr(item, "fixturenames", ()):
            if name in _JOBS and name not in wanted:
                wanted.append(name)
    if not wanted:
        return None
    pool = ThreadPoolExecutor(1, thread_name_prefix="early")
    factory = session.config._tmp_path_factory
    with _LOCK:
        for name in wanted:
            function, _ = _JOBS[name]
            future: Future = pool.submit(_in_background, function, factory)
            _JOBS[name] = (function, future)
    return pool
