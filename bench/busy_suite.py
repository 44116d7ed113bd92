"""The whole test suite on a busy machine: time limits count CPU time, not the clock.

    .venv/bin/python bench/busy_suite.py [--spinners 8] [-- PYTEST ARGS]

Starts --spinners processes that each compute for ever (8 on a 2-core machine is a
load of about 9 with the suite), runs the README's test command beside them
(`python -m pytest -q -n 2`, from the repository), and prints how long it took and
whether it passed. The spinners are stopped however the run ends: a pass, a failure,
Ctrl+C or a SIGTERM. Exits with the suite's exit code.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SUITE = [sys.executable, "-m", "pytest", "-q", "-n", "2"]  # as `make test` runs it
SPIN = "while True:\n    pass\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spinners", type=int, default=8,
                        help="busy processes beside the suite (default 8)")
    parser.add_argument("pytest_args", nargs="*", help="more arguments for pytest, after --")
    options = parser.parse_args()
    signal.signal(signal.SIGTERM, _interrupted)
    spinners = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(options.spinners)]
    try:
        started = time.monotonic()
        code = subprocess.run([*SUITE, *options.pytest_args], cwd=REPO).returncode
        elapsed = time.monotonic() - started
    finally:
        stop(spinners)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    verdict = "passed" if code == 0 else f"FAILED (exit code {code})"
    print(f"The suite with {options.spinners} busy processes on {cores} cores: {verdict} "
          f"in {elapsed:.0f} s ({elapsed / 60:.1f} min).")
    return code


def _interrupted(_signal: int, _frame) -> None:
    """SIGTERM ends the run as Ctrl+C does, so that the spinners are stopped on the way
    out (and the suite too: `subprocess.run` ends it)."""
    raise KeyboardInterrupt


def stop(spinners: list[subprocess.Popen]) -> None:
    for spinner in spinners:
        spinner.kill()
    for spinner in spinners:
        spinner.wait()


if __name__ == "__main__":
    sys.exit(main())
