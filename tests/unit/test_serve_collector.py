"""speed.gc.Collector (of `goalsite serve`): the cycle collector rests through a build and wakes up after it, never during a
build someone waits for."""

from __future__ import annotations

import gc
import threading
import time
import weakref

import pytest

from generator.serve import server as serve
from generator.speed import gc as gc_policy


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the cycle collector frees it


@pytest.fixture
def collector(monkeypatch):
    monkeypatch.setattr(gc_policy, "COLLECT_AFTER", 0.05)
    monkeypatch.setattr(gc_policy, "COLLECT_IDLE", 0.6)
    was = gc.isenabled()
    gc.enable()
    yield gc_policy.Collector()
    for thread in threading.enumerate():  # its timers: none may collect in the next test
        if isinstance(thread, threading.Timer):
            thread.join(5)
    (gc.enable if was else gc.disable)()


def _until(predicate, seconds: float = 5.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


def _garbage() -> weakref.ref:
    node = Node()
    ref = weakref.ref(node)
    del node
    return ref


def test_the_collector_rests_through_a_build_and_after_it_until_the_timer(collector):
    with collector.paused():
        assert not gc.isenabled()
        garbage = _garbage()
    assert not gc.isenabled(), "not woken as the build ends: the browsers are told to reload first"
    assert garbage() is not None
    assert _until(gc.isenabled), "the timer turns the collector back on"
    assert garbage() is None, "and collected what the build left"


def test_a_timer_that_finds_a_build_running_leaves_it_alone(collector):
    with collector.paused():
        pass
    second = threading.Event()
    done = threading.Event()
    garbage = []

    def build():
        with collector.paused():
            garbage.append(_garbage())
            second.set()
            time.sleep(0.3)  # the first build's timer fires meanwhile
            assert not gc.isenabled()
        done.set()

    thread = threading.Thread(target=build)
    thread.start()
    second.wait(5)
    time.sleep(0.15)
    assert not gc.isenabled(), "the first build's timer did not wake the collector in the second build"
    assert garbage[0]() is not None, "nor collect during it"
    thread.join(5)
    assert done.is_set()
    assert _until(gc.isenabled) and garbage[0]() is None, "the second build's timer did"


def test_a_timer_that_finds_the_complete_rebuild_after_a_fast_one_collects_during_it(collector):
    """Nobody waits for that rebuild: collecting then spares the edits saved after it."""
    with collector.paused():  # the fast rebuild
        garbage = _garbage()
    in_follow_up = threading.Event()
    leave = threading.Event()
    seen = []

    def follow_up():
        with collector.paused(follow_up=True):
            in_follow_up.set()
            leave.wait(5)
            seen.append(gc.isenabled())

    thread = threading.Thread(target=follow_up)
    thread.start()
    in_follow_up.wait(5)
    assert _until(lambda: garbage() is None), "the fast rebuild's timer collected during the complete one"
    leave.set()
    thread.join(5)
    assert seen == [False], "and left the collector resting for the rest of that build"


def test_after_the_complete_rebuild_the_collector_waits_until_the_server_is_idle(collector):
    with collector.paused(follow_up=True):
        pass
    garbage = _garbage()
    time.sleep(0.3)  # well past COLLECT_AFTER: an edit saved now is rebuilt at once
    assert not gc.isenabled() and garbage() is not None
    assert _until(lambda: garbage() is None and gc.isenabled()), "collected once idle for COLLECT_IDLE"


def test_a_timer_leaves_the_collecting_to_a_build_that_ended_after_its_own(collector):
    with collector.paused(follow_up=True):  # its timer fires after COLLECT_IDLE (0.6 s)
        pass
    time.sleep(0.4)
    with collector.paused(follow_up=True):  # and this one's 0.6 s after it ended
        pass
    garbage = _garbage()
    time.sleep(0.35)  # past the first timer
    assert garbage() is not None, "the first build's timer collected though a later build ended since"
    assert _until(lambda: garbage() is None)


def test_a_build_that_fails_still_wakes_the_collector(collector):
    with pytest.raises(RuntimeError):
        with collector.paused():
            raise RuntimeError("a failed build")
    assert _until(gc.isenabled)


def test_goal_files_frozen_by_the_first_serve_build_are_still_freed_when_they_change(tmp_path):
    """pipeline.build_portal(freeze_sources=True): the files read are out of the collector's sight, and a
    file's parsed and validated data is still freed once the file changes (it holds no cycle: a frozen
    cycle could never be freed)."""
    import datetime as dt
    import shutil
    from pathlib import Path

    from generator.pipeline import build_portal

    goals = tmp_path / "goals"
    shutil.copytree(Path(__file__).resolve().parents[1] / "fixtures" / "portal_minimal" / "goals", goals)
    today = dt.date(2026, 11, 22)
    try:
        build = build_portal(goals, today, freeze_sources=True)
        assert build.ok and gc.get_freeze_count() > 0
        source = build.goals.periods["2026-Q4"]["sales-emea"]
        assert all(o is not source for o in gc.get_objects()), "frozen: in no generation of the collector"
        old = weakref.ref(source)
        del source, build
        team = goals / "2026-Q4" / "sales-emea.yaml"
        team.write_text(team.read_text().replace("Become the first choice", "Become the clear favourite"))
        for _ in range(2):  # the memo keeps the last load's files for one more load
            build_portal(goals, today)
        gc.collect()  # the portals that referenced it are cycles made after the freeze
        assert old() is None, "a frozen file's data outlived its file: it is part of a cycle"
    finally:
        gc.unfreeze()


def test_after_a_failed_complete_rebuild_the_next_build_is_one_someone_waits_for(tmp_path, monkeypatch):
    """serve's builder, with real MkDocs builds of a real portal: a fast rebuild asks for the complete one
    (a follow-up: the collector collects when idle), that one fails on a broken file, and the build of
    the fix is not a follow-up though the company-wide pages are still behind: its garbage is collected
    COLLECT_AFTER after it, and it asks for no other build."""
    import shutil
    from pathlib import Path

    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException
    from mkdocs.livereload import LiveReloadServer

    from generator.serve.incremental import Incremental

    monkeypatch.setattr(gc_policy, "COLLECT_AFTER", 0.05)
    monkeypatch.setattr(gc_policy, "COLLECT_IDLE", 4.0)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795305600")  # 2026-11-22
    root = Path(__file__).resolve().parents[2]
    goals = tmp_path / "goals"
    shutil.copytree(root / "tests" / "fixtures" / "portal_minimal" / "goals", goals)
    team = goals / "2026-Q4" / "sales-emea.yaml"
    incremental = Incremental()
    incremental.fast_min_chars = 0  # --fast-rebuilds on: every goal edit is a fast rebuild first
    url = "http://127.0.0.1:8000/"

    def get_config():
        return load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(tmp_path / "site"))

    config = get_config()
    config.site_url = url
    builder = serve._Builder(get_config, url, incremental, gc_policy.Collector(), serve._Sources(),
                             options={"goals_dir": str(goals)})
    builder.server = server = LiveReloadServer(builder=builder, host="127.0.0.1", port=8000, root=str(tmp_path))
    was = gc.isenabled()
    try:
        builder(config)
        assert not server._want_rebuild
        team.write_text(team.read_text().replace("Become the first choice", "Become the clear favourite"))
        builder()
        assert incremental.behind and server._want_rebuild, "the fast rebuild asked for the complete one"
        server._want_rebuild = False  # as the server's build loop does before it builds
        team.write_text(team.read_text() + "objectives: [\n")
        with pytest.raises(MkDocsException):
            builder()  # the complete rebuild fails: the file broke in between
        assert incremental.behind and not server._want_rebuild
        team.write_text(team.read_text().replace("objectives: [\n", ""))
        builder()  # the fix, which someone waits for
        assert not incremental.behind and not server._want_rebuild
        assert _until(gc.isenabled, 2.0), "collected as after any build, not once idle for COLLECT_IDLE"
        assert "Become the clear favourite" in (tmp_path / "site" / "periods" / "2026-Q4" / "index.html").read_text()
    finally:
        for thread in threading.enumerate():
            if isinstance(thread, threading.Timer):
                thread.join(10)
        (gc.enable if was else gc.disable)()


