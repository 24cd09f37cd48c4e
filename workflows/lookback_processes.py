"""The look-back's formats written side by side, each in a process of its own, on a machine with
more than one core and a scope large enough to be worth it.

The ledger is read once, in the job's process and one snapshot of it: the aggregates, and each long
list spooled to a file the helpers follow as it grows (models.reads.long_lists: Items.share;
models.reads.saved_lists: SavedItems). On PostgreSQL the lists are read beside the counting, in a
thread on a second connection that shares the job's snapshot (ListsBeside); on SQLite, after it.
The helper processes (workflows.lookback_worker) are started first, when a count of the scope's
tasks says they are worth it, and import while the aggregates are counted; each is given the
look-back with its lists as those files before the lists are read through, and writes one format as
they come, while the job's process writes the last format (the XLSX) from its own spool. The bytes
are those of the formats written one after the other (the same code on the same items); only the
wall time changes (bench/floor_table.py).
"""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models.errors import DubanError
from models.files.files import atomic_path
from models.reads.long_lists import Items
from models.reads.lookback import Lookback
from models.storage.db import snapshot_twin
from models.vocabulary.i18n import _

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlmodel import Session

# From this many tasks in the scope the formats go to processes of their own (when `processes` is
# left to choose): below it a process's start (0.4 s of imports) weighs more than it saves.
PARALLEL_FROM = 20_000
# The long lists the formats go through, in the order they do.
FORMAT_LISTS = ("unfinished", "ongoing", "done_named")
OWN_FIRST = ("xlsx", "md", "docx")  # which format the job's process keeps for itself, by preference
ROOT = Path(__file__).resolve().parent.parent  # the folder holding the workflows package


def helpers_for(formats: int, tasks: int, processes: int) -> int:
    """How many formats are written by helper processes (the job's own process writes the rest).

    processes: 1 writes every format in the job's process; 2 or more, that many processes at most
    (the job's included); 0 chooses: one per format on a machine of more than one core, for a
    scope of PARALLEL_FROM tasks or more, else the job's process alone."""
    if processes == 0:
        if tasks < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
            return 0
        processes = formats
    return max(0, min(processes, formats) - 1)


class FormatProcess:
    """A helper process writing one look-back format: started first (it imports while the
    aggregates are counted), given its work with `give`, its answer read with `wait`; `stop` ends
    it whatever state it is in (the look-back failed, or was given up)."""

    def __init__(self) -> None:
        # The project's root first on its path: found as this process found it, installed or not.
        # -P: `-m` would put the current folder before it, and a folder holding a `workflows`
        # package of its own (another checkout of Duban, another project) would run that code.
        path = [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
        self.process = subprocess.Popen(
            [sys.executable, "-P", "-m", "workflows.lookback_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(path)},
        )
        self.fmt = ""

    def give(self, work: Path, fmt: str, path: Path) -> None:
        """Its work: the format to write to `path`, from the look-back pickled in `work` (a file:
        a pipe would hold the job until the helper has done importing and reads it)."""
        assert self.process.stdin is not None
        self.fmt = fmt
        line = json.dumps({"work": str(work), "format": fmt, "path": str(path)}) + "\n"
        try:
            self.process.stdin.write(line.encode("utf-8"))
            self.process.stdin.close()
        except BrokenPipeError:  # it died before reading: wait() says how
            pass

    def wait(self) -> int:
        """The helper's peak memory (KiB) once it has written its file; DubanError if it did not."""
        assert self.process.stdout is not None
        out = self.process.stdout.read()  # its one line, at its end (stdin is closed: no communicate)
        self.process.wait()
        answer: dict[str, Any] = {}
        lines = out.decode("utf-8", "replace").strip().splitlines()
        if lines:
            try:
                answer = json.loads(lines[-1])
            except ValueError:
                answer = {}
        if self.process.returncode == 0 and "peak_kib" in answer:
            return int(answer["peak_kib"])
        problem = answer.get("error") or _("the process ended with status {code}").format(
            code=self.process.returncode
        )
        raise DubanError(
            _("the look-back's {fmt} file could not be written: {problem}").format(
                fmt=self.fmt or "?", problem=problem
            )
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()


@contextmanager
def format_helpers(formats: int, tasks: int, processes: int) -> Iterator[list[FormatProcess]]:
    """The helper processes a look-back of `formats` formats over `tasks` tasks gets (helpers_for),
    started now; whatever happens in the block, none is left running after it."""
    helpers = started(helpers_for(formats, tasks, processes))
    try:
        yield helpers
    finally:
        stop_all(helpers)


@dataclass
class Sharing:
    """What a look-back written side by side shares: its helper processes (none: the job's process
    writes every format), the folder of its long lists' files, and on PostgreSQL the thread that
    reads those lists beside the counting."""

    helpers: list[FormatProcess]
    folder: Path | None = None
    beside: ListsBeside | None = None

    def lists_made(self, lists: dict[str, Items[Any]]) -> None:
        """stream_lookback's hook: the lists shared as soon as they are made, and (PostgreSQL)
        their reading started, while the aggregates are counted."""
        if self.folder is None:
            return
        chosen = [lists[name] for name in FORMAT_LISTS]
        for name, found in zip(FORMAT_LISTS, chosen, strict=True):
            found.share(self.folder / f"{name}.spool")
        if self.beside is not None:
            self.beside.start(chosen)


@contextmanager
def side_by_side(session: Session, formats: int, tasks: int, processes: int) -> Iterator[Sharing]:
    """The helpers (format_helpers), the lists' folder and, on PostgreSQL, the snapshot twin their
    reader uses; all of it stopped, closed and removed on the way out, whatever happened."""
    with ExitStack() as stack:
        helpers = stack.enter_context(format_helpers(formats, tasks, processes))
        if not helpers:
            yield Sharing(helpers)
            return
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="duban-lookback-")))
        twin = stack.enter_context(snapshot_twin(session))
        beside = stack.enter_context(closing(ListsBeside(twin))) if twin is not None else None
        yield Sharing(helpers, folder, beside)


