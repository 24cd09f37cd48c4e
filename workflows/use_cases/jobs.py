"""What the jobs do: escalate, digest, send, look back. The scheduler, the Prefect flows, the demo
and the CLI's `escalate|digest|send|lookback` all run these, so a look-back written by any of them
is the same document (the plans folder for section titles comes from the settings here, not from
each caller).

Free of Prefect on purpose: a Prefect flow with no server starts a temporary API server first (8 s
or more, see the README); the flows in workflows/flows call these as tasks.

Each returns a typed result. `lines` renders it for a terminal or a log (the words the CLI has
always printed); the demo and the tests read the fields.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine

from models.reads.job_failures import TaskFailure
from models.rules.permissions import Action
from models.settings import Settings
from models.vocabulary.i18n import _
from workflows.deliver import DeliveryReport, deliver
from workflows.digest import DigestReport, compose_digests
from workflows.escalate import EscalateReport, raise_due
from workflows.paced_collections import paced_collections
from workflows.use_cases.actor import Actor
from workflows.use_cases.guard import require

PREVIEWED = 50  # a dry run lists at most this many levels (a first run on an old ledger has thousands)
Progress = Callable[[str], None] | None


@dataclass
class Sent:
    """What a send did: notices sent through a channel, those written to the outbox folder (no
    channel configured: someone must pass them on), those that failed (kept queued), the files."""

    sent: int = 0
    failed: list[str] = field(default_factory=list)
    outbox_files: list[str] = field(default_factory=list)
    to_outbox: int = 0
    outbox: str = ""

    @classmethod
    def of(cls, report: DeliveryReport, outbox: Path | None = None) -> Sent:
        return cls(
            report.sent,
            list(report.failed),
            list(report.outbox_files),
            report.to_outbox,
            str(outbox) if outbox else "",
        )

    @property
    def lines(self) -> list[str]:
        """What happened to the notices, in words that never call a file in a folder "sent"."""
        parts = []
        if self.sent or not self.to_outbox:
            parts.append(_("sent {count} notices").format(count=self.sent))
        if self.to_outbox:
            where = f"（{self.outbox}）" if self.outbox else ""
            parts.append(
                _(
                    "{count} written to the outbox{where}: no channel is set for their recipients, pass them on"
                ).format(count=self.to_outbox, where=where)
            )
        if self.failed:
            parts.append(_("{count} failed (kept for the next run)").format(count=len(self.failed)))
        return [_("; ").join(parts)] + ["  " + _("failed: {error}").format(error=f) for f in self.failed]


@dataclass
class _Job:
    as_of: dt.date
    sent: Sent | None = None

    @property
    def failed(self) -> int:
        """Notices that could not be sent (they stay queued)."""
        return len(self.sent.failed) if self.sent else 0

    @property
    def paths(self) -> list[str]:
        """Files written (notices in the outbox, reports)."""
        return list(self.sent.outbox_files) if self.sent else []

    def _sent_lines(self) -> list[str]:
        return self.sent.lines if self.sent else []

    @property
    def skipped_tasks(self) -> list[str]:
        """Codes of the tasks the job could not compute: left out, journalled, the others done."""
        return [failure.code for failure in self._failures()]

    def _failures(self) -> list[TaskFailure]:
        return list(getattr(getattr(self, "report", None), "failures", None) or [])

    def _failure_lines(self) -> list[str]:
        name = getattr(self, "name", "")
        return [failure.line(name) for failure in self._failures()]


@dataclass
class Escalated(_Job):
    report: EscalateReport | None = None
    name: str = "escalate"

    @property
    def raised(self) -> dict[str, int]:
        return dict(self.report.raised) if self.report else {}

    @property
    def lines(self) -> list[str]:
        report = self.report
        assert report is not None
        levels = ", ".join(f"{level} {n}" for level, n in report.raised.items()) or _("none")
        line = (
            _("{day}: would raise {levels}; {skipped} lower levels passed over")
            if report.dry_run
            else _("{day}: raised {levels}; {skipped} lower levels passed over")
        )
        lines = [line.format(day=self.as_of.isoformat(), levels=levels, skipped=report.skipped)]
        lines += [_("warning: {warning}").format(warning=w) for w in report.warnings]
        lines += self._failure_lines()
        if report.dry_run:
            # Task codes (T12), as every other command shows and takes them, and the title to read by.
            lines += [
                f"  {r.level:9} {r.code:6} "
                + _("due {day}").format(day=r.occurrence)
                + f"  {r.title}（{r.plan}）"
                for r in report.preview[:PREVIEWED]
            ]
            if len(report.preview) > PREVIEWED:
                lines.append("  " + _("… and {count} more").format(count=len(report.preview) - PREVIEWED))
            return lines
        return [*lines, _("queued {count} notices").format(count=report.notices), *self._sent_lines()]


@dataclass
class Digested(_Job):
    report: DigestReport | None = None
    name: str = "digest"

    @property
    def week(self) -> str:
        """The ISO week of the digests (2021-W09)."""
        return self.report.week if self.report else ""

    @property
    def lines(self) -> list[str]:
        report = self.report
        assert report is not None
        if report.dry_run:
            queue = _("{week}: would queue {count} digests").format(
                week=report.week, count=len(report.drafts)
            )
            return [*self._failure_lines(), queue] + [f"  {d.recipient}: {d.subject}" for d in report.drafts]
        rest = "" if report.queued == len(report.drafts) else _(" (the rest were queued by an earlier run)")
        queued = _("{week}: {count} digests, {queued} newly queued").format(
            week=report.week, count=len(report.drafts), queued=report.queued
        )
        return [
            *self._failure_lines(),
            queued + rest,
            *self._sent_lines(),
        ]


@dataclass
class SentPending(_Job):
    name: str = "send"

    @property
    def lines(self) -> list[str]:
        return self._sent_lines()


@dataclass
class LookedBack(_Job):
    """The look-back of a year (or a plan): the files written, or with a dry run the summary."""

    year: int | None = None
    plan: str | None = None
    files: list[str] = field(default_factory=list)
    summary: str = ""
    dry_run: bool = False
    name: str = "lookback"
    helper_peak_kib: int = 0  # the processes that wrote formats beside the job's, added up

    @property
    def paths(self) -> list[str]:
        return list(self.files)

    @property
    def lines(self) -> list[str]:
        if self.dry_run:
            return [self.summary]
        scope = self.plan if self.plan is not None else self.year
        return [_("look-back of {scope} as of {day}:").format(scope=scope, day=self.as_of.isoformat())] + [
            "  " + _("wrote {path}").format(path=p) for p in self.files
        ]


JobResult = Escalated | Digested | SentPending | LookedBack
Queued = TypeVar("Queued", Escalated, Digested)  # a job that queues notices, then sends them


def escalate(
    engine: Engine,
    settings: Settings,
    actor: Actor,
    *,
    as_of: dt.date,
    dry_run: bool = False,
    send: bool = True,
    progress: Progress = None,
) -> Escalated:
    """Raise the rungs of the ladder due on `as_of` (each once per task and due date) and, unless
    told not to, send the notices queued."""
    require(actor, Action.ESCALATE)
    with paced_collections():
        result = Escalated(as_of, report=raise_due(engine, settings, as_of=as_of, dry_run=dry_run))
    return _then_send(result, engine, settings, actor, dry_run=dry_run, send=send, progress=progress)


def digest(
    engine: Engine,
    settings: Settings,
    actor: Actor,
    *,
    as_of: dt.date,
    dry_run: bool = False,
    send: bool = True,
    progress: Progress = None,
) -> Digested:
    """Queue the ISO week's digests (per unit and for the office) and send those not yet sent."""
    require(actor, Action.DIGEST)
    with paced_collections():
        result = Digested(as_of, report=compose_digests(engine, settings, as_of=as_of, dry_run=dry_run))
    return _then_send(result, engine, settings, actor, dry_run=dry_run, send=send, progress=progress)


