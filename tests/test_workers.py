"""The worker seam: time limits from the calling process, and workers that die."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from generator.workers import Failure, report_progress, run_all


class Worker:
    """Tasks are words: 'die' kills its worker the first time it is run (a file
    remembers), 'always-die' every time, 'stall' never ends, 'fail' raises."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def run(self, task: str) -> str:
        report_progress(len(task))
        if task == "always-die" or (task == "die" and not self._seen(task)):
            os.kill(os.getpid(), signal.SIGKILL)
        if task == "stall":
            while True:
                time.sleep(60)  # stands for work that never ends; the pool must stop it
        if task == "fail":
            raise ValueError("no good")
        return task

    def _seen(self, task: str) -> bool:
        marker = self.folder / task
        seen = marker.exists()
        marker.touch()
        return seen


def run(tasks: list[str], folder: Path, workers: int = 2,
        time_limit: float | None = None) -> list[str | Failure]:
    results: list[str | Failure] = []
    run_all(tasks, Worker, (folder,), workers, time_limit, results.append,
            lambda _task, failure: failure)
    return results


def test_a_dead_worker_costs_nothing_the_task_is_retried_in_a_fresh_one(tmp_path):
    results = run(["a", "die", "b", "c", "d"], tmp_path)
    assert sorted(results) == ["a", "b", "c", "d", "die"]


def test_a_task_that_kills_every_worker_fails_alone(tmp_path):
    results = run(["a", "always-die", "b"], tmp_path)
    (failure,) = [r for r in results if isinstance(r, Failure)]
    assert (failure.kind, failure.detail) == ("died", "its worker process died (exit code -9)")
    assert sorted(r for r in results if isinstance(r, str)) == ["a", "b"]


def test_a_task_past_its_time_limit_is_stopped_and_says_how_far_it_got(tmp_path):
    results = run(["a", "stall", "b"], tmp_path, workers=1, time_limit=1)
    (failure,) = [r for r in results if isinstance(r, Failure)]
    assert failure == Failure("timeout", "took longer than 1 s and was stopped", 5)
    assert sorted(r for r in results if isinstance(r, str)) == ["a", "b"]


def test_a_task_that_raises_is_a_failure_not_a_crash(tmp_path):
    results = run(["fail", "a"], tmp_path, workers=1)
    assert results.count("a") == 1
    assert Failure("error", "ValueError: no good", 4) in results
