"""A forked worker process: it runs one task and sends the result back, pickled through a pipe.

The load (a large company's period files) and the render (its pages) hand part of their work
to one. Forked, a worker reads the memory of this process as it was when it started, without
copying it; only its result comes back. Never fork while other threads run (worker_count()).
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
import traceback
from typing import Callable


def jobs_asked() -> int | None:
    """The number of processes `GOALSITE_JOBS` asks for (a whole number above 0), else None."""
    wanted = os.environ.get("GOALSITE_JOBS", "").strip()
    return int(wanted) if wanted.isdigit() and int(wanted) > 0 else None


def worker_count() -> int:
    """How many processes may share a piece of CPU work now: `GOALSITE_JOBS`, else up to 2 when two
    CPUs are free; 1 while other threads run (`mkdocs serve`: forking a threaded process is unsafe)."""
    if threading.active_count() > 1 or not hasattr(os, "fork"):
        return 1
    if (asked := jobs_asked()) is not None:
        return asked
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(2, cpus)


class WorkerFailed(Exception):
    """The worker could not start, was killed, or its task raised: the message says which."""


class Worker:
    """`task()` run in a forked process; result() waits for what it returned."""

    def __init__(self, task: Callable[[], object], name: str) -> None:
        self.name = name
        try:
            reader, writer = os.pipe()
        except OSError as e:  # out of file descriptors
            raise WorkerFailed(f"{name} could not start: {e.strerror}") from None
        try:
            pid = os.fork()
        except OSError as e:  # out of memory or of processes
            os.close(reader)
            os.close(writer)
            raise WorkerFailed(f"{name} could not start: {e.strerror}") from None
        if pid:
            os.close(writer)
            self.pid, self.reader = pid, reader
            return
        # The worker. It leaves by os._exit only: no cleanup, no buffers of the parent flushed twice.
        status = 1
        try:
            os.close(reader)
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C stops the parent, which reaps the worker
            try:
                payload = pickle.dumps((True, task()), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:
                payload = pickle.dumps((False, traceback.format_exc()))
            with os.fdopen(writer, "wb") as pipe:
                pipe.write(payload)
            status = 0
        finally:
            os._exit(status)

    def result(self) -> object:
        """What the task returned, once the worker has exited (and is reaped); raises WorkerFailed."""
        with os.fdopen(self.reader, "rb") as pipe:
            payload = pipe.read()
        self.reader = -1
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        try:
            ok, value = pickle.loads(payload)
        except Exception:
            raise WorkerFailed(f"{self.name} stopped ({_exit_text(status)})") from None
        if not ok:
            raise WorkerFailed(f"{self.name} failed:\n{value}")
        return value

    def stop(self) -> None:
        """Kill and reap the worker unless result() did; the pipe is closed either way."""
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
            self.pid = 0
        if self.reader >= 0:
            os.close(self.reader)
            self.reader = -1


def _exit_text(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"
