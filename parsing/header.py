"""The document's own facts: what it is (a plan or a report), its title, issuer, number and year.

They come from the document's own header — the notice that 印发 the plan, the title line, the
signature — never from page chrome (metadata blocks, breadcrumbs, a table's header row), which the
cleaner has already set aside; the metadata it mined is only a last resort.

What a document is, is what its title says it is: the last document-type word of the title, with
quoted titles (`关于《XX工作要点》落实情况的报告`) left out, decides — `…工作要点落实情况的函` and
`…年度报告` are reports even when they quote a plan, `《政府工作报告》重点工作任务分解` is a plan.
A document without a title is a report when its opening says so (`本年度报告根据…`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PLAN_WORDS = (
    r"工作要点|要点|工作方案|实施方案|行动方案|推进方案|分工方案|方案|任务分工|责任分工|任务分解|责任分解|分解"
    r"|工作计划|计划|实施意见|意见|工作安排|安排|重点任务|任务清单|清单|台账|规划|细则|措施|办法"
    r"|工作事项|事项|重点工作|工作任务|目标任务|任务"
)
_REPORT_WORDS = r"年度报告|工作年度报告|工作报告|情况报告|自查报告|年报|工作总结|总结|落实情况|完成情况|进展情况|执行情况|开展情况|工作情况|报告|通报"
_TYPE = re.compile(rf"(?P<plan>{_PLAN_WORDS})|(?P<report>{_REPORT_WORDS})")
_TITLE_WORD = re.compile(rf"{_PLAN_WORDS}|{_REPORT_WORDS}|通知|决定|函")
_QUOTE = re.compile(r"《[^《》]*》|〈[^〈〉]*〉|<[^<>]*>")
# `X关于印发《T》的通知`, `X关于印发T的通知` (T may itself quote a document: `2023年区《政府工作报告》…方案`).
_NOTICE = re.compile(
    r"^(?P<issuer>.*?)(?:关于)?(?:印发|转发|下发)\s*(?P<title>.+?)\s*的?(?:通知|决定|函)\s*(?:[（(【〔\[].*)?$"
)
_QUOTED_FIRST = re.compile(r"^《(?P<title>[^》]+)》.{0,40}?(?:印发|下发|转发)")
_QUOTED = re.compile(r"^(?P<issuer>[^《》]{2,40}?)《(?P<title>[^》]+)》$")
_BRACKETED_LEAD = re.compile(r"^【[^】]{1,30}】")
# 吉市监办字〔2021〕76号, 国办发〔2021〕12号, 〔〕 often copied as [] () 【】.
_DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fff]{1,12}\s*[〔\[［(（【]\s*(\d{4})\s*[〕\]］)）】]\s*第?\s*\d{1,4}\s*号"
)
_YEAR = re.compile(r"((?:19|20)\d{2})\s*(?:[-—至~～]\s*(?:19|20)\d{2}\s*)?年")
_DATE_LINE = re.compile(
    r"^(?:(?:19|20)\d{2}|[二〇○一三四五六七八九零]{4})\s*年[\d一二三四五六七八九十〇○]{1,3}月[\d一二三四五六七八九十〇○]{1,3}日$"
)
_ORG_SUFFIX = re.compile(
    r"(?:局|厅|委员会|委|办公室|办|政府|中心|院|部|署|会|小组|集团|公司|大学|学院|所|站|处|科|室)$"
)
_REPORT_OPENING = re.compile(r"本(?:年度)?报告|年度报告(?:根据|是根据|依据)|本年报")
_SIGNATURE_MAX = 40
_TITLE_MAX = 80
_HEAD_TITLE_LINES = 15


@dataclass
class Header:
    title: str = ""
    issuer: str = ""
    doc_number: str = ""
    year: int | None = None
    is_report: bool = False
    title_line: int | None = None  # index in the head of the line the title came from


def is_date_line(norm: str) -> bool:
    return bool(_DATE_LINE.match(norm.replace(" ", "")))


def is_signature_line(norm: str) -> bool:
    """A line that signs the document: an organisation alone on its line, or a date alone."""
    compact = norm.replace(" ", "")
    if is_date_line(compact):
        return True
    return (
        len(compact) <= _SIGNATURE_MAX
        and not re.search(r"[。，；：、:,;|｜\t]", compact)
        and bool(_ORG_SUFFIX.search(compact))
    )


def kind_of_title(title: str) -> str | None:
    """ "plan" or "report" by the title's last document-type word (quoted titles left out), or None."""
    outside = _QUOTE.sub("", title)
    words = list(_TYPE.finditer(outside)) or list(_TYPE.finditer(title))
    if not words:
        return None
    return "report" if words[-1].lastgroup == "report" else "plan"


