"""`duban parse --explain`: a document's parse told line by line, in Chinese, for the clerk."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from models.files.archive_limits import ArchiveLimits
from parsing.plan import parse_text
from parsing.reading import MAX_BYTES, read_document
from parsing.trace import Trace

_EXCERPT = 40  # characters of a line shown before its explanation


def explain_document(
    path: str | Path,
    *,
    known_units: Collection[str] = (),
    max_bytes: int | None = None,
    archive_limits: ArchiveLimits | None = None,
) -> str:
    """The parse of one document explained line by line (Chinese, for the clerk)."""
    trace = Trace()
    text = read_document(path, max_bytes=max_bytes or MAX_BYTES, archive_limits=archive_limits)
    plan = parse_text(text, source=str(path), known_units=known_units, trace=trace)
    rows = sorted(trace.entries, key=lambda entry: (entry.no, entry.order))
    out = [
        f"文件：{path}",
        f"类型：{'报告' if plan.kind.value == 'report' else '工作计划'}；标题：{plan.title or '（未找到）'}",
    ]
    out.append(
        f"发文机关：{plan.issuer or '（未找到）'}；文号：{plan.doc_number or '无'}；年度：{plan.year or '未知'}"
    )
    out.append(f"任务数：{len(plan.tasks)}")
    out.append("")
    for entry in rows:
        excerpt = entry.text if len(entry.text) <= _EXCERPT else entry.text[: _EXCERPT - 1] + "…"
        detail = f"  → {entry.detail}" if entry.detail else ""
        out.append(f"第{entry.no}行 [{entry.label}] {excerpt}{detail}")
    if plan.warnings:
        out.append("")
        out.append("提示：")
        out += [f"  - {warning}" for warning in plan.warnings]
    return "\n".join(out) + "\n"
