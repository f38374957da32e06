"""workers.Worker: a task run in a forked process, whose result comes back pickled through a pipe."""

from __future__ import annotations

import os
import signal

import pytest

from generator.workers import Worker, WorkerFailed


class _DiesWhenSent:
    """Kills the worker as pickle reaches it, after megabytes of its result."""

    def __reduce__(self):
        os.kill(os.getpid(), signal.SIGKILL)


def test_a_result_many_times_the_pipe_buffer_comes_back_whole():
    pages = {f"units/team-{i}/index.md": f"# Team {i}\n" + "x" * 50_000 for i in range(200)}  # 10 MB
    assert Worker(lambda: pages, "a test worker").result() == pages


def test_a_worker_killed_while_it_encodes_its_result_is_a_failure_not_a_hang():
    worker = Worker(lambda: ["y" * 5_000_000, _DiesWhenSent()], "a test worker")
    with pytest.raises(WorkerFailed, match=r"a test worker stopped \(signal 9\)"):
        worker.result()
    assert worker.pid == 0 and worker.reader == -1  # reaped, pipe closed


def test_a_result_that_cannot_be_pickled_is_a_failure_that_says_why():
    worker = Worker(lambda: ["z" * 5_000_000, lambda: None], "a test worker")
    with pytest.raises(WorkerFailed, match=r"(?s)a test worker failed:.*Can't pickle local object"):
        worker.result()


def test_a_task_that_raises_sends_its_traceback():
    def task():
        raise ValueError("no such unit")

    with pytest.raises(WorkerFailed, match=r"(?s)a test worker failed:.*ValueError: no such unit"):
        Worker(task, "a test worker").result()


def test_stop_kills_and_reaps_a_worker_whose_result_nobody_reads():
    worker = Worker(lambda: ["w" * 5_000_000], "a test worker")  # blocks on the full pipe
    pid = worker.pid
    worker.stop()
    assert worker.pid == 0 and worker.reader == -1
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
