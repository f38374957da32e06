"""load.py's second process: a cold load of a large company parses its last period files in a forked
worker. What it sends back is the very data, marks and problems a load in one process makes, it is
never taken for a file whose bytes changed after it parsed them, and a worker that fails costs time,
not data. The example company is small: the tests lower the threshold so that it is parsed in two."""

from __future__ import annotations

import os
import shutil
import signal
import threading
from pathlib import Path

import pytest

from generator import load, workers
from generator.load import LocDict, LocList, load_goals

EXAMPLE = Path(__file__).resolve().parents[2] / "goals"


def located(value):
    """A value with every mark of its mappings and lists in it, for comparing two loads in full."""
    if isinstance(value, LocDict):
        return ("map", value.mark, [(k, value.key_mark(k), value.value_mark(k), located(v)) for k, v in value.items()])
    if isinstance(value, LocList):
        return ("list", value.mark, list(value.item_marks), [located(v) for v in value])
    return (type(value).__name__, value)


def everything(goals: load.Goals) -> list:
    return [(s.path, s.kind, s.period, s.unit, s.digest, located(s.data)) for s in goals.sources()] + [[p.as_dict() for p in goals.problems]]


@pytest.fixture
def company(tmp_path, monkeypatch):
    """A copy of the example company whose last period file (the worker's) is broken YAML, loaded cold."""
    goals = tmp_path / "goals"
    shutil.copytree(EXAMPLE, goals)
    last = sorted((goals / "2026-Q4").glob("*.yaml"))[-1]
    last.write_text(last.read_text(encoding="utf-8") + "  - [unclosed\n", encoding="utf-8")
    monkeypatch.setattr(load, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setenv("GOALSITE_JOBS", "2")
    # Earlier tests of the suite may leave threads behind (timers, browsers), and worker_count() forks no
    # worker then: these tests are about the worker. The last one checks that guard with a thread of its own.
    monkeypatch.setattr(load, "worker_count", lambda: int(os.environ["GOALSITE_JOBS"]))
    return goals


def cold_load(goals, monkeypatch, jobs: str) -> load.Goals:
    monkeypatch.setattr(load, "_MEMO", load._Memo())  # nothing read before: a cold load
    monkeypatch.setenv("GOALSITE_JOBS", jobs)
    return load_goals(goals)


def test_two_processes_load_what_one_loads(company, monkeypatch):
    one = cold_load(company, monkeypatch, "1")
    assert load.files_prefetched == 0
    two = cold_load(company, monkeypatch, "2")
    files = sum(len(units) for units in two.periods.values())
    assert 0 < load.files_prefetched < files, "the worker parsed some of the period files, not all"
    assert everything(two) == everything(one)
    assert any(p.code == "load.yaml-syntax" and p.is_error for p in two.problems)


def test_a_file_changed_after_the_worker_parsed_it_is_parsed_again(company, monkeypatch):
    # The worker edits the last file of the load once it has parsed it: by the time this process reads
    # that file, it has had the worker's results for an earlier one, so the edit is on disk.
    last = sorted((company / "2026-Q4").glob("*.yaml"))[-1]
    last.write_text(last.read_text(encoding="utf-8").replace("  - [unclosed\n", ""), encoding="utf-8")
    real = load._parse_share

    def parse_then_edit(share):
        out = real(share)
        assert share[0][0] == last and len(share) > 1
        last.write_text(last.read_text(encoding="utf-8").replace("title: ", "title: Edited ", 1), encoding="utf-8")
        return out

    monkeypatch.setattr(load, "_parse_share", parse_then_edit)
    goals = cold_load(company, monkeypatch, "2")
    shared = load.files_prefetched
    source = goals.periods["2026-Q4"][last.stem]
    assert "title: Edited " in last.read_text(encoding="utf-8")
    titles = [o["title"] for o in source.data["objectives"]]
    assert titles[0].startswith("Edited "), "the file as it is now, not as the worker read it"
    monkeypatch.setattr(load, "_parse_share", real)
    assert everything(goals) == everything(cold_load(company, monkeypatch, "1"))
    assert shared > 0


@pytest.mark.parametrize("how", ["killed", "raises"])
def test_a_worker_that_fails_costs_time_not_data(company, monkeypatch, caplog, how):
    one = cold_load(company, monkeypatch, "1")
    parent = os.getpid()

    def failing(share):
        assert os.getpid() != parent
        if how == "killed":
            os.kill(os.getpid(), signal.SIGKILL)
        raise MemoryError("the worker ran out of memory")

    monkeypatch.setattr(load, "_parse_share", failing)
    with caplog.at_level("WARNING"):
        two = cold_load(company, monkeypatch, "2")
    assert load.files_prefetched == 0
    assert everything(two) == everything(one)
    said = {"killed": "a worker parsing goal files stopped (signal 9)",
            "raises": "MemoryError: the worker ran out of memory"}[how]
    assert said in caplog.text and "parsing its files here" in caplog.text


def test_no_worker_for_a_warm_load_a_small_company_or_a_threaded_process(company, monkeypatch):
    cold_load(company, monkeypatch, "2")
    assert load.files_prefetched > 0
    (company / "2026-Q4" / "analytics.yaml").write_text("objectives: []\n", encoding="utf-8")
    load_goals(company)  # the memo has the other files: no worker for one file
    assert load.files_prefetched == 0 and load.files_read >= 1

    monkeypatch.setattr(load, "PARALLEL_MIN_BYTES", 10 ** 9)
    cold_load(company, monkeypatch, "2")
    assert load.files_prefetched == 0

    monkeypatch.setattr(load, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(load, "worker_count", workers.worker_count)  # the real guard
    stop = threading.Event()
    server = threading.Thread(target=stop.wait)  # as `goalsite serve`'s server thread
    server.start()
    try:
        assert workers.worker_count() == 1
        cold_load(company, monkeypatch, "2")
        assert load.files_prefetched == 0
    finally:
        stop.set()
        server.join()


def test_a_worker_that_cannot_start_leaves_the_load_to_this_process(company, monkeypatch, caplog):
    import errno

    one = cold_load(company, monkeypatch, "1")

    def no_fork():  # what fork() raises when the machine is out of memory or processes (root knows no RLIMIT_NPROC)
        raise OSError(errno.EAGAIN, os.strerror(errno.EAGAIN))

    monkeypatch.setattr(os, "fork", no_fork)
    with caplog.at_level("WARNING"):
        two = cold_load(company, monkeypatch, "2")
    assert load.files_prefetched == 0
    assert everything(two) == everything(one)
    assert "a worker parsing goal files could not start" in caplog.text
