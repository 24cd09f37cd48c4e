"""The sending edge: the outbox, and apprise against real SMTP and HTTP peers on loopback."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import peers
import pytest
from peers import HttpPeer, SmtpPeer, free_port

from workflows import channels
from workflows.channels import OUTBOX, Attempt, Message, check_channel, redact, send

# The loopback peers, bound as fixtures of this module (a plain import would be flagged by ruff as
# redefined by every test that takes the fixture as a parameter).
smtp_peer = peers.smtp_peer
http_peer = peers.http_peer

SUBJECT = "督办周报：2021年第48周（办公室）"
TEXTS = {
    "text": "督办周报\n========\n\n【逾期任务】\n  序号  任务\n----  ----------------\n   1  推进“放管服”改革\n",
    "markdown": "# 督办周报\n\n## 逾期任务\n\n| 序号 | 任务 |\n|---|---|\n| 1 | 推进“放管服”改革 |\n",
    "html": "<!doctype html><html><body><h1>督办周报</h1><table><tr><td>1</td><td>推进“放管服”改革</td></tr></table></body></html>",
}
MESSAGE = Message.rendered(SUBJECT, "digest/2021-W48/unit-办公室", **TEXTS)


class Sleeps:
    """A fake sleep that records what it was asked to wait."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def named(name: str) -> Message:
    return Message(MESSAGE.subject, name, MESSAGE.body)


# ---- outbox ----------------------------------------------------------------------------------


def test_outbox_writes_markdown_and_html(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    [attempt] = send(MESSAGE, OUTBOX, outbox=outbox)

    md = outbox / "digest" / "2021-W48" / "unit-办公室.md"
    assert attempt == Attempt("outbox", True, "", str(md), (str(md), str(md.with_suffix(".html"))))
    # The renderer's Markdown already opens with a title: it is kept, not doubled.
    assert md.read_text(encoding="utf-8") == TEXTS["markdown"]
    assert md.with_suffix(".html").read_text(encoding="utf-8") == TEXTS["html"]
    assert sorted(p.name for p in md.parent.iterdir()) == ["unit-办公室.html", "unit-办公室.md"]


def test_outbox_puts_the_subject_first_when_the_markdown_has_no_title(tmp_path: Path) -> None:
    message = Message.rendered(SUBJECT, "notice/1", text="正文", markdown="正文第一段\n", html="<p>正文</p>")
    [attempt] = send(message, "outbox://", outbox=tmp_path)

    assert attempt.ok
    assert Path(attempt.path).read_text(encoding="utf-8") == f"# {SUBJECT}\n\n正文第一段\n"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../x", "x"),
        ("../../etc/passwd", "etc/passwd"),
        ("/etc/passwd", "etc/passwd"),
        ("a/./../b", "a/b"),
        ("..\\..\\win", "win"),
        ('单位:办公室?*<>|"', "单位_办公室______"),
        (".hidden", "_hidden"),
        ("", "message"),
    ],
)
def test_outbox_keeps_unsafe_names_inside(tmp_path: Path, name: str, expected: str) -> None:
    outbox = tmp_path / "outbox"
    [attempt] = send(named(name), OUTBOX, outbox=outbox)

    assert attempt.ok, attempt.error
    path = Path(attempt.path)
    assert path == outbox / f"{expected}.md"
    assert path.resolve().is_relative_to(outbox.resolve())
    assert [p for p in tmp_path.rglob("*") if p.is_file() and outbox not in p.parents] == []


def test_outbox_rewrite_is_idempotent(tmp_path: Path) -> None:
    first = send(MESSAGE, OUTBOX, outbox=tmp_path)
    before = sorted((p.relative_to(tmp_path), p.read_bytes()) for p in tmp_path.rglob("*") if p.is_file())
    second = send(MESSAGE, OUTBOX, outbox=tmp_path)
    after = sorted((p.relative_to(tmp_path), p.read_bytes()) for p in tmp_path.rglob("*") if p.is_file())

    assert first == second
    assert before == after  # same two files, same bytes, no temporary left behind
    assert len(after) == 2


