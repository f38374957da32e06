"""The prefetch (speed/prefetch.py): a cold load of a large company parses its last period files in a
forked process. What it sends back is the very data, marks and problems a load in one process makes,
it is never taken for a file whose bytes changed after it parsed them, and a process that fails costs
time, not data. The example company is small: the tests lower the threshold so that it is parsed in two."""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import signal
import threading
from pathlib import Path

import pytest

from generator.export import export_json
from generator.load import Goals, LocDict, LocList, load_goals
from generator.pipeline import build_portal, render_site
from generator.speed import prefetch
from generator.speed.memo import Memo
from generator.speed.tasks import Tasks

EXAMPLE = Path(__file__).resolve().parents[2] / "goals"


class Forking(Tasks):
    """Tasks(jobs) that forks whatever threads earlier tests of the suite left behind (timers, browsers):
    these tests are about the forked process. The last one checks the guard with a thread of its own."""

    def processes(self) -> int:
        return self.jobs


def located(value):
    """A value with every mark of its mappings and lists in it, for comparing two loads in full."""
    if isinstance(value, LocDict):
        return ("map", value.mark, [(k, value.key_mark(k), value.value_mark(k), located(v)) for k, v in value.items()])
    if isinstance(value, LocList):
        return ("list", value.mark, list(value.item_marks), [located(v) for v in value])
    return (type(value).__name__, value)


def everything(goals: Goals) -> list:
    return [(s.path, s.kind, s.period, s.unit, s.digest, located(s.data)) for s in goals.sources()] + [[p.as_dict() for p in goals.problems]]


@pytest.fixture
def company(tmp_path, monkeypatch):
    """A copy of the example company whose last period file (the forked process's) is broken YAML."""
    goals = tmp_path / "goals"
    shutil.copytree(EXAMPLE, goals)
    last = sorted((goals / "2026-Q4").glob("*.yaml"))[-1]
    last.write_text(last.read_text(encoding="utf-8") + "  - [unclosed\n", encoding="utf-8")
    monkeypatch.setattr(prefetch, "PARALLEL_MIN_BYTES", 0)
    return goals


def cold_load(goals, jobs: int, tasks: Tasks | None = None) -> Goals:
    """A load with nothing read before (no memo): a cold load."""
    return load_goals(goals, tasks=tasks or Forking(jobs))


def test_two_processes_load_what_one_loads(company):
    one = cold_load(company, 1)
    assert one.stats.files_prefetched == 0
    two = cold_load(company, 2)
    files = sum(len(units) for units in two.periods.values())
    assert 0 < two.stats.files_prefetched < files, "the forked process parsed some of the period files, not all"
    assert everything(two) == everything(one)
    assert any(p.code == "load.yaml-syntax" and p.is_error for p in two.problems)


def test_a_prefetched_build_makes_the_portal_and_site_a_serial_one_makes(tmp_path, monkeypatch):
    """build_portal() hands the shell's runner to the load: the Portal it links, its scores, problems and
    every file of the site are those of a build in one process."""
    goals = tmp_path / "goals"
    shutil.copytree(EXAMPLE, goals)
    monkeypatch.setattr(prefetch, "PARALLEL_MIN_BYTES", 0)
    today = dt.date(2026, 11, 25)
    serial = build_portal(goals, today, include_private=True)
    shared = build_portal(goals, today, include_private=True, tasks=Forking(2))
    assert serial.goals.stats.files_prefetched == 0 and shared.goals.stats.files_prefetched > 0
    assert shared.ok and serial.ok
    assert everything(shared.goals) == everything(serial.goals)
    assert [p.as_dict() for p in shared.problems] == [p.as_dict() for p in serial.problems]
    assert export_json(shared) == export_json(serial)
    assert render_site(shared) == render_site(serial)


def test_the_memo_keeps_what_the_prefetch_parsed(company):
    """A cold load with the memo of `goalsite serve` puts every file in it, the prefetched ones too; the
    next load reuses them all and forks nothing."""
    memo = Memo()
    cold = load_goals(company, memo, Forking(2))
    files = len(cold.sources())
    assert cold.stats.files_prefetched > 0
    assert (memo.stats("load").made, memo.stats("load").reused) == (files, 0)
    warm = load_goals(company, memo, Forking(2))
    assert (memo.stats("load").made, memo.stats("load").reused) == (0, files)
    assert warm.stats.files_prefetched == 0
    assert all(warm_source is cold_source for warm_source, cold_source in zip(warm.sources(), cold.sources()))