def send_pending(
    engine: Engine, settings: Settings, actor: Actor, *, as_of: dt.date, progress: Progress = None
) -> SentPending:
    """Send whatever is still queued (notices that failed on an earlier run)."""
    require(actor, Action.SEND_NOTICES)
    return SentPending(as_of, sent=_send(engine, settings, actor, progress))


def _then_send(
    result: Queued,
    engine: Engine,
    settings: Settings,
    actor: Actor,
    *,
    dry_run: bool,
    send: bool,
    progress: Progress,
) -> Queued:
    """The second half of escalate and digest: what they queued is sent now, unless it was a dry
    run or the caller sends later (the Prefect flows send in a task of their own)."""
    if send and not dry_run:
        result.sent = _send(engine, settings, actor, progress)
    return result


def _send(engine: Engine, settings: Settings, actor: Actor, progress: Progress) -> Sent:
    require(actor, Action.SEND_NOTICES)
    sent = deliver(engine, settings, kinds=None, progress=progress)
    return Sent.of(sent, settings.resolve(settings.notify.outbox))


# --- The look-back ---------------------------------------------------------------------------


def plans_folder(settings: Settings) -> Path:
    """Where the plans' source documents are: the look-back reads its section titles there."""
    return settings.resolve(settings.plans.dir)


def look_back(
    engine: Engine,
    settings: Settings,
    actor: Actor,
    *,
    as_of: dt.date,
    year: int | None = None,
    plan: str | None = None,
    formats: Sequence[str] | None = None,
    output: Path | None = None,
    carry: bool = False,
    dry_run: bool = False,
) -> LookedBack:
    """The look-back of a plan or a year (the as-of year when neither is given), written in the
    formats asked for (config lookback.formats by default) to `output` (config lookback.output);
    with carry, the unfinished items are first copied into next year's rectification list."""
    from workflows.lookback_report import preview_lookback, summary_lines, write_lookback

    if plan is None and year is None:
        year = as_of.year
    result = LookedBack(as_of, year=year, plan=plan, dry_run=dry_run)
    if dry_run:
        require(actor, Action.VIEW)
        preview = preview_lookback(
            engine, as_of=as_of, plan=plan, year=year, carry=carry, plans_dir=plans_folder(settings)
        )
        result.summary = summary_lines(preview.lookback, preview.carried)
        return result
    require(actor, Action.LOOK_BACK)
    with paced_collections():
        written = write_lookback(
            engine,
            as_of=as_of,
            plan=plan,
            year=year,
            formats=tuple(formats) if formats else tuple(settings.lookback.formats),
            output=output if output is not None else settings.resolve(settings.lookback.output),
            carry=carry,
            actor=actor.name,
            plans_dir=plans_folder(settings),
            processes=settings.lookback.processes,
        )
    result.files = [str(path) for path in written.paths]
    result.summary = written.summary
    result.helper_peak_kib = written.helper_peak_kib
    return result


def look_back_document(
    engine: Engine,
    settings: Settings,
    actor: Actor,
    *,
    as_of: dt.date,
    fmt: str,
    year: int | None = None,
    plan: str | None = None,
) -> bytes:
    """One look-back file rendered in memory (the page's download): the same bytes `look_back`
    writes for the same ledger, scope, format and day."""
    from workflows.lookback_report import build_lookback, render

    require(actor, Action.VIEW)
    lookback = build_lookback(engine, as_of=as_of, plan=plan, year=year, plans_dir=plans_folder(settings))
    return render(lookback, fmt)