def test_outbox_that_cannot_be_written_is_a_failed_attempt(tmp_path: Path) -> None:
    blocker = tmp_path / "outbox"
    blocker.write_text("a file where the folder should be")
    sleeps = Sleeps()

    attempts = send(MESSAGE, OUTBOX, outbox=blocker, retries=2, retry_delay=0.5, sleep=sleeps)

    assert [a.ok for a in attempts] == [False, False]
    assert attempts[-1].error
    assert sleeps.calls == [0.5]


# ---- email -----------------------------------------------------------------------------------


def test_mailto_delivers_html_with_chinese_subject(smtp_peer: SmtpPeer, tmp_path: Path) -> None:
    url = smtp_peer.mailto(to="zhangsan@example.org", sender="duban@example.org")
    attempts = send(MESSAGE, url, outbox=tmp_path)

    assert [a.ok for a in attempts] == [True], attempts
    [mail] = smtp_peer.messages
    assert mail.subject == SUBJECT
    assert mail.rcpt_tos == ["zhangsan@example.org"]
    assert mail.mail_from == "duban@example.org"
    assert "text/html" in mail.content_types
    assert "推进“放管服”改革" in mail.html and "<table>" in mail.html
    assert "推进“放管服”改革" in mail.text  # apprise derives the plain alternative from the HTML
    assert list(tmp_path.iterdir()) == []  # nothing went to the outbox


def test_mailto_to_a_closed_port_fails_with_the_reason(tmp_path: Path) -> None:
    url = f"mailto://127.0.0.1:{free_port()}/?from=duban@example.org&to=a@example.org&mode=insecure"
    sleeps = Sleeps()
    started = time.monotonic()
    attempts = send(MESSAGE, url, outbox=tmp_path, retries=2, sleep=sleeps)

    # Only our (fake) sleep waits between tries: apprise's own throttle must not add seconds.
    assert time.monotonic() - started < 3
    assert sleeps.calls == [2.0]
    assert [a.ok for a in attempts] == [False, False]
    assert "connection refused" in attempts[-1].error.lower()


# ---- HTTP (json://) --------------------------------------------------------------------------


def test_json_posts_title_and_plain_text(http_peer: HttpPeer, tmp_path: Path) -> None:
    attempts = send(MESSAGE, http_peer.json_url("/hook"), outbox=tmp_path)

    assert attempts == [Attempt(f"json://127.0.0.1:{http_peer.port}/hook", True)]
    [request] = http_peer.received()
    assert (request.method, request.path) == ("POST", "/hook")
    payload = request.json
    assert payload["title"] == SUBJECT
    assert payload["message"] == TEXTS["text"].rstrip()  # the tabulate text, not Markdown or HTML


@pytest.mark.parametrize(("fmt", "field"), [("markdown", "markdown"), ("html", "html"), ("text", "text")])
def test_the_body_follows_the_format_the_service_renders(
    http_peer: HttpPeer, tmp_path: Path, fmt: str, field: str
) -> None:
    # DingTalk gets format=markdown this way (added unless its URL says otherwise); no network here.
    [attempt] = send(MESSAGE, http_peer.json_url(format=fmt), outbox=tmp_path)

    assert attempt.ok, attempt.error
    assert http_peer.received()[0].json["message"] == TEXTS[field].rstrip()


def test_json_retries_until_the_peer_recovers(http_peer: HttpPeer, tmp_path: Path) -> None:
    http_peer.fail_next(2, status=500)
    sleeps = Sleeps()

    attempts = send(MESSAGE, http_peer.json_url(), outbox=tmp_path, retries=3, retry_delay=2.0, sleep=sleeps)

    assert [a.ok for a in attempts] == [False, False, True]
    assert all("500" in a.error for a in attempts[:2])
    assert sleeps.calls == [2.0, 2.0]
    assert len(http_peer.received()) == 3


def test_json_gives_up_after_retries_and_says_why(http_peer: HttpPeer, tmp_path: Path) -> None:
    http_peer.always = 503
    sleeps = Sleeps()

    attempts = send(MESSAGE, http_peer.json_url(), outbox=tmp_path, retries=2, retry_delay=1.5, sleep=sleeps)

    assert [a.ok for a in attempts] == [False, False]
    assert "503" in attempts[-1].error
    assert "\n" not in attempts[-1].error
    assert sleeps.calls == [1.5]
    assert len(http_peer.received()) == 2


