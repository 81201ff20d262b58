"""Output files written atomically: a temporary file in the target's folder, flushed to disk, then
renamed over the target, so that an interrupted run leaves the old file or none, never half of one."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path


def _mode_for(target: Path) -> int:
    """The permissions the file would have had if written in place: the old file's, else the umask's."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; best effort)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class AtomicWriter:
    """A text file that appears whole or not at all.

    open() creates the temporary file and returns it for writing; commit() flushes it to disk and
    renames it over the target; discard() removes it and leaves the target as it was. As a context
    manager: commit on success, discard on any exception (KeyboardInterrupt included).

    A target that exists and is not a regular file (/dev/null, a FIFO, a terminal) is written in
    place: there is nothing to replace and no folder to put a temporary file in. A symlink is
    followed, and the file it points to is replaced.
    """

    def __init__(self, path, encoding: str = "utf-8", newline: str | None = "\n"):
        self.path = Path(path)
        self.encoding, self.newline = encoding, newline
        self.file = None
        self.tmp: str | None = None
        try:
            special = not stat.S_ISREG(os.stat(self.path).st_mode)
        except OSError:
            special = False
        self.special = special
        self.target = self.path if special else Path(os.path.realpath(self.path))

    def open(self):
        """The file to write to (raises OSError when the folder is missing or not writable)."""
        if self.special:
            self.file = open(self.path, "w", encoding=self.encoding, newline=self.newline)  # noqa: SIM115
            return self.file
        import tempfile  # only a run that writes a file pays for the import

        fd, self.tmp = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".tmp", dir=self.target.parent)
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, _mode_for(self.target))
            self.file = os.fdopen(fd, "w", encoding=self.encoding, newline=self.newline)
        except BaseException:
            os.close(fd)
            self._remove()
            raise
        return self.file

    def commit(self) -> None:
        """Flush to disk and rename into place (raises OSError; the target is then unchanged)."""
        try:
            self.file.flush()
            if not self.special:
                os.fsync(self.file.fileno())
            self.file.close()
            if not self.special:
                os.replace(self.tmp, self.target)
                self.tmp = None
                _sync_folder(self.target.parent)
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        """Give up: close and remove the temporary file; the target keeps its old content."""
        if self.file is not None:
            with contextlib.suppress(OSError):
                self.file.close()
        self._remove()

    def _remove(self) -> None:
        if self.tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.tmp)
            self.tmp = None

    def __enter__(self):
        return self.open()

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


def write_text(path, text: str, encoding: str = "utf-8") -> None:
    """Write a whole text file atomically (raises OSError; the old file is then unchanged)."""
    with AtomicWriter(path, encoding=encoding) as fh:
        fh.write(text)
