"""The worker seam: time limits from the calling process, and workers that die."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from generator.workers import Failure, report_progress, run_all


class Worker:
    """Tasks are words: 'die' kills its worker the first time it is run (a file
    remembers), 'always-die' every time, 'spin' computes for ever, 'stall' waits for
    ever, 'off-cpu' waits twice as long as a 1 s limit, 'fail' raises."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def run(self, task: str) -> str:
        report_progress(len(task))
        if task == "always-die" or (task == "die" and not self._seen(task)):
            os.kill(os.getpid(), signal.SIGKILL)
        if task == "spin":
            while True:  # work that never ends; its CPU time limit must stop it
                pass
        if task == "stall":
            while True:
                time.sleep(60)  # waits without computing; the wall-clock backstop must stop it
        if task == "off-cpu":
            time.sleep(2)  # stands for a machine so busy that the task is off the CPU
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


def test_a_task_past_its_cpu_time_limit_is_stopped_and_says_how_far_it_got(tmp_path):
    results = run(["a", "spin", "b"], tmp_path, workers=1, time_limit=1)
    (failure,) = [r for r in results if isinstance(r, Failure)]
    assert failure == Failure("timeout", "used more than 1 s of CPU time and was stopped", 4)
    assert sorted(r for r in results if isinstance(r, str)) == ["a", "b"]


def test_time_off_the_cpu_does_not_count_against_the_limit(tmp_path, monkeypatch):
    import generator.workers

    monkeypatch.setattr(generator.workers, "WALL_CLOCK_MIN", 0)  # only the CPU limit is short
    # twice the limit on the clock, almost no CPU time: a busy machine slows a task,
    # it does not fail it
    assert run(["off-cpu", "a"], tmp_path, workers=1, time_limit=1) == ["off-cpu", "a"]


def test_a_task_that_waits_for_ever_meets_the_wall_clock_backstop(tmp_path, monkeypatch):
    import generator.workers

    monkeypatch.setattr(generator.workers, "WALL_CLOCK_MIN", 0)  # ten times the limit, here
    results = run(["a", "stall", "b"], tmp_path, workers=1, time_limit=0.2)
    (failure,) = [r for r in results if isinstance(r, Failure)]
    assert failure == Failure("timeout", "took longer than 2 s on the clock (its limit is "
                              "0.2 s of CPU time) and was stopped", 5)
    assert sorted(r for r in results if isinstance(r, str)) == ["a", "b"]


def test_a_task_that_raises_is_a_failure_not_a_crash(tmp_path):
    results = run(["fail", "a"], tmp_path, workers=1)
    assert results.count("a") == 1
    assert Failure("error", "ValueError: no good", 4) in results
