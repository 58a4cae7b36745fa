"""Files: copy a tree while hashing it, hash a file, tell whether a storage is empty."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

CHUNK = 1024 * 1024
PROGRESS_SECONDS = 5.0

Progress = Callable[[str], None]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def copy_hashing(src: Path, dst: Path) -> tuple[int, str]:
    """Copy ``src`` to ``dst`` (parents made), returning the size and SHA-256 of what was
    read; the copy is flushed to disk before it returns."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        while chunk := fin.read(CHUNK):
            digest.update(chunk)
            fout.write(chunk)
            size += len(chunk)
        fout.flush()
        os.fsync(fout.fileno())
    shutil.copystat(src, dst)
    return size, digest.hexdigest()


def walk_files(root: Path) -> Iterator[Path]:
    """Every regular file under ``root``, sorted, as paths relative to it (none if absent)."""
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath, name)
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root)


def storage_is_empty(root: Path) -> bool:
    """No file under ``root`` (empty directories do not count)."""
    return next(walk_files(root), None) is None


def safe_relative(path: str) -> PurePosixPath:
    """A manifest's file path, refused if it could leave the directory it names a file in."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in path:
        raise ValueError(f"unsafe path in the manifest: {path!r}")
    return pure


class Ticker:
    """Prints a progress line at most every PROGRESS_SECONDS (and at the end, if it printed
    before or ``always``)."""

    def __init__(self, progress: Progress, every: float = PROGRESS_SECONDS):
        self.progress = progress
        self.every = every
        self.started = time.monotonic()
        self.last = self.started
        self.printed = False

    def tick(self, message: Callable[[], str]) -> None:
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            self.printed = True
            self.progress(f"{message()} ({now - self.started:.0f} s)")

    def elapsed(self) -> float:
        return time.monotonic() - self.started


def copy_tree(src_root: Path, dst_root: Path, progress: Progress) -> list[dict]:
    """Copy every file under ``src_root`` into ``dst_root``: ``[{path, size, sha256}]``."""
    entries = []
    total = 0
    ticker = Ticker(progress)
    for rel in walk_files(src_root):
        size, sha = copy_hashing(src_root / rel, dst_root / rel)
        entries.append({"path": rel.as_posix(), "size": size, "sha256": sha})
        total += size
        ticker.tick(lambda total=total: f"  files: {len(entries)} copied, {total / 1e6:.1f} MB")
    return entries
