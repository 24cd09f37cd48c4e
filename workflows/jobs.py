"""The three recurring jobs as plain functions: what `duban escalate|digest|lookback`, the in-process
scheduler and the Prefect flows all run.

Keeping them free of Prefect is the design choice that lets the embedded default answer in well
under two seconds: a Prefect flow with no server starts a temporary API server first (8 s or more,
see DESIGN.md). The Prefect flows in workflows/flows call these same steps as tasks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from models.clock import today
from models.db import open_ledger
from models.settings import Settings, load_settings
from workflows.deliver import DeliveryReport, deliver
from workflows.digest import DigestReport, compose_digests
from workflows.escalate import EscalateReport, raise_due

JOB_NAMES = ("escalate", "digest", "lookback")
PREVIEWED = 50  # a dry run lists at most this many levels (a first run on an old ledger has thousands)


@dataclass
class JobResult:
    name: str
    as_of: dt.date
    lines: list[str] = field(default_factory=list)  # what to tell the user, one line each
    failed: int = 0  # notices that could not be sent (they stay queued)
    paths: list[str] = field(default_factory=list)  # files written


def sent_lines(sent: DeliveryReport, outbox: Path | None = None) -> list[str]:
    """What happened to the notices, in words that do not claim a file in a folder was sent."""
    parts = []
    if sent.sent or not sent.to_outbox:
        parts.append(f"已发送 {sent.sent} 条通知")
    if sent.to_outbox:
        where = f"（{outbox}）" if outbox else ""
        parts.append(f"已写入发件箱 {sent.to_outbox} 条{where}，收件人未配置发送渠道，需另行转交")
    if sent.failed:
        parts.append(f"{len(sent.failed)} 条发送失败（已保留，下次运行时重发）")
    lines = ["；".join(parts)]
    lines += [f"  failed: {failure}" for failure in sent.failed]
    return lines


def escalate(
    engine: Engine,
    settings: Settings,
    *,
    as_of: dt.date,
    dry_run: bool = False,
    send: bool = True,
    progress: Callable[[str], None] | None = None,
) -> JobResult:
    report: EscalateReport = raise_due(engine, settings, as_of=as_of, dry_run=dry_run)
    result = JobResult("escalate", as_of)
    levels = ", ".join(f"{level} {n}" for level, n in report.raised.items()) or "none"
    verb = "would raise" if dry_run else "raised"
    result.lines.append(f"{as_of.isoformat()}: {verb} {levels}; {report.skipped} lower levels passed over")
    result.lines += [f"warning: {w}" for w in report.warnings]
    if dry_run:
        # Task codes (T12), as every other command shows and takes them, and the title to read by.
        result.lines += [
            f"  {r.level:9} {r.code:6} due {r.occurrence}  {r.title}（{r.plan}）"
            for r in report.preview[:PREVIEWED]
        ]
        if len(report.preview) > PREVIEWED:
            result.lines.append(f"  … and {len(report.preview) - PREVIEWED} more")
        return result
    result.lines.append(f"queued {report.notices} notices")
    if send:
        _send(engine, settings, result, kinds=None, progress=progress)
    return result


def digest(
    engine: Engine,
    settings: Settings,
    *,
    as_of: dt.date,
    dry_run: bool = False,
    send: bool = True,
    progress: Callable[[str], None] | None = None,
) -> JobResult:
    report: DigestReport = compose_digests(engine, settings, as_of=as_of, dry_run=dry_run)
    result = JobResult("digest", as_of)
    if dry_run:
        result.lines.append(f"{report.week}: would queue {len(report.drafts)} digests")
        result.lines += [f"  {d.recipient}: {d.subject}" for d in report.drafts]
        return result
    result.lines.append(
        f"{report.week}: {len(report.drafts)} digests, {report.queued} newly queued"
        + ("" if report.queued == len(report.drafts) else " (the rest were queued by an earlier run)")
    )
    if send:
        _send(engine, settings, result, kinds=None, progress=progress)
    return result


def lookback(
    engine: Engine,
    settings: Settings,
    *,
    as_of: dt.date,
    year: int | None = None,
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
) -> JobResult:
    """The look-back of a year's plans (the as-of year by default), in the configured formats."""
    from workflows.lookback_report import summary_lines, write_lookback

    result = JobResult("lookback", as_of)
    chosen = year or as_of.year
    if dry_run:
        from models.db import read_session
        from models.lookback import compute_lookback

        with read_session(engine) as session:
            result.lines.append(summary_lines(compute_lookback(session, as_of=as_of, year=chosen)))
        return result
    written = write_lookback(
        engine,
        as_of=as_of,
        year=chosen,
        formats=tuple(settings.lookback.formats),
        output=settings.resolve(settings.lookback.output),
    )
    result.paths = [str(path) for path in written.paths]
    result.lines.append(f"look-back of {chosen} as of {as_of.isoformat()}:")
    result.lines += [f"  wrote {path}" for path in result.paths]
    return result


def _send(
    engine: Engine,
    settings: Settings,
    result: JobResult,
    *,
    kinds: tuple[str, ...] | None,
    progress: Callable[[str], None] | None,
) -> None:
    sent = deliver(engine, settings, kinds=kinds, progress=progress)
    result.failed = len(sent.failed)
    result.paths += sent.outbox_files
    result.lines += sent_lines(sent, settings.resolve(settings.notify.outbox))


def send_pending(
    engine: Engine, settings: Settings, *, as_of: dt.date, progress: Callable[[str], None] | None = None
) -> JobResult:
    """Send whatever is still queued (notices that failed on an earlier run)."""
    result = JobResult("send", as_of)
    _send(engine, settings, result, kinds=None, progress=progress)
    return result


RUNNERS: dict[str, Callable[..., JobResult]] = {"escalate": escalate, "digest": digest, "lookback": lookback}


def run_job(name: str, *, as_of: dt.date | None = None, settings: Settings | None = None) -> JobResult:
    """Run one job the way the scheduler does: settings from config.toml, today in its time zone."""
    settings = settings or load_settings()
    engine = open_ledger(settings.database_url)
    try:
        return RUNNERS[name](engine, settings, as_of=as_of or today(settings.timezone))
    finally:
        engine.dispose()
