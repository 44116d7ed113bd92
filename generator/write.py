"""Write: put rendered files into the output folder, atomically and nowhere else.

Each file is written to a temporary file beside its target and renamed over
it, so a reader (or a build killed half-way) never sees half a file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class UnsafePath(ValueError):
    """A requested output path would land outside the output folder."""


class OutputDir:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def target(self, relative: str) -> Path:
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root) or path == self.root:
            raise UnsafePath(f"refusing to write '{relative}' outside {self.root}")
        return path

    def write(self, relative: str, data: str | bytes) -> Path:
        path = self.target(relative)
        payload = data.encode("utf-8") if isinstance(data, str) else data
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_file() and path.stat().st_size == len(payload) and path.read_bytes() == payload:
            return path  # unchanged: keep the file's time so watchers and rsync stay quiet
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            # No fsync: the rename already protects readers and a killed build; syncing
            # every page against power loss would double the time of a large build.
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return path

    def remove(self, relative: str) -> None:
        """Remove an output this tool made before, if it is still there."""
        self.target(relative).unlink(missing_ok=True)
