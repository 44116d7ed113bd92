"""Where parallel work runs: one seam for the dossiers and the PDF briefs.

Work is handed out as picklable tasks to worker processes that keep expensive
state (a Jinja environment, WeasyPrint and its fonts) between tasks. Every
task runs in a worker, never in the calling process, so that a task past its
time limit can be stopped by ending its worker: no co-operation from the task
is needed, and the work may be stuck inside C code.

A time limit counts CPU time, not time on the clock, so that a busy machine
slows a build without failing it: before each task its worker arms a
profiling timer (`setitimer(ITIMER_PROF)`, which counts the CPU time of the
whole process), whose signal ends the worker by its default action, in the
kernel, wherever the task is. The calling process also ends a task after
WALL_CLOCK_FACTOR times its limit on the clock, and never before WALL_CLOCK_MIN,
for work that waits without computing. Where there is no such timer (Windows),
only that backstop applies.

A worker that dies otherwise (killed, out of memory) costs only the task it
was running, which is tried once more in a fresh worker.

The pool is pebble's `ProcessPool`: `concurrent.futures` pools can neither
stop one task nor survive the death of one worker.
"""

from __future__ import annotations

import concurrent.futures as futures
import contextlib
import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, TypeVar

Task = TypeVar("Task")
Result = TypeVar("Result")

log = logging.getLogger("winback")

RETRIES = 1  # a task whose worker died is tried once more, in a fresh worker
WALL_CLOCK_FACTOR = 10  # a task is ended after this many times its CPU limit on the clock,
WALL_CLOCK_MIN = 60.0  # and never sooner than this: a short limit on a loaded machine (a
# load of 10 on 2 cores gives a task a fifth of a core, or less) takes far longer on the clock
# The signal of a worker's CPU timer; none where there is no such timer (Windows).
CPU_TIMER_SIGNAL = getattr(signal, "SIGPROF", None) if hasattr(signal, "setitimer") else None

_state: Any = None  # this process's worker, made by `_start`
_progress: Any = None  # shared with the calling process: where each task got to
_slot = 0  # this worker's current task, its index in `_progress`


@dataclass(frozen=True)
class Failure:
    """Why a task gave no result."""

    kind: str  # timeout | died | unstarted (its worker could not set up) | error
    detail: str  # what happened, for the message
    progress: int  # the last value the task passed to `report_progress`, 0 if none


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_all(tasks: Iterable[Task], make_worker: Callable[..., Any], args: tuple, workers: int,
            time_limit: float | None, on_done: Callable[[Result], None],
            on_failure: Callable[[Task, Failure], Result],
            name_of: Callable[[Task], str] = lambda task: "a task") -> None:
    """Run `make_worker(*args).run(task)` for every task in worker processes, calling
    `on_done` here with each result (or with `on_failure`'s stand-in) as it comes.
    `time_limit` is the CPU time one task may use, in seconds; `name_of` names a task
    for the line that says it is tried again."""
    tasks = list(tasks)
    if not tasks:
        return
    context = _context(make_worker.__module__)
    progress = context.Array("q", len(tasks), lock=False)
    tries = [0] * len(tasks)
    todo = list(range(len(tasks)))
    while todo:
        again: list[int] = []
        with _pool(context, min(max(workers, 1), len(todo)), make_worker, args,
                   progress) as pool:
            running = {pool.schedule(_run, (index, tasks[index], time_limit),
                                     timeout=wall_clock_limit(time_limit)): index
                       for index in todo}
            for future in futures.as_completed(running):
                index = running[future]
                outcome = _outcome(future, time_limit, progress[index])
                if isinstance(outcome, Failure):
                    if outcome.kind == "died" and tries[index] < RETRIES:
                        # said, because a worker killed for memory may well die again
                        log.info("%s: %s; it is tried again in a fresh one",
                                 name_of(tasks[index]), outcome.detail)
                        tries[index] += 1
                        again.append(index)
                        continue
                    outcome = on_failure(tasks[index], outcome)
                on_done(outcome)
        todo = sorted(again)


