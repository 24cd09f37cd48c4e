"""Units' summaries: submitted (from text, .txt/.md or .docx), newest wins, nothing overwritten."""

from __future__ import annotations

import docx
import pytest
from lookback_ledger import PLAN, build
from sqlalchemy import func
from sqlmodel import select

from models.errors import BadInput, NotFound
from models.files.summary_file import read_summary_file
from models.reads.summaries import list_summaries
from models.storage.db import read_session, write_session
from models.storage.tables import UnitSummary
from models.writes.summaries import submit_summary


@pytest.fixture
def codes(engine):
    return build(engine)


def submit(engine, **kwargs):
    with write_session(engine) as session:
        return submit_summary(session, **{"actor": "office", **kwargs})


def test_a_newer_summary_wins_and_the_older_is_kept(engine, codes):
    submit(engine, unit="办公室", year=2021, text="  第一稿\r\n第二段  ")
    submit(engine, unit="办公室", year=2021, text="第二稿", source="总结.docx", actor="张三")
    with read_session(engine) as session:
        latest = list_summaries(session, year=2021)
        every = list_summaries(session, year=2021, latest=False)
        stored = session.exec(select(func.count()).select_from(UnitSummary)).one()
    assert [(s.unit, s.text, s.source, s.submitted_by) for s in latest] == [
        ("办公室", "第二稿", "总结.docx", "张三")
    ]
    assert [s.text for s in every] == ["第一稿\n第二段", "第二稿"]  # trimmed, line ends normalised
    assert stored == 2


def test_per_plan_and_whole_year_summaries_are_separate(engine, codes):
    submit(engine, unit="办公室", year=2021, text="全年")
    submit(engine, unit="办公室", year=2021, text="要点", plan=PLAN)
    with read_session(engine) as session:
        rows = list_summaries(session, year=2021)
        plan_id = session.exec(select(UnitSummary.plan_id).where(UnitSummary.text == "要点")).one()
        only_plan = list_summaries(session, year=2021, plan_ids=[plan_id], include_whole_year=False)
    assert [(s.plan, s.text) for s in rows] == [(None, "全年"), (PLAN, "要点")]
    assert rows[1].plan_title == "2021年测试工作要点"
    assert [s.text for s in only_plan] == ["要点"]


def test_units_are_resolved_through_the_registry(engine, codes):
    # An unknown unit is refused rather than filed under a name no look-back will find.
    with pytest.raises(NotFound, match="没有名为 办公厅 的单位"):
        submit(engine, unit="办公厅", year=2021, text="x")
    submit(engine, unit="辦公室", year=2021, text="繁体名称也能识别")  # Traditional form of 办公室
    with read_session(engine) as session:
        assert [s.unit for s in list_summaries(session)] == ["办公室"]


def test_bad_input_is_refused(engine, codes):
    with pytest.raises(BadInput, match="总结是空的"):
        submit(engine, unit="办公室", year=2021, text=" \n ")
    with pytest.raises(NotFound, match="没有计划 nope"):
        submit(engine, unit="办公室", year=2021, text="x", plan="nope")
    with pytest.raises(BadInput, match="属于 2021 年度，不是 2022 年度"):
        submit(engine, unit="办公室", year=2022, text="x", plan=PLAN)
    with pytest.raises(BadInput, match="不是合理的计划年度"):
        submit(engine, unit="办公室", year=21, text="x")
    with read_session(engine) as session:
        assert list_summaries(session) == []


def test_reading_summary_files(tmp_path):
    text = tmp_path / "总结.md"
    text.write_bytes("\ufeff# 办公室总结\n全年完成。\n".encode())
    assert read_summary_file(text) == "# 办公室总结\n全年完成。\n"
    document = docx.Document()
    document.add_paragraph("一、工作完成情况")
    document.add_paragraph("全年完成17项任务。")
    path = tmp_path / "总结.docx"
    document.save(path)
    assert read_summary_file(path) == "一、工作完成情况\n全年完成17项任务。"
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("办公室".encode("gbk"))
    with pytest.raises(BadInput, match="不是 UTF-8 文本"):
        read_summary_file(gbk)
    with pytest.raises(BadInput, match=r"\.txt、\.md"):
        read_summary_file(tmp_path / "总结.pdf")
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(BadInput, match=r"不是可读取的 \.docx 文件"):
        read_summary_file(broken)
    with pytest.raises(BadInput, match="无法读取"):
        read_summary_file(tmp_path / "missing.txt")
