"""The weight of the portfolio page: index.html of a synthetic corpus, HTML only.

The index lists every account in its table, and at most 300 items of each other list,
so its size grows with the accounts by one table row each. Writes the corpus
(bench/corpus.py, fixed seed) into a temporary folder for each N, builds it and prints
the size of index.html, raw and gzipped, and the bytes per account.

    .venv/bin/python bench/portfolio_page.py --accounts 300 3000
"""

from __future__ import annotations

import argparse
import gzip
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus  # noqa: E402

LIMIT = 1_500_000  # bytes: what the index of 3,000 accounts must stay under


def index_size(count: int, folder: Path) -> tuple[int, int]:
    write_corpus(count, folder)
    subprocess.run([sys.executable, "-m", "generator", "-C", str(folder), "build", "--no-pdf",
                    "--today", "2026-11-26", "-q"], check=True)
    page = (folder / "output" / "index.html").read_bytes()
    return len(page), len(gzip.compress(page))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, nargs="+", default=[300, 3000])
    args = parser.parse_args()
    print(f"{'accounts':>8} {'index.html bytes':>17} {'gzipped':>9} {'per account':>12}")
    for count in args.accounts:
        with tempfile.TemporaryDirectory() as temporary:
            raw, packed = index_size(count, Path(temporary) / "project")
        flag = "  over the 1.5 MB bound" if count >= 3000 and raw >= LIMIT else ""
        print(f"{count:8,} {raw:17,} {packed:9,} {raw / count:12,.0f}{flag}")


if __name__ == "__main__":
    main()