def read_header(
    head: list[tuple[str, str]],
    tail: list[tuple[str, str]],
    meta: dict[str, str],
    opening: str = "",
    text_of_body: str = "",
) -> Header:
    """Facts from the (text, simplified) lines before the first point, the signature after the last,
    the metadata the cleaner mined, and the opening text of the body (for a document with no title)."""
    header = Header()
    header.title, header.issuer, header.title_line = _title_and_issuer(head, meta)
    header.doc_number = _doc_number(head, meta)
    if not header.issuer:
        header.issuer = (
            _signature_issuer(head)
            or _signature_issuer(tail)
            or meta.get("issuer", "")
            or _title_issuer(header.title)
        )
    header.year = _year(header, head, tail, meta, opening)
    title_norm = next((norm for text, norm in head if text == header.title), header.title)
    kind = kind_of_title(title_norm)
    if kind is None:
        prose = " ".join(norm for _, norm in head[-6:]) + opening
        kind = "report" if _REPORT_OPENING.search(prose[:600]) or reads_as_report(text_of_body) else "plan"
    header.is_report = kind == "report"
    return header


# A document with no title that says what it is: a report tells what was done (headings such as
# 总体情况 / 主要做法和成效 / 存在的问题 / 下一步打算, counts of what was published, 截至…), a plan
# assigns work (headings such as 总体要求 / 重点任务 / 保障措施, 责任单位 and 完成时限 labels).
_REPORT_HEADING = re.compile(r"(?:情况|成效|做法|成绩|问题|不足|打算|经验|亮点|进展|体会|收获|概述)[。：:]?$")
_PLAN_HEADING = re.compile(r"(?:要求|任务|措施|目标|原则|思想|保障|步骤|安排|分工|机制|领导)[。：:]?$")
_REPORT_WORDS_IN_BODY = re.compile(
    r"本(?:年度)?报告|年度报告|工作总结|本年度|今年以来|一年来|截至|截止|同比|圆满完成|全部完成|顺利完成|取得(?:了)?[^。]{0,8}成效"
)
_COUNTS = re.compile(
    r"(?:共|累计|合计|发布|公开|受理|办理|处理|收到|答复)[^。，,；]{0,12}?\d+(?:\.\d+)?\s*(?:条|件|次|项|人次|篇|期|个)"
)
_PLAN_WORDS_IN_BODY = re.compile(
    r"责任单位|牵头单位|配合单位|完成时限|责任处室|责任科室|责任部门|制定本(?:方案|要点|计划)|现将.{0,40}印发|"
    r"(?:要|应)(?:加强|做好|认真|进一步|坚持|严格|切实)|确保|力争"
)
_HEADING_LINE = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])(?P<title>[^。]{2,30})"
)


def reads_as_report(text: str) -> bool:
    """Whether a document without a telling title reports done work rather than assigning it."""
    report = plan = 0.0
    for line in text.splitlines():
        heading = _HEADING_LINE.match(line.strip())
        if heading:
            title = heading["title"].strip()
            report += 2 * bool(_REPORT_HEADING.search(title))
            plan += 2 * bool(_PLAN_HEADING.search(title))
    report += len(_REPORT_WORDS_IN_BODY.findall(text)) + min(len(_COUNTS.findall(text)), 6) * 0.5
    report += text.count("了") / 8
    plan += len(_PLAN_WORDS_IN_BODY.findall(text)) * 0.7
    return report > plan + 1


def _title_and_issuer(head: list[tuple[str, str]], meta: dict[str, str]) -> tuple[str, str, int | None]:
    issuer = ""
    quoted = ""
    for text, norm in _title_lines(head[:_HEAD_TITLE_LINES]):
        norm = _BRACKETED_LEAD.sub(lambda m: " " * len(m.group()), norm)  # `【栏目】…的通知`
        line = norm.strip()
        found = None
        if len(line) <= _TITLE_MAX * 2 and "。" not in line:  # a notice's title line, not its prose
            found = _NOTICE.match(line) or _QUOTED.match(line)
        found = found or _QUOTED_FIRST.match(line)
        if found:
            offset = len(norm) - len(norm.lstrip())
            start, end = found.start("title") + offset, found.end("title") + offset
            if norm[start] == "《" and norm[end - 1] == "》" and "《" not in norm[start + 1 : end - 1]:
                start, end = start + 1, end - 1  # the whole title quoted: `印发《T》的通知`
            quoted = text[start:end] if len(text) == len(norm) else norm[start:end]
            if "issuer" in found.groupdict():
                raw = (
                    text[offset : found.end("issuer") + offset] if len(text) == len(norm) else found["issuer"]
                )
                issuer = re.sub(r"(?:关于|關於)$", "", raw.strip())
            break
    # A line of its own that is (or ends with) the quoted title is the fuller form of it.
    if quoted:
        # The plan's own title line (the last one, nearest the body), which may say more — but not a
        # signature's date fused to it (`2023年3月30日XX方案`).
        key = re.sub(r"\s+", "", quoted)
        for index in range(len(head) - 1, -1, -1):
            text, norm = head[index]
            compact = re.sub(r"\s+", "", text)
            fuller = compact.endswith(key) and len(compact) <= len(key) + 30
            if fuller and "《" not in text and _is_title(norm) and not _DATE.search(compact[: -len(key)]):
                return text.strip(), issuer, index
        return quoted, issuer, None
    for index, (text, norm) in enumerate(head[:_HEAD_TITLE_LINES]):
        if _is_title(norm):
            return _BRACKETED_LEAD.sub("", text.strip()).strip(" |｜\t"), issuer, index
    if meta.get("title") and _is_title(meta["title"]):
        return _strip_brackets(meta["title"]), issuer, None
    return "", issuer, None


