"""The look-back's formats written side by side by helper processes (workflows.lookback_processes):
the same bytes as one process writes, the lists read once, and a failure anywhere leaves no file and
no process behind."""

from __future__ import annotations

import dataclasses
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from lookback_ledger import AS_OF, build

from models.errors import DubanError
from models.reads import long_lists
from models.reads.long_lists import SavedItems
from models.reads.lookback import stream_lookback
from models.storage.db import read_session
from models.writes.carry_over_report import CarriedPlan, CarryOverReport
from workflows import lookback_processes, lookback_report
from workflows.lookback_processes import FormatProcess, helpers_for
from workflows.lookback_report import preview_lookback, write_lookback


def files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_formats_written_side_by_side_are_the_bytes_one_process_writes(engine, tmp_path):
    build(engine)
    alone = write_lookback(engine, as_of=AS_OF, year=2021, output=tmp_path / "alone", processes=1)
    side = write_lookback(engine, as_of=AS_OF, year=2021, output=tmp_path / "side", processes=3)
    assert len(files(tmp_path / "side")) == 3
    assert files(tmp_path / "side") == files(tmp_path / "alone")
    assert side.summary == alone.summary
    assert alone.helper_peak_kib == 0
    if os.name == "posix":  # two helpers, each at least a Python with the formats loaded
        assert side.helper_peak_kib > 2 * 20_000
    # Two processes for three formats: one helper, the job's process writes the other two.
    two = write_lookback(engine, as_of=AS_OF, year=2021, output=tmp_path / "two", processes=2)
    assert files(tmp_path / "two") == files(tmp_path / "alone")
    assert two.helper_peak_kib < side.helper_peak_kib


def test_a_shared_list_knows_its_length_and_carried_tally_before_it_is_read(engine, tmp_path):
    """The lists' lengths and the unfinished items carried over are counted with the figures, in the
    same snapshot: a helper following a list's file knows them before the list is read (it neither
    waits for the list's end nor goes through it to count), and they are what reading it finds."""
    build(engine)
    write_lookback(engine, as_of=AS_OF, year=2021, output=tmp_path / "first", carry=True)
    with read_session(engine) as session:
        streamed = stream_lookback(session, as_of=AS_OF, year=2021)
        shared = {
            name: getattr(streamed, name).share(tmp_path / f"{name}.spool")
            for name in ("unfinished", "ongoing", "done_named")
        }
        # Nothing read yet: a follower in this very process would find the files empty and fail.
        lengths = {name: len(found) for name, found in shared.items()}
        carried = shared["unfinished"].counted("carried", lambda item: pytest.fail("went through it"))
        for name in shared:
            getattr(streamed, name).read()
        items = {name: list(getattr(streamed, name)) for name in shared}
    assert lengths == {name: len(found) for name, found in items.items()}
    assert lengths["unfinished"] > 0 and lengths["done_named"] > 0
    assert carried == sum(1 for item in items["unfinished"] if item.carried_to) > 0


def test_shared_lists_read_back_as_the_job_read_them(engine, tmp_path):
    """A list shared before its first pass is spooled into the shared file as it is read; one
    shared after is copied there. Either reads back the same items; a share pickles small."""
    build(engine)
    held = preview_lookback(engine, as_of=AS_OF, year=2021).lookback
    with read_session(engine) as session:
        streamed = stream_lookback(session, as_of=AS_OF, year=2021)
        before = streamed.unfinished.share(tmp_path / "unfinished.spool")
        assert isinstance(before, SavedItems)
        streamed.unfinished.read()
        list(streamed.ongoing)
        after = streamed.ongoing.share(tmp_path / "ongoing.spool")
    assert list(before) == held.unfinished and list(after) == held.ongoing
    assert len(before) == len(held.unfinished) and len(after) == len(held.ongoing)
    again = pickle.loads(pickle.dumps(before))
    assert list(again) == held.unfinished
    assert len(pickle.dumps(before)) < 2000