class ListsBeside:
    """The long lists read in a thread of their own, on a second connection that sees the job's
    snapshot (models.storage.db.snapshot_twin), into the files the helpers follow: their reading
    (at 100,000 tasks 2.5 s, the server's work and this process's beside it) no longer waits for
    the aggregates to be counted (1 s). PostgreSQL only: SQLite can share no snapshot."""

    def __init__(self, twin: Connection) -> None:
        self.twin = twin
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def start(self, lists: Sequence[Items[Any]]) -> None:
        self.thread = threading.Thread(target=self._read, args=(lists,), name="duban-lookback-lists")
        self.thread.start()

    def _read(self, lists: Sequence[Items[Any]]) -> None:
        try:
            for found in lists:
                found.read(self.twin, self.stop)
        except BaseException as error:  # raised in the job's thread by wait()
            self.error = error

    def wait(self) -> None:
        """Every list read (what went wrong reading them raised here)."""
        if self.thread is not None:
            self.thread.join()
        if self.error is not None:
            raise self.error

    def close(self) -> None:
        """Stopped between chunks and waited for: the connection is free to close."""
        self.stop.set()
        if self.thread is not None:
            self.thread.join()


def write_formats(
    lookback: Lookback,
    targets: dict[str, Path],
    sharing: Sharing,
    *,
    issuer: str | None,
    carried: Any,
    write: Callable[[str, Path], None],
) -> int:
    """Every format of `targets` (format -> file) written, side by side with the helpers of
    `sharing` if there are any, else one after the other with `write` (format, path). The files
    appear together once all are written: a format that fails leaves none of them. Returns the
    helpers' peak memory, added up (KiB)."""
    with ExitStack() as stack:
        paths = {fmt: stack.enter_context(atomic_path(target)) for fmt, target in targets.items()}
        if not sharing.helpers:
            for fmt, path in paths.items():
                write(fmt, path)
            return 0
        return sum(write_side_by_side(lookback, paths, sharing, issuer=issuer, carried=carried, write=write))


def started(count: int) -> list[FormatProcess]:
    helpers: list[FormatProcess] = []
    try:
        for _unused in range(count):
            helpers.append(FormatProcess())
    except BaseException:
        stop_all(helpers)
        raise
    return helpers


def stop_all(helpers: Sequence[FormatProcess]) -> None:
    for helper in helpers:
        helper.stop()


def write_side_by_side(
    lookback: Lookback,
    paths: dict[str, Path],
    sharing: Sharing,
    *,
    issuer: str | None,
    carried: Any,
    write: Callable[[str, Path], None],
) -> list[int]:
    """Every format of `paths` written: the first len(helpers) by the helpers, the rest here with
    `write` (format, path). The helpers get their work first, the lists as files in the sharing's
    folder; then the lists are read here (or, beside the counting, have been), into those files,
    while the helpers follow them. Returns the helpers' peak memory (KiB)."""
    helpers, folder = sharing.helpers, sharing.folder
    assert folder is not None
    # The job's process writes what it is quickest at (it reads the lists first): the helpers finish
    # beside it (at 100,000 tasks: 6.2 s in all with the XLSX here, 6.4 s the Markdown, 6.7 s the DOCX).
    formats = sorted(paths, key=OWN_FIRST.index, reverse=True)
    theirs, ours = formats[: len(helpers)], formats[len(helpers) :]
    lists = {name: getattr(lookback, name) for name in _format_lists(lookback)}
    # `done` only where done_named was not read: the formats name done items from done_named.
    replaced: dict[str, Any] = {"done": []}
    for name, found in lists.items():
        replaced[name] = found.share(folder / f"{name}.spool") if isinstance(found, Items) else found
    work = folder / "lookback.pickle"
    with work.open("wb") as out:
        pickle.dump(
            (dataclasses.replace(lookback, **replaced), issuer, carried), out, pickle.HIGHEST_PROTOCOL
        )
    for helper, fmt in zip(helpers, theirs, strict=True):
        helper.give(work, fmt, paths[fmt])
    try:
        if sharing.beside is not None:
            sharing.beside.wait()
        for found in lists.values():  # in the order the formats go through them
            if isinstance(found, Items):
                found.read()
        for fmt in ours:
            write(fmt, paths[fmt])
        return [helper.wait() for helper in helpers]
    except BaseException:
        # The helpers stopped before the temporary files are removed (write_formats): one just
        # given its work could otherwise create its file after the removal.
        stop_all(helpers)
        raise


def _format_lists(lookback: Lookback) -> tuple[str, ...]:
    """The long lists the formats go through: done_named, or all done items where it was not read."""
    return FORMAT_LISTS if lookback.done_named is not None else (*FORMAT_LISTS[:2], "done")
