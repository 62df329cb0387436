"""Public downloads: built one at a time per process, kept until the data they hold changes.

``/public/data/cases.*`` and ``/public/data/scorecard.*`` are built from the database when
asked, without login: ``cases.xlsx`` took 11–15 s of a core at 60k public cases. Several at
once would hold every core of a small host while ``/public`` waits, so a process builds one
such file at a time and the others queue.

The case files are also kept on disk (:func:`cached_file`) under a *stamp* of what they hold
(:func:`minyi.accountability.open_cases.version`): the same stamp is served from disk, a new
one (a case published, answered, erased or unpublished; a department renamed) is built at
the next download. So an erasure or an unpublished case still leaves the next download at
once, and repeated downloads of unchanged data cost a file copy, not a build.

Each download is served from its own hard link to the kept file, so a newer build replacing
the file (or another process removing it) never cuts a download short.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

__all__ = ["cached_file", "one_at_a_time"]

_BUILDS = threading.BoundedSemaphore(1)
_LEFTOVER_SECONDS = 3600  # a link or a partial build older than this was left by a crash
log = logging.getLogger(__name__)

Build = Callable[[IO[bytes]], object]


@contextmanager
def one_at_a_time() -> Iterator[None]:
    """Hold the process's one build slot while the block runs."""
    with _BUILDS:
        yield


def cached_file(directory: Path, name: str, stamp: str, build: Build) -> Path:
    """A path of its own to the file ``name`` as built for ``stamp``; the caller deletes it.

    The file is built by ``build`` (in the build slot) when no file of that stamp is kept;
    files of other stamps are removed then. If the directory cannot be used, the file is
    built into a temporary file as before: a download never fails for want of a cache.
    """
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        for _attempt in range(3):
            kept = directory / f"{name}.{stamp}"
            link = _link(kept, directory)
            if link is not None:
                return link
            with one_at_a_time():
                if not kept.exists():
                    _build_into(kept, build)
                    _remove_others(directory, name, keep=kept)
    except OSError as exc:
        log.warning("open data cache %s not usable (%s); building %s for this download", directory, exc, name)
    return _build_private(name, build)


def _link(kept: Path, directory: Path) -> Path | None:
    """A new hard link to ``kept`` (None when there is no such file)."""
    link = directory / f".send-{uuid.uuid4().hex}"
    try:
        os.link(kept, link)
    except FileNotFoundError:
        return None
    return link


def _build_into(kept: Path, build: Build) -> None:
    """Build into a partial file beside ``kept``, then rename it (readers see whole files only)."""
    handle, partial = tempfile.mkstemp(prefix=".build-", dir=kept.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            build(out)
        Path(partial).replace(kept)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def _remove_others(directory: Path, name: str, keep: Path) -> None:
    """Remove files of ``name`` with other stamps, and crash leftovers an hour old.

    A link's ``st_ctime`` is when the file was last linked (a link's ``st_mtime`` is the
    build's), so a link being sent is never taken for a leftover.
    """
    now = time.time()
    for path in directory.iterdir():
        stale = path.name.startswith(f"{name}.") and path != keep
        with contextlib.suppress(OSError):
            leftover = (
                path.name.startswith((".send-", ".build-")) and now - path.stat().st_ctime > _LEFTOVER_SECONDS
            )
            if stale or leftover:
                path.unlink()


def _build_private(name: str, build: Build) -> Path:
    """The file built into a temporary file of its own (no cache)."""
    handle, temporary = tempfile.mkstemp(prefix="minyi-open-", suffix=Path(name).suffix)
    try:
        with os.fdopen(handle, "wb") as out, one_at_a_time():
            build(out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Path(temporary)