def test_a_file_changed_after_the_worker_parsed_it_is_parsed_again(company, monkeypatch):
    # The forked process edits the last file of the load once it has parsed it: by the time this process
    # reads that file, it has had the forked process's results for an earlier one, so the edit is on disk.
    last = sorted((company / "2026-Q4").glob("*.yaml"))[-1]
    last.write_text(last.read_text(encoding="utf-8").replace("  - [unclosed\n", ""), encoding="utf-8")
    real = prefetch._parse_share

    def parse_then_edit(share):
        out = real(share)
        assert share[0][0] == last and len(share) > 1
        last.write_text(last.read_text(encoding="utf-8").replace("title: ", "title: Edited ", 1), encoding="utf-8")
        return out

    monkeypatch.setattr(prefetch, "_parse_share", parse_then_edit)
    goals = cold_load(company, 2)
    source = goals.periods["2026-Q4"][last.stem]
    assert "title: Edited " in last.read_text(encoding="utf-8")
    titles = [o["title"] for o in source.data["objectives"]]
    assert titles[0].startswith("Edited "), "the file as it is now, not as the forked process read it"
    monkeypatch.setattr(prefetch, "_parse_share", real)
    assert everything(goals) == everything(cold_load(company, 1))
    assert goals.stats.files_prefetched > 0


@pytest.mark.parametrize("how", ["killed", "raises"])
def test_a_worker_that_fails_costs_time_not_data(company, monkeypatch, how):
    one = cold_load(company, 1)
    parent = os.getpid()

    def failing(share):
        assert os.getpid() != parent
        if how == "killed":
            os.kill(os.getpid(), signal.SIGKILL)
        raise MemoryError("the worker ran out of memory")

    monkeypatch.setattr(prefetch, "_parse_share", failing)
    said = []
    two = cold_load(company, 2, Forking(2, warn=said.append))
    assert two.stats.files_prefetched == 0
    assert everything(two) == everything(one)
    failure = {"killed": "a worker parsing goal files stopped (signal 9)",
               "raises": "MemoryError: the worker ran out of memory"}[how]
    assert len(said) == 1 and failure in said[0] and "parsing its files here" in said[0]


def test_no_worker_for_a_warm_load_a_small_company_or_a_threaded_process(company, monkeypatch):
    memo = Memo()
    assert load_goals(company, memo, Forking(2)).stats.files_prefetched > 0, "cold: the memo holds nothing yet"
    (company / "2026-Q4" / "analytics.yaml").write_text("objectives: []\n", encoding="utf-8")
    warm = load_goals(company, memo, Forking(2))  # the memo has the other files: no worker for one file
    assert warm.stats.files_prefetched == 0 and warm.stats.files_read >= 1

    monkeypatch.setattr(prefetch, "PARALLEL_MIN_BYTES", 10 ** 9)
    assert cold_load(company, 2).stats.files_prefetched == 0
    monkeypatch.setattr(prefetch, "PARALLEL_MIN_BYTES", 0)
    assert load_goals(company).stats.files_prefetched == 0, "no runner: everything in this process"

    stop = threading.Event()
    server = threading.Thread(target=stop.wait)  # as `goalsite serve`'s server thread
    server.start()
    try:
        tasks = Tasks(2)  # the real guard
        assert tasks.processes() == 1
        assert cold_load(company, 2, tasks).stats.files_prefetched == 0
    finally:
        stop.set()
        server.join()


def test_a_worker_that_cannot_start_leaves_the_load_to_this_process(company, monkeypatch):
    one = cold_load(company, 1)

    def no_fork():  # what fork() raises when the machine is out of memory or processes (root knows no RLIMIT_NPROC)
        raise OSError(errno.EAGAIN, os.strerror(errno.EAGAIN))

    monkeypatch.setattr(os, "fork", no_fork)
    said = []
    two = cold_load(company, 2, Forking(2, warn=said.append))
    assert two.stats.files_prefetched == 0
    assert everything(two) == everything(one)
    assert len(said) == 1 and "a worker parsing goal files could not start" in said[0]
