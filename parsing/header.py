"""The plan's own facts: title, issuer, document number, year, and whether it is a plan at all.

They come from the lines before the first point (the notice that 印发 the plan, the title line)
and from the signature after the last one, plus what the cleaner mined from web metadata.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PLAN_WORDS = re.compile(
    r"(?:工作要点|工作方案|实施方案|任务分工|分工方案|行动方案|工作计划|实施意见|推进方案|工作安排|重点任务)"
)
_REPORT_WORDS = re.compile(r"(?:年度报告|工作报告|年报|工作总结|情况报告|自查报告)")
_NOTICE = re.compile(r"^(?P<issuer>.*?)(?:关于)?印发\s*《(?P<title>[^》]+)》")
_QUOTED = re.compile(r"^(?P<issuer>[^《》]{2,40}?)《(?P<title>[^》]+)》$")
# 吉市监办字〔2021〕76号, 国办发〔2021〕12号, 〔〕 often copied as [] () 【】.
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［(（【]\s*(\d{4})\s*[〕\]］)）】]\s*第?\s*\d{1,4}\s*号")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_DATE_LINE = re.compile(
    r"^(?:(?:19|20)\d{2}|[二〇一三四五六七八九零]{4})\s*年[\d一二三四五六七八九十〇]{1,3}月[\d一二三四五六七八九十〇]{1,3}日$"
)
_ORG_SUFFIX = re.compile(
    r"(?:局|厅|委员会|委|办公室|办|政府|中心|院|部|署|会|小组|集团|公司|大学|学院|所|站|处|科|室)$"
)
_SIGNATURE_MAX = 40


@dataclass
class Header:
    title: str = ""
    issuer: str = ""
    doc_number: str = ""
    year: int | None = None
    is_report: bool = False


def is_date_line(norm: str) -> bool:
    return bool(_DATE_LINE.match(norm.replace(" ", "")))


def is_signature_line(norm: str) -> bool:
    """A line that signs the document: an organisation alone on its line, or a date alone."""
    compact = norm.replace(" ", "")
    if is_date_line(compact):
        return True
    return (
        len(compact) <= _SIGNATURE_MAX
        and not re.search(r"[。，；：、:,;]", compact)
        and bool(_ORG_SUFFIX.search(compact))
    )


def read_header(head: list[tuple[str, str]], tail: list[tuple[str, str]], meta: dict[str, str]) -> Header:
    """Facts from the (text, simplified) lines before the first point and the signature after the last."""
    header = Header()
    header.title, header.issuer = _title_and_issuer(head, meta)
    header.doc_number = _doc_number(head, meta)
    if not header.issuer:
        header.issuer = (
            meta.get("issuer", "")
            or _signature_issuer(tail)
            or _signature_issuer(head)
            or _title_issuer(header.title)
        )
    header.year = _year(header, head, tail, meta)
    title_norm = next((norm for text, norm in head if text == header.title), header.title)
    header.is_report = bool(_REPORT_WORDS.search(title_norm)) and not _PLAN_WORDS.search(title_norm)
    return header


def _title_and_issuer(head: list[tuple[str, str]], meta: dict[str, str]) -> tuple[str, str]:
    issuer = ""
    quoted = ""
    for text, norm in head[:12]:
        found = _NOTICE.match(norm) or _QUOTED.match(norm)
        if found:
            quoted = (
                text[found.start("title") : found.end("title")] if len(text) == len(norm) else found["title"]
            )
            issuer = text[: found.end("issuer")] if len(text) == len(norm) else found["issuer"]
            issuer = re.sub(r"关于$|關於$", "", issuer.strip())
            break
    # A line of its own that is (or ends with) the quoted title is the fuller form of it.
    if quoted:
        for text, _norm in head:
            if text.endswith(quoted) and "《" not in text and len(text) <= len(quoted) + 30:
                return text, issuer
        return quoted, issuer
    if meta.get("title"):
        return _strip_brackets(meta["title"]), issuer
    for text, norm in head[:12]:
        if (_PLAN_WORDS.search(norm) or _REPORT_WORDS.search(norm)) and len(norm) <= 80 and "。" not in norm:
            return text, issuer
    return (head[0][0] if head else ""), issuer


def _strip_brackets(title: str) -> str:
    found = _QUOTED.match(title)
    return found["title"] if found else title


def _doc_number(head: list[tuple[str, str]], meta: dict[str, str]) -> str:
    if meta.get("doc_number") and _DOC_NUMBER.search(meta["doc_number"]):
        return _DOC_NUMBER.search(meta["doc_number"]).group(0)  # type: ignore[union-attr]
    for text, norm in head:
        for found in _DOC_NUMBER.finditer(norm):
            before = norm[: found.start()].rstrip("（( ")
            if before.endswith("》") or "按照" in norm[max(0, found.start() - 60) : found.start()]:
                continue  # a cited document, not this one
            return text[found.start() : found.end()] if len(text) == len(norm) else found.group(0)
    return ""


def _title_issuer(title: str) -> str:
    """`某局2024年政务公开工作要点` -> 某局: the organisation a title starts with, before its year."""
    found = re.match(r"^(.{2,30}?)(?:(?:19|20)\d{2}|二〇)", title)
    if found and _ORG_SUFFIX.search(found.group(1)):
        return found.group(1)
    return ""


def _signature_issuer(lines: list[tuple[str, str]]) -> str:
    for index, (text, norm) in enumerate(lines):
        nxt = lines[index + 1][1] if index + 1 < len(lines) else ""
        if not is_date_line(norm) and is_signature_line(norm) and is_date_line(nxt):
            return text.strip()
    return ""


def _year(
    header: Header, head: list[tuple[str, str]], tail: list[tuple[str, str]], meta: dict[str, str]
) -> int | None:
    for source in (header.title, header.doc_number):
        found = _YEAR.search(source) or re.search(r"[〔\[［(（【]((?:19|20)\d{2})[〕\]］)）】]", source)
        if found:
            return int(found.group(1))
    for _text, norm in [*tail, *head]:
        if is_date_line(norm):
            found = _YEAR.search(norm)
            if found:
                return int(found.group(1))
    date = meta.get("date", "")
    found = re.search(r"(?:19|20)\d{2}", date)
    return int(found.group(0)) if found else None
