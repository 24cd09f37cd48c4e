"""A notice's three renderings: stored with it (notices queued before 0008r, request notices), or
rendered from its stored message when it is sent or shown.

A notice stores its message once (workflows.render.Message.to_json); a sender renders only what its
channels use (the outbox reads the Markdown and the HTML, an email the HTML, a chat bot the Markdown
or the plain text) and the dashboard only what it shows. Rendering it later gives the bytes rendering
it at once gave: the message keeps its cells' values and the wording of the language it was composed
in.
"""

from __future__ import annotations

from typing import Protocol

from models.writes.notices import Draft
from workflows.render import Message

KINDS = ("text", "markdown", "html")


class Stored(Protocol):
    """A queued notice or a draft: what it stores of its body."""

    body_text: str
    body_markdown: str
    body_html: str
    message: str


def draft(message: Message, *, kind: str, period: str, recipient: str, subject: str | None = None) -> Draft:
    """A notice that stores `message` once; one whose cells JSON cannot bring back as they render
    (a type the message layout does not know) stores its three renderings instead."""
    stored = message.to_json()
    subject = message.title if subject is None else subject
    if stored is None:
        return Draft(kind, period, recipient, subject, message.text(), message.markdown(), message.html())
    return Draft(kind, period, recipient, subject, message=stored)


class Bodies:
    """The renderings of one notice, each made at most once and only when asked for."""

    def __init__(self, notice: Stored) -> None:
        self._stored = notice.message
        self._made: dict[str, str] = {}
        self._message: Message | None = None
        if not self._stored:
            self._made = {
                "text": notice.body_text,
                "markdown": notice.body_markdown,
                "html": notice.body_html,
            }

    def __call__(self, kind: str) -> str:
        if kind not in KINDS:
            raise ValueError(f"no rendering named {kind!r}")
        found = self._made.get(kind)
        if found is None:
            if self._message is None:
                self._message = Message.from_json(self._stored)
            found = self._made[kind] = self._message.render(kind)
        return found


def body(notice: Stored, kind: str) -> str:
    """One rendering of a notice: "text", "markdown" or "html"."""
    return Bodies(notice)(kind)