def test_only_the_servers_first_build_freezes_the_goal_files(tmp_path, monkeypatch):
    """serve's builder lends the plugin `freeze_sources` for its first build only: what a later build froze
    could never be collected (pipeline.build_portal)."""
    from pathlib import Path

    from mkdocs.config import load_config

    from generator.serve.incremental import Incremental

    monkeypatch.setattr(gc_policy, "COLLECT_AFTER", 0.05)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795305600")  # 2026-11-22
    root = Path(__file__).resolve().parents[2]
    goals = root / "tests" / "fixtures" / "portal_minimal" / "goals"
    url = "http://127.0.0.1:8000/"

    def get_config():
        return load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(tmp_path / "site"))

    builder = serve._Builder(get_config, url, Incremental(), gc_policy.Collector(), serve._Sources(),
                             options={"goals_dir": str(goals)})
    builder.freeze_sources = True
    was = gc.isenabled()
    gc.unfreeze()
    try:
        builder()
        assert gc.get_freeze_count() > 0, "the first build froze the goal files it read"
        gc.unfreeze()
        builder()
        assert gc.get_freeze_count() == 0, "the second did not"
        assert (tmp_path / "site" / "index.html").is_file()
    finally:
        gc.unfreeze()
        for thread in threading.enumerate():
            if isinstance(thread, threading.Timer):
                thread.join(10)
        (gc.enable if was else gc.disable)()