def test_a_list_cut_short_is_an_error_not_a_wait(engine, tmp_path):
    """Only a helper waits for the rest of a list, and only while the process writing it lives: a
    list whose end never came, read anywhere else, is an error."""
    build(engine)
    with read_session(engine) as session:
        streamed = stream_lookback(session, as_of=AS_OF, year=2021)
        shared = streamed.unfinished.share(tmp_path / "unfinished.spool")
        streamed.unfinished.read()
    whole = (tmp_path / "unfinished.spool").read_bytes()
    (tmp_path / "unfinished.spool").write_bytes(whole[: len(whole) // 2])
    with pytest.raises(EOFError):
        list(shared)


def test_the_helpers_run_this_installation_from_any_folder(engine, tmp_path, monkeypatch):
    """A look-back started in a folder that holds a `workflows` package of its own (another
    checkout, another project) still has its formats written by this installation's code."""
    build(engine)
    write_lookback(engine, as_of=AS_OF, year=2021, output=tmp_path / "alone", processes=1)
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "workflows").mkdir(parents=True)
    (elsewhere / "workflows" / "__init__.py").write_text("")
    (elsewhere / "workflows" / "lookback_worker.py").write_text(
        'import sys\nprint(\'{"error": "the other folder ran"}\')\nsys.exit(1)\n'
    )
    monkeypatch.chdir(elsewhere)
    side = write_lookback(engine, as_of=AS_OF, year=2021, output=tmp_path / "side", processes=3)
    assert files(tmp_path / "side") == files(tmp_path / "alone")
    assert side.helper_peak_kib > 0


def test_a_helper_that_fails_says_which_format_and_why(engine, tmp_path):
    build(engine)
    lookback = preview_lookback(engine, as_of=AS_OF, year=2021).lookback
    work = tmp_path / "work.pickle"
    work.write_bytes(pickle.dumps((lookback, None, None)))
    helper = FormatProcess()
    try:
        helper.give(work, "pdf", tmp_path / "x.pdf")
        with pytest.raises(DubanError, match="pdf") as failed:
            helper.wait()
        assert "unknown look-back format" in str(failed.value) or "未知" in str(failed.value)
    finally:
        helper.stop()
    assert helper.process.returncode == 1
    assert not (tmp_path / "x.pdf").exists()


def ignores_sigint(pid: int) -> bool:
    """Whether the process has set SIGINT aside (Linux: the SigIgn mask of /proc/<pid>/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigIgn:"):
            return bool(int(line.split()[1], 16) & (1 << (signal.SIGINT - 1)))
    return False


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the signal mask in /proc")
def test_ctrl_c_is_left_to_the_job():
    """Ctrl-C reaches every process of the terminal's group: a helper leaves it to the job, which
    stops its helpers as it ends."""
    helper = FormatProcess()
    try:
        deadline = time.monotonic() + 60
        while not ignores_sigint(helper.process.pid):  # its first lines set the signal aside
            assert time.monotonic() < deadline and helper.process.poll() is None
            time.sleep(0.01)
        helper.process.send_signal(signal.SIGINT)
        time.sleep(0.5)
        assert helper.process.poll() is None
    finally:
        helper.stop()
    assert helper.process.returncode is not None


def test_a_helper_given_nothing_ends_and_a_stopped_one_is_gone():
    idle = FormatProcess()
    assert idle.process.stdin is not None
    idle.process.stdin.close()  # the look-back was given up before it had work
    assert idle.process.wait(timeout=60) == 0
    idle.stop()
    busy = FormatProcess()
    busy.stop()
    assert busy.process.returncode is not None


def test_a_format_that_fails_leaves_no_file_and_no_helper(engine, tmp_path, monkeypatch):
    """The job's own format fails (a full disk, say) while the helpers write theirs: the look-back
    fails with it, none of the three files is left (nor a temporary one), the helpers are stopped."""
    build(engine)
    made: list[FormatProcess] = []
    real_process = lookback_processes.FormatProcess

    def tracked() -> FormatProcess:
        made.append(real_process())
        return made[-1]

    def failing(lookback, fmt, path, **options):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")  # here only: the helpers write theirs

    monkeypatch.setattr(lookback_processes, "FormatProcess", tracked)
    monkeypatch.setattr(lookback_report, "write_format", failing)
    out = tmp_path / "out"
    with pytest.raises(OSError, match="No space"):
        write_lookback(engine, as_of=AS_OF, year=2021, output=out, processes=3)
    assert list(out.iterdir()) == []
    assert len(made) == 2 and all(helper.process.returncode is not None for helper in made)


def test_a_list_that_cannot_be_read_fails_the_look_back_and_leaves_nothing(engine, tmp_path, monkeypatch):
    """The second list's read fails (on PostgreSQL in the thread reading the lists beside the
    counting, on SQLite in the job's thread): the look-back fails with that error, no file is left,
    no helper, no thread, and the ledger can be read again."""
    build(engine)
    made: list[FormatProcess] = []
    real_process = lookback_processes.FormatProcess
    real_chunks = long_lists.Items._chunks
    read: list[str] = []

    def tracked() -> FormatProcess:
        made.append(real_process())
        return made[-1]

    def chunks(self, connection):  # type: ignore[no-untyped-def]
        read.append(self._kind.__name__)
        if len(read) == 2:
            raise RuntimeError("the server went away")
        yield from real_chunks(self, connection)

    monkeypatch.setattr(lookback_processes, "FormatProcess", tracked)
    monkeypatch.setattr(long_lists.Items, "_chunks", chunks)
    threads = threading.active_count()
    out = tmp_path / "out"
    with pytest.raises(RuntimeError, match="went away"):
        write_lookback(engine, as_of=AS_OF, year=2021, output=out, processes=3)
    assert list(out.iterdir()) == [] and read == ["UnfinishedItem", "OngoingItem"]
    assert len(made) == 2 and all(helper.process.returncode is not None for helper in made)
    assert threading.active_count() == threads
    monkeypatch.undo()
    assert write_lookback(engine, as_of=AS_OF, year=2021, output=out, processes=3).files


def test_how_many_helpers():
    assert helpers_for(3, 10**6, 1) == 0  # the job's process alone
    assert helpers_for(3, 10, 2) == 1
    assert helpers_for(3, 10, 8) == 2  # never more than one per format
    assert helpers_for(1, 10**6, 4) == 0
    assert helpers_for(3, lookback_processes.PARALLEL_FROM - 1, 0) == 0  # too small to be worth it
    cores = os.cpu_count() or 1
    assert helpers_for(3, lookback_processes.PARALLEL_FROM, 0) == (2 if cores > 1 else 0)


JOB = """
import pickle, subprocess, sys, time
from pathlib import Path
from models.reads import long_lists
from models.reads.long_lists import SavedItems
folder = Path(sys.argv[1])
# A list whose first chunk is cut short: its rest never comes, as when the job dies reading it.
(folder / "list.spool").write_bytes((10).to_bytes(8, "little") + b"12")
(folder / "items.pickle").write_bytes(pickle.dumps(SavedItems(folder / "list.spool", tuple, None, {})))
follower = subprocess.Popen([sys.executable, "-c", sys.argv[2], str(folder)])
print(follower.pid, flush=True)
time.sleep(600)
"""
FOLLOWER = """
import pickle, sys
from pathlib import Path
folder = Path(sys.argv[1])
try:
    list(pickle.loads((folder / "items.pickle").read_bytes()))
except EOFError as error:
    (folder / "ended").write_text(str(error))
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_a_helper_stops_waiting_when_its_job_is_killed(tmp_path):
    """A helper follows a list while the job that reads it lives; the job killed outright (the OOM
    killer, kill -9), the helper stops waiting instead of waiting for ever."""
    env = {**os.environ, "PYTHONPATH": str(lookback_processes.ROOT)}
    job = subprocess.Popen(
        [sys.executable, "-c", JOB, str(tmp_path), FOLLOWER], stdout=subprocess.PIPE, env=env, text=True
    )
    try:
        assert job.stdout is not None
        job.stdout.readline()  # the follower has started
        time.sleep(1.0)
        assert not (tmp_path / "ended").exists()  # it waits while the job lives
        job.kill()
        job.wait(timeout=30)
        deadline = time.monotonic() + 60
        while not (tmp_path / "ended").exists():
            assert time.monotonic() < deadline, "the follower is still waiting"
            time.sleep(0.05)
        assert "ends within a record" in (tmp_path / "ended").read_text()
    finally:
        if job.poll() is None:
            job.kill()
        job.wait(timeout=30)


WITHOUT_DATABASE = """
import pickle, sys
from pathlib import Path
import workflows.lookback_worker  # what a helper imports before its work comes
from workflows.lookback_formats import write_format
with open(sys.argv[1], "rb") as work:
    lookback, issuer, carried = pickle.load(work)
for fmt in ("md", "xlsx", "docx"):
    write_format(lookback, fmt, Path(sys.argv[2]) / f"out.{fmt}", issuer=issuer, carried=carried)
print(" ".join(name for name in ("sqlalchemy", "sqlmodel", "pydantic") if name in sys.modules))
"""


def test_a_helper_writes_every_format_without_the_database_modules(engine, tmp_path):
    """A helper's start is its imports: the look-back's views, its lists as files and what
    carry-over did unpickle, and every format is written, without SQLAlchemy, SQLModel or pydantic."""
    build(engine)
    with read_session(engine) as session:
        streamed = stream_lookback(session, as_of=AS_OF, year=2021)
        lists = {
            name: getattr(streamed, name).share(tmp_path / f"{name}.spool")
            for name in ("unfinished", "ongoing")
        }
        for name in lists:
            getattr(streamed, name).read()
        shared = dataclasses.replace(streamed, **lists, done=[], done_named=list(streamed.done_named or []))
    carried = CarryOverReport([CarriedPlan("2022-zhenggai", "整改清单", 2022, [("T1", "Z1")])])
    work = tmp_path / "work.pickle"
    work.write_bytes(pickle.dumps((shared, "某某办公室", carried), pickle.HIGHEST_PROTOCOL))
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_DATABASE, str(work), str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=lookback_processes.ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
    assert all((tmp_path / f"out.{fmt}").stat().st_size > 0 for fmt in ("md", "xlsx", "docx"))
