"""Where parallel work runs: one seam for the dossiers and the PDF briefs.

Work is handed out as picklable tasks to `concurrent.futures` executors whose
workers keep expensive state (a Jinja environment, WeasyPrint and its fonts)
between tasks. `executor` is the one place that decides what runs them: a
process pool on this machine today; any executor with the same interface (a
cluster's, say) could be returned instead.
"""

from __future__ import annotations

import concurrent.futures as futures
import os
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

Task = TypeVar("Task")
Result = TypeVar("Result")

_state: Any = None  # this process's worker, made by `_start`


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def executor(workers: int, make_worker: Callable[..., Any], args: tuple) -> futures.Executor:
    return futures.ProcessPoolExecutor(max_workers=workers, initializer=_start,
                                       initargs=(make_worker, args))


def run_all(tasks: Iterable[Task], make_worker: Callable[..., Any], args: tuple, workers: int,
            on_done: Callable[[Result], None], on_crash: Callable[[Task, Exception], Result]) -> None:
    """Run `worker.run(task)` for every task, calling `on_done` here as each finishes.

    With one worker or one task, everything runs in this process, without a
    pool: starting processes costs more than small jobs take.
    """
    tasks = list(tasks)
    if not tasks:
        return
    workers = max(1, min(workers, len(tasks)))
    if workers == 1:
        worker = make_worker(*args)
        for task in tasks:
            on_done(worker.run(task))
        return
    with executor(workers, make_worker, args) as pool:
        pending = {pool.submit(_run, task): task for task in tasks}
        for future in futures.as_completed(pending):
            try:
                result = future.result()
            except futures.process.BrokenProcessPool as exc:
                result = on_crash(pending[future], exc)
            on_done(result)


def _start(make_worker: Callable[..., Any], args: tuple) -> None:
    global _state
    _state = make_worker(*args)


def _run(task: Any) -> Any:
    assert _state is not None, "worker not started"
    return _state.run(task)
