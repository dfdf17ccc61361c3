"""Fixtures built ahead, in the background.

A build is a few seconds on one core; the browser tests leave a share of the
two cores idle while they wait for pages. A fixture marked @early starts
when the session starts, in one background thread, and the test that needs
it finds it done or waits for the rest. (Measured: lowering the builds'
priority gained nothing, and would starve them on a machine kept busy by
other work.) If nothing started it, the fixture runs when first asked for.
"""

from __future__ import annotations

import inspect
from concurrent.futures import ThreadPoolExecutor

import pytest

_JOBS: dict[str, tuple] = {}  # name -> (function, future or None)
_FIRST: list[str] = []  # made before the others


def early(function=None, *, first: bool = False):
    """A session-scoped fixture from `function`, started in the background at
    the beginning of the session. Its parameters are `tmp_path_factory` and
    other @early fixtures (made first, in the same queue). `first`: ahead of
    the others (what the first tests need)."""
    if function is None:
        return lambda f: early(f, first=first)
    name = function.__name__
    if first:
        _FIRST.append(name)
    _JOBS[name] = (function, None)

    def fixture(request):
        function_, future = _JOBS[name]
        if future is None:  # nothing started it: made here, its inputs too
            return function_(**{p: request.getfixturevalue(p) for p in _params(function_)})
        return future.result()

    fixture.__name__ = name
    fixture.__doc__ = function.__doc__
    return pytest.fixture(scope="session", name=name)(fixture)


def _params(function) -> list[str]:
    return list(inspect.signature(function).parameters)


def _in_background(name, tmp_path_factory):
    function, _ = _JOBS[name]
    arguments = {p: tmp_path_factory if p == "tmp_path_factory" else _JOBS[p][1].result() for p in _params(function)}
    return function(**arguments)


def start(session) -> ThreadPoolExecutor | None:
    """Start every @early fixture that a selected test uses (and those it
    needs first), in the order the tests will ask for them, one at a time."""
    wanted: list[str] = []

    def want(name):
        if name in wanted:
            return
        for param in _params(_JOBS[name][0]):
            if param in _JOBS:
                want(param)
        wanted.append(name)

    used = [name for item in session.items for name in getattr(item, "fixturenames", ()) if name in _JOBS]
    for name in [n for n in _FIRST if n in used] + used:
        want(name)
    if not wanted:
        return None
    pool = ThreadPoolExecutor(1, thread_name_prefix="early")
    factory = session.config._tmp_path_factory
    for name in wanted:  # a job's inputs are submitted (and stored) before it
        _JOBS[name] = (_JOBS[name][0], pool.submit(_in_background, name, factory))
    return pool
