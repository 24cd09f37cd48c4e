"""The look-back's formats written side by side, each in a process of its own, on a machine with
more than one core and a scope large enough to be worth it.

The ledger is read once, in the job's process and its one read transaction: the aggregates, then
each long list, spooled to a file the helpers follow as it grows (models.reads.long_lists:
Items.share, SavedItems). The helper processes (workflows.lookback_worker) are started first,
when a count of the scope's tasks says they are worth it, and import while the aggregates are
counted; each is given the look-back with its lists as those files before the lists are read, and
writes one format as they come, while the job's process reads the lists and then writes the last
format (the XLSX) from its own spool. The bytes are
those of the formats written one after the other (the same code on the same items); only the wall
time changes (bench/floor_table.py).
"""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from models.errors import DubanError
from models.files.files import atomic_path
from models.reads.long_lists import Items
from models.reads.lookback import Lookback
from models.vocabulary.i18n import _

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
        path = [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "workflows.lookback_worker"],
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


def write_formats(
    lookback: Lookback,
    targets: dict[str, Path],
    helpers: Sequence[FormatProcess],
    *,
    issuer: str | None,
    carried: Any,
    write: Callable[[str, Path], None],
) -> int:
    """Every format of `targets` (format -> file) written, side by side with `helpers` if there
    are any, else one after the other with `write` (format, path). The files appear together once
    all are written: a format that fails leaves none of them. Returns the helpers' peak memory,
    added up (KiB)."""
    with ExitStack() as stack:
        paths = {fmt: stack.enter_context(atomic_path(target)) for fmt, target in targets.items()}
        if not helpers:
            for fmt, path in paths.items():
                write(fmt, path)
            return 0
        return sum(write_side_by_side(lookback, paths, helpers, issuer=issuer, carried=carried, write=write))


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
    helpers: Sequence[FormatProcess],
    *,
    issuer: str | None,
    carried: Any,
    write: Callable[[str, Path], None],
) -> list[int]:
    """Every format of `paths` written: the first len(helpers) by the helpers, the rest here with
    `write` (format, path). The helpers get their work first, the lists as files in a temporary
    folder; then the lists are read here, into those files, while the helpers follow them. Returns
    the helpers' peak memory (KiB)."""
    # The job's process writes what it is quickest at (it reads the lists first): the helpers finish
    # beside it (at 100,000 tasks: 6.2 s in all with the XLSX here, 6.4 s the Markdown, 6.7 s the DOCX).
    formats = sorted(paths, key=OWN_FIRST.index, reverse=True)
    theirs, ours = formats[: len(helpers)], formats[len(helpers) :]
    with tempfile.TemporaryDirectory(prefix="duban-lookback-") as folder:
        lists = {name: getattr(lookback, name) for name in _format_lists(lookback)}
        # `done` only where done_named was not read: the formats name done items from done_named.
        replaced: dict[str, Any] = {"done": []}
        for name, found in lists.items():
            replaced[name] = (
                found.share(Path(folder) / f"{name}.spool") if isinstance(found, Items) else found
            )
        work = Path(folder) / "lookback.pickle"
        with work.open("wb") as out:
            pickle.dump(
                (dataclasses.replace(lookback, **replaced), issuer, carried), out, pickle.HIGHEST_PROTOCOL
            )
        for helper, fmt in zip(helpers, theirs, strict=True):
            helper.give(work, fmt, paths[fmt])
        for found in lists.values():  # in the order the formats go through them
            if isinstance(found, Items):
                found.read()
        for fmt in ours:
            write(fmt, paths[fmt])
        return [helper.wait() for helper in helpers]


def _format_lists(lookback: Lookback) -> tuple[str, ...]:
    """The long lists the formats go through: done_named, or all done items where it was not read."""
    return FORMAT_LISTS if lookback.done_named is not None else (*FORMAT_LISTS[:2], "done")