def test_closed_port_fails_fast_with_a_connection_error(tmp_path: Path) -> None:
    port = free_port()  # bound, then closed: nothing listens there
    sleeps = Sleeps()
    started = time.monotonic()

    attempts = send(MESSAGE, f"json://127.0.0.1:{port}/", outbox=tmp_path, retries=3, sleep=sleeps)

    assert time.monotonic() - started < 5
    assert [a.ok for a in attempts] == [False, False, False]
    assert "connection refused" in attempts[-1].error.lower()
    assert sleeps.calls == [2.0, 2.0]


def test_failures_stay_off_stdout_stderr_and_the_root_logger(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    send(MESSAGE, f"json://127.0.0.1:{free_port()}/", outbox=tmp_path, retries=1)
    send(MESSAGE, "nonsense://x", outbox=tmp_path)

    assert capsys.readouterr() == ("", "")
    assert [r for r in caplog.records if r.name.startswith("apprise")] == []


def test_an_unusable_url_is_one_failed_attempt(tmp_path: Path) -> None:
    sleeps = Sleeps()
    attempts = send(MESSAGE, "nonsense://x", outbox=tmp_path, sleep=sleeps)

    assert len(attempts) == 1 and not attempts[0].ok
    assert "nonsense" in attempts[0].error
    assert sleeps.calls == []


def test_secrets_never_reach_the_error(tmp_path: Path) -> None:
    # apprise's own message quotes the signing secret and the token of a DingTalk URL it rejects.
    url = "dingtalk://SIGNSECRET01@TOKEN!!0123/"
    [attempt] = send(MESSAGE, url, outbox=tmp_path)

    assert not attempt.ok
    assert "DingTalk" in attempt.error
    for secret in ("SIGNSECRET01", "TOKEN!!0123", "S...1"):
        assert secret not in attempt.error + attempt.channel
    assert check_channel(url) == attempt.error


# ---- redact / check_channel ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "shown", "secret"),
    [
        ("mailto://user:secret@smtp.example.org", "mailto://user:***@smtp.example.org", "secret"),
        (
            "mailtos://user:s3cr%40t@smtp.example.org:465/?to=a@example.org",
            "mailtos://user:***@smtp.example.org:465/?to=a@example.org",
            "s3cr",
        ),
        ("wecombot://TOKEN0123456789", "wecombot://***", "TOKEN"),
        ("dingtalk://TOKEN0123456789", "dingtalk://***", "TOKEN"),
        ("dingtalk://SIGNSECRET@TOKEN0123456789/13800000000", "dingtalk://***", "SECRET"),
        (
            "json://127.0.0.1:8080/hook?+Authorization=Bearer%20abc&x=1",
            "json://127.0.0.1:8080/hook?+Authorization=***&x=1",
            "abc",
        ),
        ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY123", "https://***?key=***", "KEY123"),
        ("outbox", "outbox", "\0"),
        ("outbox://", "outbox", "\0"),
    ],
)
def test_redact_hides_passwords_and_tokens(url: str, shown: str, secret: str) -> None:
    assert redact(url) == shown
    assert secret not in redact(url)


def test_check_channel_flags_what_apprise_cannot_use() -> None:
    assert check_channel("outbox") is None
    assert check_channel("outbox://") is None
    assert check_channel("json://127.0.0.1:1/") is None
    assert check_channel("mailto://user:pw@smtp.example.org/?to=a@example.org") is None
    assert check_channel("dingtalk://TOKEN0123456789") is None

    for bad in ("nonsense://x", "not a url", "wecombot://", "outbox://elsewhere"):
        problem = check_channel(bad)
        assert problem, bad
        assert "\n" not in problem
    assert "nonsense" in (check_channel("nonsense://x") or "")


def test_the_captured_logger_is_apprises_own():
    # channels.py names apprise's logger without importing apprise (the outbox never needs it).
    from apprise.logger import LOGGER_NAME

    assert channels.LOGGER_NAME == LOGGER_NAME
