"""What notices say about themselves: links to the task pages, a 督办 the office receives in a
leader's place, outbox files never called sent, and quiet unit digests left out."""

from __future__ import annotations

import datetime as dt

from workflow_ledger import seed, settings_for

from models.reads.escalations import Raised
from models.settings import load_settings
from workflows.deliver import DeliveryReport
from workflows.digest import compose_digests
from workflows.escalate import compose
from workflows.notice_bodies import body
from workflows.use_cases.jobs import Sent

AS_OF = dt.date(2021, 6, 1)


def raised(leaders: list[str]) -> Raised:
    return Raised(
        escalation_id=7,
        level="supervise",
        occurrence=dt.date(2021, 5, 18),
        code="T29",
        title="编制政务公开地方标准",
        plan="2021年政务公开工作要点",
        path=["四", "10"],
        due_date=dt.date(2021, 5, 4),
        deadline_text="5月",
        lead=["标准化处"],
        leaders=leaders,
    )


def test_a_supervision_the_office_gets_for_want_of_a_leader_says_so_and_links_the_task(tmp_path):
    settings = load_settings()
    settings = settings.model_copy(
        update={"dashboard": settings.dashboard.model_copy(update={"base_url": "http://10.1.2.3:8000/"})}
    )
    drafts = {d.recipient: d for d in compose([raised([])], settings, as_of=AS_OF)}
    assert set(drafts) == {"unit:标准化处", "office"}
    office = drafts["office"]
    assert "标准化处未登记分管领导，本级督办改发政务公开办" in body(office, "text")
    assert "四、10" in body(office, "text") and "2021年政务公开工作要点" in body(office, "text")
    assert "查看 T29：http://10.1.2.3:8000/tasks/T29" in body(office, "text")
    assert '<a href="http://10.1.2.3:8000/tasks/T29">查看 T29</a>' in body(office, "html")
    assert "未登记分管领导" not in body(drafts["unit:标准化处"], "text")  # the unit is not told
    # With a leader registered, the notice goes to the leader and says nothing of the kind.
    with_leader = {d.recipient: d for d in compose([raised(["张副局长"])], settings, as_of=AS_OF)}
    assert "leader:张副局长" in with_leader and "office" not in with_leader
    # Without a base_url, no link.
    plain = compose([raised([])], load_settings(), as_of=AS_OF)
    assert all("/tasks/T29" not in body(d, "text") for d in plain)


def sent_lines(report: DeliveryReport) -> list[str]:
    return Sent.of(report).lines


def test_outbox_files_are_reported_as_written_not_sent():
    assert sent_lines(DeliveryReport(sent=0, to_outbox=3)) == [
        "已写入发件箱 3 条，收件人未配置发送渠道，需另行转交"
    ]
    both = sent_lines(DeliveryReport(sent=2, to_outbox=1, failed=["unit:办公室（周报）: 503"]))
    assert (
        both[0]
        == "已发送 2 条通知；已写入发件箱 1 条，收件人未配置发送渠道，需另行转交；1 条发送失败（已保留，下次运行时重发）"
    )
    assert sent_lines(DeliveryReport())[0] == "已发送 0 条通知"


def test_quiet_unit_digests_are_skipped_unless_configured(engine, tmp_path):
    seed(engine)
    settings = settings_for(tmp_path, str(engine.url))
    # Early in the year: nothing overdue or due soon anywhere, only tasks without a report yet.
    day = dt.date(2021, 3, 1)
    skipped = compose_digests(engine, settings, as_of=day, dry_run=True)
    sent_anyway = compose_digests(
        engine,
        settings.model_copy(update={"digest": settings.digest.model_copy(update={"skip_empty": False})}),
        as_of=day,
        dry_run=True,
    )
    units = lambda report: {d.recipient for d in report.drafts if d.recipient.startswith("unit:")}  # noqa: E731
    assert units(skipped) < units(sent_anyway)
    assert all("逾期 0 项，14 日内到期 0 项" not in d.subject for d in skipped.drafts)
    assert any(d.recipient == "office" for d in skipped.drafts)  # the office's digest always goes