_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")
_TITLE_PIECE_MAX = 30


def _title_lines(head: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The head's lines, and runs of short lines joined: a title printed over two or three lines
    (`…关于印发某市` / `2022年…工作任务` / `分工方案的通知`)."""
    out = list(head)
    for start in range(len(head)):
        for end in range(start + 2, min(start + 4, len(head)) + 1):
            pieces = head[start:end]
            if any(len(n) > _TITLE_PIECE_MAX or re.search(r"[。，,：:；;|]", n) for _, n in pieces):
                break
            out.append(("".join(t.strip() for t, _ in pieces), "".join(n.strip() for _, n in pieces)))
    return out


def is_title_line(norm: str) -> bool:
    """Whether a line reads as a document's title (names a document type; not prose, not a row)."""
    return _is_title(norm)


def _is_title(norm: str) -> bool:
    """A line that reads as a title: it names a document type, is short, and is neither prose nor a
    table row nor a label."""
    line = norm.strip().strip("|｜ \t")
    if not line or len(line) > _TITLE_MAX or re.search(r"[。；;：:|｜\t]", line):
        return False
    if "，" in line or "," in line:
        return False
    return bool(_TITLE_WORD.search(_QUOTE.sub("", line) or line))


def _strip_brackets(title: str) -> str:
    found = _QUOTED.match(title) or _NOTICE.match(title)
    return found["title"] if found else title


def _doc_number(head: list[tuple[str, str]], meta: dict[str, str]) -> str:
    for text, norm in head:
        for found in _DOC_NUMBER.finditer(norm):
            before = norm[: found.start()].rstrip("（( ")
            window = norm[max(0, found.start() - 60) : found.start()]
            if before.endswith("》") or "按照" in window or "根据" in window or "落实" in window:
                continue  # a cited document, not this one
            number = text[found.start() : found.end()] if len(text) == len(norm) else found.group(0)
            return number.strip()
    value = meta.get("doc_number", "")
    found = _DOC_NUMBER.search(value)
    return found.group(0) if found else ""


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
    header: Header,
    head: list[tuple[str, str]],
    tail: list[tuple[str, str]],
    meta: dict[str, str],
    opening: str,
) -> int | None:
    for source in (header.title, header.doc_number):
        found = _YEAR.search(source) or re.search(r"[〔\[［(（【]((?:19|20)\d{2})[〕\]］)）】]", source)
        if found:
            return int(found.group(1))
    # A title without its year (`潍坊政务公开工作要点实施方案`) printed again with it just below.
    for _text, norm in head:
        if "《" not in norm and is_title_line(norm) and (found := _YEAR.search(norm)):
            return int(found.group(1))
    for _text, norm in [*head, *tail]:
        if is_date_line(norm):
            found = re.search(r"(?:19|20)\d{2}", norm)
            if found:
                return int(found.group(0))
    found = re.search(r"(?:19|20)\d{2}", meta.get("date", ""))
    if found:
        return int(found.group(0))
    # No title, number or date: the year the opening prose speaks of (`2025年…工作的总体要求是`) — a
    # year naming the work, not a time (2023年底前, 2023年6月) nor a cited document.
    prose = _QUOTE.sub("", " ".join(norm for _, norm in head if "。" in norm) + " " + opening[:400])
    found = _PLAN_YEAR.search(prose)
    return int(found.group(1)) if found else None


_PLAN_YEAR = re.compile(
    r"(?<![\d〔\[（(])((?:19|20)\d{2})\s*年(?![底末内前度]|\s*\d|\s*[一二三四五六七八九十]+月|第)"
)
