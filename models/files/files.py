"""Writing files so that a crash never leaves half of one: a temp file beside, then a rename."""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import sys
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

from models.errors import BadInput
from models.vocabulary.i18n import _


@contextlib.contextmanager
def atomic_path(
    target: Path, *, overwrite: bool = True, private: bool = False, sync: bool = True
) -> Iterator[Path]:
    """A temporary path beside `target`; renamed onto it only if the block completes.

    A crash or an error inside the block leaves `target` as it was (absent or the old file) and no
    temporary file behind. With overwrite=False an existing target is refused, also when it
    appears while the block runs. private=True keeps the file readable by its owner only.
    sync=False leaves the file and its directory unsynced: the caller writes a batch of files and
    then calls `sync_files` once for all of them before it relies on them (a crash before that may
    leave a renamed file empty, which is why nothing may count the file as written until then).
    """
    target = Path(target).absolute()
    if target.is_dir():
        raise BadInput(_("is a directory, not a file to write"), source=target)
    if not overwrite and target.exists():
        raise BadInput(_("already exists: choose another name or pass --force to replace it"), source=target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        name = target.parent / f".{target.name}.{uuid.uuid4().hex[:12]}.tmp"
        # O_EXCL: never adopt someone else's file; the mode goes through the umask like any new file.
        os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o666))
    except OSError as error:
        raise BadInput(
            _("cannot write: {error}").format(error=error.strerror or error), source=target
        ) from error
    temporary = Path(name)
    try:
        yield temporary
        if sync:
            _fsync(temporary)
        _commit(temporary, target, overwrite=overwrite, sync=sync)
    finally:
        temporary.unlink(missing_ok=True)


def _commit(temporary: Path, target: Path, *, overwrite: bool, sync: bool = True) -> None:
    try:
        if overwrite:
            os.replace(temporary, target)
        else:
            _link_no_clobber(temporary, target)
    except FileExistsError:
        raise BadInput(
            _("already exists: choose another name or pass --force to replace it"), source=target
        ) from None
    except OSError as error:
        raise BadInput(
            _("cannot write: {error}").format(error=error.strerror or error), source=target
        ) from error
    if sync:
        _fsync_directory(target.parent)


def sync_files(paths: Iterable[Path]) -> None:
    """Make files written with atomic_path(sync=False) durable: their data and the directories that
    name them. On Linux one syncfs() per file system does it (one flush for a whole batch instead
    of two fsyncs per file); elsewhere, or if syncfs is unavailable, each file and directory is
    fsynced. Raises OSError if the data could not be synced."""
    files = [Path(path) for path in paths]
    if not files:
        return
    directories = {path.parent for path in files}
    if _syncfs(directories):
        return
    for path in files:
        _fsync(path)
    for directory in directories:
        _fsync_directory(directory)


def _syncfs(directories: set[Path]) -> bool:
    libc = _libc()
    if libc is None:
        return False
    devices: set[int] = set()
    for directory in directories:
        device = directory.stat().st_dev
        if device in devices:
            continue
        handle = os.open(directory, os.O_RDONLY)
        try:
            if libc.syncfs(handle) != 0:
                error = ctypes.get_errno()
                raise OSError(error, os.strerror(error), str(directory))
        finally:
            os.close(handle)
        devices.add(device)
    return True


@functools.cache
def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syncfs  # noqa: B018 - glibc and musl have it; an old libc without it falls back
    except (OSError, AttributeError):
        return None
    return libc


def _fsync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):  # durable rename where the platform allows it
        handle = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def _link_no_clobber(temporary: Path, target: Path) -> None:
    # A hard link fails if the name exists, so a file that appeared meanwhile is never replaced.
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise
    except OSError:  # a filesystem without hard links: check, then rename
        if target.exists():
            raise FileExistsError(target) from None
        os.replace(temporary, target)


def _fsync(path: Path) -> None:
    with open(path, "rb") as stream:
        os.fsync(stream.fileno())
