"""A notice stores its message once and is rendered when sent or shown: the same bytes as the three
renderings it used to store, in the language it was composed in; notices that stored the three
(queued before 0008r) send and show them unchanged."""

from __future__ import annotations

import datetime as dt
import decimal
from pathlib import Path

from sqlmodel import select
from workflow_ledger import seed, settings_for

from models.files.backup import backup
from models.files.restore import restore
from models.storage.db import alembic_config, open_ledger, read_session, write_session
from models.storage.tables import Notice
from models.writes.notices import Draft, queue
from workflows import channels, notice_bodies
from workflows.deliver import deliver
from workflows.digest import compose_digests
from workflows.render import Message, Wording
from workflows.use_cases import jobs
from workflows.use_cases.actor import Actor


def message() -> Message:
    found = Message("【督办】2021-06-01 催办 2（办公室）")
    found.para("T1 加强政务公开平台建设 <b>&</b> *强调*")
    found.link("查看 T1", "http://10.1.2.3:8000/tasks/T1?a=1&b=<2>")
    found.heading("事项清单")
    found.table(
        ["编号", "单位", "逾期", "期限", "比例", "完成"],
        [
            ["T1", "办公室 ", 12, dt.date(2021, 3, 31), 0.5, True],
            ["T22", "市发展改革委（试行）", "7", "2021-12-31（每季度）", None, False],
            ["T3", "—", None, dt.datetime(2021, 5, 1, 8, 30), 1.25, None],
        ],
    )
    found.heading("空的")
    found.table(["a"], [])
    return found


def renderings(found: Message) -> tuple[str, str, str]:
    return found.text(), found.markdown(), found.html()


def test_a_stored_message_renders_to_the_same_bytes():
    composed = message()
    stored = composed.to_json()
    assert stored is not None and "<table>" not in stored
    assert renderings(Message.from_json(stored)) == renderings(composed)


def test_a_stored_message_keeps_the_words_of_the_language_it_was_composed_in():
    english = Wording("{text}: {url}", "[{heading}]", "en")
    composed = Message("Digest", wording=english).link("See T1", "http://x/T1").heading("Tasks")
    restored = Message.from_json(composed.to_json() or "")
    assert restored.text() == "Digest\n======\nSee T1: http://x/T1\n\n[Tasks]\n"
    assert '<html lang="en">' in restored.html()


def test_a_message_json_cannot_bring_back_stores_its_three_renderings():
    odd = Message("t").table(["n"], [[decimal.Decimal("1.50")]])
    assert odd.to_json() is None
    draft = notice_bodies.draft(odd, kind="digest", period="2021-W22", recipient="office")
    assert (draft.message, draft.body_text, draft.body_markdown, draft.body_html) == ("", *renderings(odd))

    plain = notice_bodies.draft(message(), kind="digest", period="2021-W22", recipient="office")
    assert plain.message and (plain.body_text, plain.body_markdown, plain.body_html) == ("", "", "")
    assert tuple(notice_bodies.body(plain, kind) for kind in notice_bodies.KINDS) == renderings(message())


def test_the_outbox_renders_only_the_markdown_and_the_html(tmp_path):
    asked: list[str] = []
    bodies = notice_bodies.Bodies(
        notice_bodies.draft(message(), kind="digest", period="w", recipient="office")
    )

    def render(kind: str) -> str:
        asked.append(kind)
        return bodies(kind)

    sent = channels.send(channels.Message("s", "digest/w/office", render), "outbox", outbox=tmp_path)
    assert sent[-1].ok and sorted(asked) == ["html", "markdown"]
    assert (tmp_path / "digest/w/office.html").read_text(encoding="utf-8") == message().html()


def old_notice() -> Draft:
    """A notice as queued before 0008r: its three renderings stored, no message."""
    return Draft(
        "digest", "2021-W20", "unit:办公室", "旧周报", "纯文本\n", "# 旧周报\n\n正文\n", "<p>旧</p>\n"
    )


def test_a_notice_that_stored_its_renderings_sends_and_shows_them(engine, tmp_path):
    with write_session(engine) as session:
        queue(session, [old_notice()])
    with read_session(engine) as session:
        stored = session.exec(select(Notice)).one()
    assert [notice_bodies.body(stored, kind) for kind in notice_bodies.KINDS] == [
        "纯文本\n",
        "# 旧周报\n\n正文\n",
        "<p>旧</p>\n",
    ]
    report = deliver(engine, settings_for(tmp_path, str(engine.url)))
    assert report.to_outbox == 1
    folder = tmp_path / "outbox" / "digest" / "2021-W20"
    assert (folder / "unit-办公室.md").read_text(encoding="utf-8") == "# 旧周报\n\n正文\n"
    assert (folder / "unit-办公室.html").read_text(encoding="utf-8") == "<p>旧</p>\n"


def test_digests_store_their_message_once_and_send_what_they_would_have_stored(engine, tmp_path):
    seed(engine)
    settings = settings_for(tmp_path, str(engine.url))
    drafts = compose_digests(engine, settings, as_of=dt.date(2021, 6, 1), dry_run=True).drafts
    jobs.digest(engine, settings, Actor.system(), as_of=dt.date(2021, 6, 1))
    with read_session(engine) as session:
        stored = {n.recipient: n for n in session.exec(select(Notice))}
    assert stored and all(n.message and not n.body_text and not n.body_html for n in stored.values())
    for draft in drafts:
        composed = Message.from_json(draft.message)
        notice = stored[draft.recipient]
        assert notice_bodies.body(notice, "text") == composed.text()
        name = Path(settings.notify.outbox) / "digest" / notice.period / notice.recipient.replace(":", "-")
        assert name.with_suffix(".html").read_text(encoding="utf-8") == composed.html()


def test_a_backup_of_notices_with_stored_renderings_restores_and_upgrades(tmp_path):
    from alembic import command

    source = open_ledger(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    command.downgrade(alembic_config(source), "0007p")
    with write_session(source) as session:  # written as 0007p wrote them: no message column
        session.connection().exec_driver_sql(
            "INSERT INTO notice (kind, period, recipient, subject, body_text, body_markdown, body_html,"
            " created_at, attempts, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, '2021-05-17 00:00:00', 0, '')",
            tuple(old_notice().__dict__.values())[:7],
        )
    made = backup(source, tmp_path / "old.bak")
    source.dispose()
    target_url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    assert restore(target_url, made.path).upgraded_to is not None
    target = open_ledger(target_url)
    with read_session(target) as session:
        notice = session.exec(select(Notice)).one()
    target.dispose()
    assert notice.message == ""
    assert [notice_bodies.body(notice, kind) for kind in notice_bodies.KINDS] == [
        "纯文本\n",
        "# 旧周报\n\n正文\n",
        "<p>旧</p>\n",
    ]
