"""The task runner: CPU work shared between this process and forked ones, and its serial twin.

The render of a large company's pages hands part of its work to forked processes (`multiprocessing`
with the fork context). Forked, a process reads the memory of this one as it was when it started,
without copying it: the task is a closure over the portal, never pickled; only its result comes
back, pickled through a pipe.

`Tasks(jobs)` forks; `SerialTasks()`, its twin with the same interface, runs everything in this
process and is what a stage uses when given no runner. `jobs` comes from the configuration of the
shell that makes the runner (`GOALSITE_JOBS`, read by the shells: `parse_jobs()`); the runner
itself reads no environment. Never fork while other threads run (`Tasks.processes()`).

Some work pays in a second process only when a CPU is idle (the load's prefetch: speed/prefetch.py):
the shell gives it the runner through `when_idle()`, which looks at the machine's load as the build
starts (`machine_load()`); the stage itself never does.

A task that fails is data, not a crash: `start()` and `share()` raise `TaskFailed`, the stage then
does the work in this process and says so through `report()`, which the shell's `warn` logs.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import threading
import traceback
from typing import Any, Callable


def parse_jobs(text: str | None) -> int | None:
    """The number of processes a setting such as `GOALSITE_JOBS` asks for (a whole number above 0), else None."""
    wanted = (text or "").strip()
    return int(wanted) if wanted.isdigit() and int(wanted) > 0 else None


def when_idle(tasks: "Tasks", cpus: int | None = None, load: float | None = None) -> "Tasks | None":
    """`tasks` for work that pays only when a CPU has nothing else to do (the load's prefetch), else None.

    `tasks` when its `jobs` were asked for (GOALSITE_JOBS), or when the machine's `load` (machine_load()),
    counted as at least this process, leaves one of its `cpus` (os.cpu_count()) idle; None otherwise,
    and where the load is not known. A process forked onto a busy CPU only makes this one wait for it.
    """
    if tasks.jobs is not None:
        return tasks
    cpus = cpus if cpus is not None else (os.cpu_count() or 1)
    load = load if load is not None else machine_load()
    return tasks if load is not None and cpus - max(load, 1.0) >= 1 else None


def machine_load(proc_loadavg: str = "/proc/loadavg", loadavg=None) -> float | None:
    """How many CPUs the machine's processes keep busy: the lesser of the 1-minute load average
    (`loadavg()`, os.getloadavg() by default) and the processes runnable right now (Linux's
    `proc_loadavg`, this one counted). None where neither is known.

    The average alone lags: for a minute after other work stops (a test run, say) the machine still
    looks busy, and the processes running now say it is not.
    """
    found = []
    try:
        found.append((loadavg or os.getloadavg)()[0])
    except (AttributeError, OSError):  # no load average on this system
        pass
    try:
        with open(proc_loadavg, encoding="ascii") as f:  # "0.52 0.58 0.59 2/140 1234": 2 runnable now
            found.append(float(f.read().split()[3].split("/")[0]))
    except (OSError, ValueError, IndexError):  # not Linux
        pass
    return min(found) if found else None


class TaskFailed(Exception):
    """A forked task could not start, was killed, or raised: the message says which."""


class Tasks:
    """Forks up to `jobs` processes for a piece of work (None: two when two CPUs are free).

    `warn(message)`, when given, is told each failure a stage reports; `failures` keeps them too.
    """

    def __init__(self, jobs: int | None = None, warn: Callable[[str], None] | None = None) -> None:
        self.jobs = jobs
        """The processes asked for; None: as many as are free (up to two)."""
        self.failures: list[str] = []
        self._warn = warn

    def processes(self) -> int:
        """How many processes may share a piece of CPU work now: `jobs`, else up to 2 when two CPUs are
        free; 1 while other threads run (a server's: forking a threaded process is unsafe) or where
        there is no fork."""
        if threading.active_count() > 1 or not hasattr(os, "fork"):
            return 1
        if self.jobs is not None:
            return self.jobs
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        return min(2, cpus)

    def start(self, task: Callable[[], Any], name: str) -> "Running | Done":
        """`task()` started in a forked process named `name`; raises TaskFailed when it cannot start."""
        return Running(task, name)

    def share(self, task: Callable[[], Any], processes: int, name: str) -> list:
        """`task()` run by this process and `processes - 1` forked ones at once; their results, this one's
        first. Raises TaskFailed when a forked one fails; none is left running."""
        running: list[Running | Done] = []
        try:
            for _ in range(processes - 1):
                running.append(self.start(task, name))
            results = [task()]
            while running:
                results.append(running[0].result())
                running.pop(0)
            return results
        finally:
            for worker in running:  # what a failure left running
                worker.stop()

    def counter(self) -> Any:
        """A whole number, with a `get_lock()`, in memory that the processes forked after it share."""
        return _fork().Value("q", 0)

    def report(self, message: str) -> None:
        """A task failed and its work was done again here: keep `message` and pass it to `warn`."""
        self.failures.append(message)
        if self._warn is not None:
            self._warn(message)


class SerialTasks(Tasks):
    """The serial twin of `Tasks`: every task runs in this process, at once.

    What a stage uses when it is given no runner (a one-shot build from a library call, a test).
    """

    def __init__(self, warn: Callable[[str], None] | None = None) -> None:
        super().__init__(1, warn)

    def processes(self) -> int:
        return 1

    def start(self, task: Callable[[], Any], name: str) -> "Done":
        """Run `task()` now; its result is the Done's."""
        return Done(task())

    def share(self, task: Callable[[], Any], processes: int, name: str) -> list:
        """One run of `task()`, here."""
        return [task()]

    def counter(self) -> Any:
        """A plain whole number: one process, nothing to share."""
        return _Counter()


class _Counter:
    """SerialTasks.counter(): one process, nothing to lock."""

    def __init__(self) -> None:
        self.value = 0

    def get_lock(self) -> contextlib.nullcontext:
        return contextlib.nullcontext()


class Done:
    """The result of a task SerialTasks ran at once, with the interface of Running."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def result(self) -> Any:
        return self.value

    def stop(self) -> None:
        """Nothing runs."""


class Running:
    """A task running in a forked process; result() waits for what it returned."""

    def __init__(self, task: Callable[[], Any], name: str) -> None:
        self.name = name
        self.exitcode: int | None = None
        """The process's exit code once it is reaped (-N: killed by signal N)."""
        try:
            self.reader, writer = _fork().Pipe(duplex=False)
        except OSError as e:  # out of file descriptors
            raise TaskFailed(f"{name} could not start: {e.strerror}") from None
        self.process = _fork().Process(target=_run, args=(task, writer), name=name, daemon=True)
        try:
            self.process.start()
        except OSError as e:  # out of memory or of processes
            self.reader.close()
            raise TaskFailed(f"{name} could not start: {e.strerror}") from None
        finally:
            writer.close()  # the child's end: the reader sees the end of the pipe when the child is gone

    def result(self) -> Any:
        """What the task returned, once its process has exited (and is reaped); raises TaskFailed."""
        try:
            payload = self.reader.recv_bytes()
        except (EOFError, OSError):  # it died before it said everything
            payload = b""
        self._reap()
        try:
            ok, value = pickle.loads(payload)
        except Exception:
            raise TaskFailed(f"{self.name} stopped ({_exit_text(self.exitcode)})") from None
        if not ok:
            raise TaskFailed(f"{self.name} failed:\n{value}")
        return value

    def stop(self) -> None:
        """Kill and reap the process unless result() did; the pipe is closed either way."""
        if not self.reader.closed:
            self.process.kill()
            self._reap()

    def _reap(self) -> None:
        self.reader.close()
        self.process.join()
        self.exitcode = self.process.exitcode
        self.process.close()


def _run(task: Callable[[], Any], writer: Any) -> None:
    """In the forked process: send (True, what `task()` returned), or (False, the traceback), pickled."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C stops the parent, which reaps this process
    try:
        payload = pickle.dumps((True, task()), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:
        payload = pickle.dumps((False, traceback.format_exc()))
    try:
        writer.send_bytes(payload)
    except OSError:  # the parent stopped listening (stop()): nobody waits for the result
        pass


def _fork() -> Any:
    """multiprocessing's fork context (imported when first needed: `goalsite --help` forks nothing)."""
    import multiprocessing

    return multiprocessing.get_context("fork")


def _exit_text(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        return f"signal {-exitcode}"
    return f"exit status {exitcode}"
