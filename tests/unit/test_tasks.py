"""speed/tasks.py: tasks run in forked processes, whose results come back pickled through a pipe, and the
serial twin with the same interface."""

from __future__ import annotations

import errno
import multiprocessing
import os
import signal
import threading
from pathlib import Path

import pytest

from generator.speed.tasks import SerialTasks, TaskFailed, Tasks, machine_load, parse_jobs, when_idle


class _DiesWhenSent:
    """Kills the process as pickle reaches it, after megabytes of its result."""

    def __reduce__(self):
        os.kill(os.getpid(), signal.SIGKILL)


def reaped(running) -> bool:
    """The process has exited and was waited for, and the pipe is closed."""
    return running.reader.closed and running.exitcode is not None


def test_a_result_many_times_the_pipe_buffer_comes_back_whole():
    pages = {f"units/team-{i}/index.md": f"# Team {i}\n" + "x" * 50_000 for i in range(200)}  # 10 MB
    assert Tasks(2).start(lambda: pages, "a test worker").result() == pages


def test_a_worker_killed_while_it_encodes_its_result_is_a_failure_not_a_hang():
    running = Tasks(2).start(lambda: ["y" * 5_000_000, _DiesWhenSent()], "a test worker")
    with pytest.raises(TaskFailed, match=r"a test worker stopped \(signal 9\)"):
        running.result()
    assert reaped(running)


def test_a_result_that_cannot_be_pickled_is_a_failure_that_says_why():
    running = Tasks(2).start(lambda: ["z" * 5_000_000, lambda: None], "a test worker")
    with pytest.raises(TaskFailed, match=r"(?s)a test worker failed:.*Can't pickle local object"):
        running.result()


def test_a_task_that_raises_sends_its_traceback():
    def task():
        raise ValueError("no such unit")

    with pytest.raises(TaskFailed, match=r"(?s)a test worker failed:.*ValueError: no such unit"):
        Tasks(2).start(task, "a test worker").result()


def test_stop_kills_and_reaps_a_worker_whose_result_nobody_reads():
    running = Tasks(2).start(lambda: ["w" * 5_000_000], "a test worker")  # blocks on the full pipe
    pid = running.process.pid
    running.stop()
    assert reaped(running) and running.exitcode == -signal.SIGKILL
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_a_worker_that_cannot_start_is_a_failure_not_a_crash(monkeypatch):
    def no_fork():  # what fork() raises when the machine is out of memory or processes
        raise OSError(errno.EAGAIN, os.strerror(errno.EAGAIN))

    monkeypatch.setattr(os, "fork", no_fork)
    with pytest.raises(TaskFailed, match="a test worker could not start: Resource temporarily unavailable"):
        Tasks(2).start(lambda: 1, "a test worker")


def test_share_runs_the_task_in_this_process_and_forked_ones_which_share_a_counter():
    tasks = Tasks(3)
    counter = tasks.counter()

    def task():
        with counter.get_lock():
            counter.value += 1
        return os.getpid()

    pids = tasks.share(task, 3, "a test worker")
    assert pids[0] == os.getpid() and len(set(pids)) == 3
    assert counter.value == 3, "the forked processes added to the same number"


def test_share_fails_as_a_whole_and_leaves_no_process_running():
    parent = os.getpid()

    def task():
        if os.getpid() != parent:
            raise MemoryError("the worker ran out of memory")
        return "here"

    with pytest.raises(TaskFailed, match="MemoryError: the worker ran out of memory"):
        Tasks(3).share(task, 3, "a test worker")
    assert not [c for c in multiprocessing.active_children() if c.name == "a test worker"]


def test_the_serial_twin_runs_everything_here_with_the_same_interface():
    tasks = SerialTasks()
    assert tasks.processes() == 1 and tasks.jobs == 1
    assert tasks.start(os.getpid, "a test worker").result() == os.getpid()
    assert tasks.share(os.getpid, 3, "a test worker") == [os.getpid()]
    counter = tasks.counter()
    with counter.get_lock():
        counter.value += 1
    assert counter.value == 1


def test_failures_are_data_the_shell_logs():
    said = []
    tasks = Tasks(2, warn=said.append)
    tasks.report("goalsite: a worker stopped; doing its work here")
    assert tasks.failures == said == ["goalsite: a worker stopped; doing its work here"]


def test_no_fork_while_other_threads_run():
    stop = threading.Event()
    server = threading.Thread(target=stop.wait)  # as `goalsite serve`'s server thread
    server.start()
    try:
        assert Tasks(3).processes() == 1 and Tasks().processes() == 1
    finally:
        stop.set()
        server.join()


