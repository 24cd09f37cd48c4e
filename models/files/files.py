"""Writing files so that a crash never leaves half of one: a temp file beside, then a rename."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

from models.errors import BadInput
from models.vocabulary.i18n import _


@contextlib.contextmanager
def atomic_path(target: Path, *, overwrite: bool = True, private: bool = False) -> Iterator[Path]:
    """A temporary path beside `target`; renamed onto it only if the block completes.

    A crash or an error inside the block leaves `target` as it was (absent or the old file) and no
    temporary file behind. With overwrite=False an existing target is refused, also when it
    appears while the block runs. private=True keeps the file readable by its owner only.
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
        _fsync(temporary)
        _commit(temporary, target, overwrite=overwrite)
    finally:
        temporary.unlink(missing_ok=True)


def _commit(temporary: Path, target: Path, *, overwrite: bool) -> None:
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
    with contextlib.suppress(OSError):  # durable rename where the platform allows it
        directory = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


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
