"""How plans and points are named where people read them: a plan's short name, a point's place.

A plan's key (`2021-jilin-amr-gongkai-yaodian`) is the file's stem, stable for the machine; people
call the plan by a short name (2021年政务公开工作要点), which the office may set
(`duban plans --rename KEY 简称`) and which otherwise comes from the title and the year. A point's
place is written as documents write it: 五、12 / 二（三）2 / （一）1, never 五 > 12.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Collection, Iterable, Sequence
from typing import TYPE_CHECKING, Any

# The naming functions are pure; only plan_names reads the ledger, and imports SQLModel and the
# tables when it does: `duban tasks` names plans without them (models.reads.quick).
if TYPE_CHECKING:
    from sqlalchemy import Select
    from sqlmodel import Session

CN_NUMERALS = set("〇一二三四五六七八九十百")
MARKER = re.compile(r"[〇一二三四五六七八九十百]+|（[^）]+）|\d+|[①-⑳]|第.+[部分章节条]")
SHORT_NAME_CHARS = 16  # a short name longer than this is cut to its topic and document type
# The document types a title ends with, the longest first.
DOC_TYPES = (
    "重点工作任务分解",
    "任务分工方案",
    "工作任务分工",
    "工作实施方案",
    "工作要点",
    "实施方案",
    "工作方案",
    "工作计划",
    "分工方案",
    "行动方案",
    "年度报告",
    "工作报告",
    "方案",
    "要点",
    "计划",
    "报告",
)
# Where an agency's name ends at the head of a title (吉林省市场监督管理厅|政务公开工作要点).
AGENCY_END = re.compile(r"^.{2,24}?(?:委员会|管理局|管理厅|办公厅|办公室|人民政府|政府|厅|局|委|办|中心)")


def simplify(text: str) -> str:
    from models.reads.simplified import normal  # opencc, loaded only when a long title needs it

    return normal(text) if len(normal(text)) == len(text) else text


@functools.lru_cache(maxsize=16384)
def path_parts(path_key: str) -> tuple[str, ...]:
    """A task's path key ("一/（二）/3") as its parts, each part the one string of its text: a long
    list's items share them (list() of this: the tuple is shared too), and pickle (the look-back's
    spools) writes and reads each part once per chunk. Called straight from the cache, per row."""
    return tuple(map(sys.intern, path_key.split("/")))


def path_label(path: Sequence[str]) -> str:
    """A point's place as a document writes it: 五、12 / 二（三）2 / （一）1 / 3."""
    return _path_label(tuple(path))


# A look-back names every item's place in each of its tables (400,000 times for 100,000 tasks), and
# a ledger has few distinct places: each is worked out once while it keeps coming up.
@functools.lru_cache(maxsize=16384)
def _path_label(path: tuple[str, ...]) -> str:
    if not path:
        return ""
    head, rest = path[0], "".join(path[1:])
    if rest and set(head) <= CN_NUMERALS and not rest.startswith("（"):
        return f"{head}、{rest}"
    if rest and not MARKER.fullmatch(head):  # a carried-over item: [source plan, T29]
        return " ".join(path)
    return head + rest


# Pure, and asked for the same plans on every page (a ledger page names its rows' plans each time,
# about 0.2 ms a name through OpenCC): each distinct title is derived once per process.
@functools.lru_cache(maxsize=8192)
def default_short_name(title: str, *, year: int | None = None, issuer: str = "", key: str = "") -> str:
    """2021年政务公开工作要点 from 2021年吉林省市场监督管理厅政务公开工作要点: the year, the title
    without its agency, cut to its topic and type when long; the key when there is no title."""
    text = re.sub(r"\s+", "", title or "")
    if not text:
        return key
    text = re.sub(r"^关于(?:印发)?", "", text).strip("《》")
    text = re.sub(r"》?的通知$", "", text).strip("《》")
    head = re.match(r"^(\d{4})年(度)?", text)
    prefix = ""
    if head:
        prefix, text = head.group(0), text[head.end() :]
    elif year:
        prefix = f"{year}年"
    if issuer and text.startswith(issuer) and len(text) - len(issuer) >= 4:
        text = text[len(issuer) :]
    else:
        agency = AGENCY_END.match(text)
        if agency and len(text) - agency.end() >= 4:
            text = text[agency.end() :]
    text = text.removeprefix("关于").removeprefix("的")
    later = re.match(r"^(\d{4})年(度)?", text)  # 吉林省药品监督管理局2024年政务公开工作要点
    if later:
        prefix, text = later.group(0), text[later.end() :]
    if len(text) > SHORT_NAME_CHARS:
        simplified = simplify(text)  # a Traditional title ends with 實施方案
        kind = next((text[-len(t) :] for t in DOC_TYPES if simplified.endswith(t)), "")
        text = (
            text[: SHORT_NAME_CHARS - len(kind) - 1] + "…" + kind if kind else text[:SHORT_NAME_CHARS] + "…"
        )
    return prefix + text


def plan_name(
    short_name: str, title: str, *, year: int | None = None, issuer: str = "", key: str = ""
) -> str:
    """The name people read: the office's short name, else the default from the title."""
    return short_name.strip() or default_short_name(title, year=year, issuer=issuer, key=key)


def plan_names(session: Session, keys: Collection[str] | None = None) -> dict[str, str]:
    """Every plan's key (or these keys') -> the name people read, in one query."""
    params = {} if keys is None else {"keys": list(keys)}
    return names_of(session.connection().execute(_names_query(keys is None), params))


def plan_names_sql() -> Select:
    """Every plan's (key, short name, title, year, issuer), as names_of takes them."""
    from sqlmodel import select

    from models.storage.tables import Plan

    return select(Plan.key, Plan.short_name, Plan.title, Plan.year, Plan.issuer)


@functools.cache
def _names_query(every: bool) -> Any:
    """plan_names' query, built once (every page names its rows' plans): the keys are one
    expanding parameter, so the statement is the same whatever keys a page asks for."""
    from sqlalchemy import bindparam
    from sqlmodel import col

    from models.storage.tables import Plan

    query = plan_names_sql()
    return query if every else query.where(col(Plan.key).in_(bindparam("keys", expanding=True)))


def names_of(rows: Iterable[tuple[str, str, str, int | None, str]]) -> dict[str, str]:
    """key -> name from plan_names' rows (key, short name, title, year, issuer)."""
    return {
        key: plan_name(short, title, year=year, issuer=issuer, key=key)
        for key, short, title, year, issuer in rows
    }