def wall_clock_limit(time_limit: float | None) -> float | None:
    """How long a task may take on the clock: a backstop far past its CPU limit, so that
    only work that waits (and so uses no CPU) ever meets it."""
    return None if time_limit is None else max(time_limit * WALL_CLOCK_FACTOR, WALL_CLOCK_MIN)


def report_progress(value: int) -> None:
    """Called inside a task: how far it got, told to `on_failure` if it is stopped."""
    if _progress is not None:
        _progress[_slot] = value


def _outcome(future: futures.Future, time_limit: float | None, progress: int) -> Any:
    from pebble import ProcessExpired

    try:
        return future.result()
    except futures.TimeoutError:
        return Failure("timeout", f"took longer than {wall_clock_limit(time_limit):g} s on the "
                       f"clock (its limit is {time_limit:g} s of CPU time) and was stopped",
                       progress)
    except NotStarted as exc:
        return Failure("unstarted", str(exc), progress)
    except (BrokenProcessPool, ProcessExpired) as exc:
        code = getattr(exc, "exitcode", None)
        if CPU_TIMER_SIGNAL is not None and code == -CPU_TIMER_SIGNAL:
            return Failure("timeout", f"used more than {time_limit:g} s of CPU time and was "
                           "stopped", progress)
        how = f" (exit code {code})" if code is not None else ""
        return Failure("died", f"its worker process died{how}", progress)
    except Exception as exc:  # noqa: BLE001 - a task's own failure is its result
        return Failure("error", f"{type(exc).__name__}: {exc}", progress)


def _context(preload: str):
    """Forking copies only the calling thread: a lock held by another thread at that
    moment (serve's server and watcher run in threads) would stay held in the worker for
    ever. A process with threads starts its workers from a fork server instead. Where
    there is no fork (Windows), each worker is started afresh."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    if threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([preload])  # what its workers need, imported once
    return context


@contextlib.contextmanager
def _pool(context, workers: int, make_worker: Callable[..., Any], args: tuple,
          progress) -> Iterator[Any]:
    import pebble  # imported here: a no-op rebuild starts no worker

    pool = pebble.ProcessPool(max_workers=workers, initializer=_start,
                              initargs=(make_worker, args, progress), context=context)
    try:
        yield pool
    except BaseException:
        pool.stop()  # interrupted (Ctrl+C, say): end the workers, do not finish their tasks
        raise
    finally:
        if pool.active:
            pool.close()
        pool.join()


def _start(make_worker: Callable[..., Any], args: tuple, progress: Sequence[int]) -> None:
    global _state, _progress
    _progress = progress
    try:
        _state = make_worker(*args)
    except Exception as exc:  # noqa: BLE001 - reported with each task instead of a traceback
        _state = _Unstarted(exc)


def _run(slot: int, task: Any, time_limit: float | None) -> Any:
    global _slot
    _slot = slot
    with _cpu_limit(time_limit):
        return _state.run(task)


@contextlib.contextmanager
def _cpu_limit(seconds: float | None) -> Iterator[None]:
    """Past `seconds` of CPU time, this worker is ended by the timer's signal. Its default
    action is used, so no Python code has to run for it, even inside C code: the pool
    reads the signal in the worker's exit code."""
    if seconds is None or CPU_TIMER_SIGNAL is None:
        yield
        return
    signal.signal(CPU_TIMER_SIGNAL, signal.SIG_DFL)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)


class NotStarted(RuntimeError):
    """A task was never tried: its worker could not set up (a library it needs is
    missing, say); the message is the cause."""


class _Unstarted:
    """A worker whose set-up failed: every task fails with the reason."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def run(self, _task: Any) -> Any:
        raise NotStarted(f"{type(self.error).__name__}: {self.error}")