@pytest.mark.parametrize("text, jobs", [("2", 2), (" 4 ", 4), ("1", 1), ("0", None), ("-1", None), ("two", None),
                                        ("", None), (None, None)])
def test_parse_jobs_takes_a_whole_number_above_zero(text, jobs):
    assert parse_jobs(text) == jobs


def test_the_shells_read_goalsite_jobs_and_log_what_failed(tmp_path, monkeypatch, caplog):
    """The core reads no environment: `goalsite` commands and the MkDocs plugin make the runner from
    GOALSITE_JOBS, and a failed task is logged as the plugin's warnings are."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    from generator.commands.options import default_tasks

    root = Path(__file__).resolve().parents[2]
    monkeypatch.setenv("GOALSITE_JOBS", "3")
    assert default_tasks().jobs == 3
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    plugin = config.plugins["goalsite"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795305600")
    with plugin.preset(goals_dir=str(root / "tests" / "fixtures" / "portal_minimal" / "goals")):
        mkdocs_build(config)
    assert plugin.tasks.jobs == 3
    with caplog.at_level("WARNING", logger="mkdocs.plugins.goalsite"):
        default_tasks().report("goalsite: a render worker stopped (signal 9); rendering the pages again in one process")
        plugin.tasks.report("goalsite: a worker parsing goal files stopped (signal 9); parsing its files here")
    assert [r.getMessage() for r in caplog.records if r.name == "mkdocs.plugins.goalsite"] == [
        "goalsite: a render worker stopped (signal 9); rendering the pages again in one process",
        "goalsite: a worker parsing goal files stopped (signal 9); parsing its files here"]
    monkeypatch.setenv("GOALSITE_JOBS", "all")
    assert default_tasks().jobs is None


@pytest.mark.parametrize("jobs, cpus, load, forks", [
    (None, 2, 0.3, True),  # the second CPU idle (this process, just started, counts as one)
    (None, 2, 1.0, True),
    (None, 2, 1.2, False),  # another process keeps it busy
    (None, 2, 6.0, False),
    (None, 8, 6.5, True),
    (None, 1, 0.0, False),  # one CPU: nothing to spare
    (2, 2, 6.0, True),  # GOALSITE_JOBS asked for processes: the shell's word stands
    (1, 2, 0.0, True),  # ... and one process forks nothing anyway (processes() is 1)
])
def test_when_idle_gives_the_runner_only_with_a_cpu_to_spare(jobs, cpus, load, forks):
    tasks = Tasks(jobs)
    assert when_idle(tasks, cpus, load) is (tasks if forks else None)


def test_the_machine_s_load_is_what_runs_now_when_the_last_minute_s_average_lags(tmp_path):
    """A machine whose other work just stopped: the 1-minute average still says busy, /proc/loadavg's
    count of the processes runnable now (this one) says idle. On a system without it, the average."""
    proc = tmp_path / "loadavg"
    proc.write_text("0.00 0.00 0.00 1/140 4242\n", encoding="ascii")

    def busy():  # the machine's load averages: its other work stopped seconds ago
        return (1.9, 1.5, 1.2)

    assert machine_load(str(proc), busy) == 1.0
    assert when_idle(Tasks(), 2, machine_load(str(proc), busy)) is not None
    assert when_idle(Tasks(), 2, busy()[0]) is None  # what the average alone would say
    proc.write_text(f"9.00 9.00 9.00 {10 ** 6}/140 4242\n", encoding="ascii")
    assert machine_load(str(proc), busy) == 1.9, "the average, when it is the lesser"
    average = machine_load(str(proc))
    assert average is not None and average < 10 ** 6
    for unknown in [tmp_path / "none", proc]:
        proc.write_text("garbled\n", encoding="ascii")
        found = machine_load(str(unknown))
        assert found is not None and found < 10 ** 6, "no count of what runs now: the average alone"


def test_when_idle_reads_the_machine_s_load_unless_jobs_were_asked_for():
    tasks = Tasks()
    assert when_idle(tasks) in (tasks, None)  # which depends on this machine's load now
    asked = Tasks(2)
    assert when_idle(asked) is asked


def test_the_commands_load_with_a_runner_when_goalsite_jobs_asks(monkeypatch):
    from generator.commands.options import load_tasks

    monkeypatch.setenv("GOALSITE_JOBS", "2")
    assert load_tasks().jobs == 2
    monkeypatch.setenv("GOALSITE_JOBS", "1")
    assert load_tasks().processes() == 1, "GOALSITE_JOBS=1: the load forks nothing"
