"""The sending edge of notifications: one rendered message, one channel, a few tries, a record of each.

Everything above this module decides *what* to send and *whether* it was already sent (claim, then
send); this module only delivers and reports. It never raises for a failed delivery: a digest run
that meets a dead mail server must go on to the next unit and record why, so every outcome comes
back as an `Attempt` with a one-line reason.

Channels are apprise URLs (`mailto://`, `wecombot://`, `dingtalk://`, `json://`, …) or the outbox,
a folder of Markdown and HTML files, so an offline installation still has something to read.

Why apprise is wrapped the way it is:
- apprise reports failures only through its `apprise` logger (notify() returns a bare bool), so each
  send captures that logger's records to build the error line, and stops them from propagating so
  an application that configured logging does not print apprise's debug chatter.
- The body is chosen by the format the instantiated service will actually render (its
  `notify_format`), so apprise never converts: email gets our HTML, DingTalk our Markdown, and
  services that show plain text (json://, and WeCom bots, which apprise 1.13 posts as msgtype
  "text") get the tabulate text instead of raw Markdown syntax.
- Timeouts are set on the URL (`cto`/`rto`) unless the URL sets its own: apprise's email plugin
  waits 15 s on every SMTP reply by default, which across retries and units adds up to minutes.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from models.files.files import atomic_path

if TYPE_CHECKING:
    import apprise

# apprise's logger name, written out: importing apprise costs a third of a second, and the outbox
# (the embedded default) never needs it, so it is imported only when a real channel is used.
LOGGER_NAME = "apprise"

OUTBOX = "outbox"
CONNECT_TIMEOUT = 5.0  # seconds; for email, smtplib uses it for every reply, not only the connect
READ_TIMEOUT = 10.0  # seconds; webhook services answer in well under a second when they are up

# Schemes whose host and path are addresses worth showing (the password is still hidden). In every
# other apprise scheme the host/path *is* the credential (a bot key, a webhook token), so redact
# hides all of it rather than keep a list of which service puts its token where.
_ADDRESS_SCHEMES = frozenset({"mailto", "mailtos", "json", "jsons", "xml", "xmls", "form", "forms"})
# Query parameters whose value is a credential: ?key=, ?access_token=, ?secret=, +Authorization=…
_SECRET_PARAM = re.compile(r"token|key|secret|pass|auth|sign|cookie", re.IGNORECASE)
# Services that render Markdown only when asked to; DingTalk otherwise sends plain text.
_MARKDOWN_BY_DEFAULT = frozenset({"dingtalk"})

# Characters no file name may contain on the platforms an outbox might be copied to.
_UNSAFE_NAME_CHARS = re.compile(r'[<>:"|?*\\\x00-\x1f\x7f]')
_RESERVED_NAMES = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
)
_MAX_NAME_BYTES = 200  # per path part, below the usual 255-byte limit, leaving room for suffixes

# apprise's logger is process-wide: one send at a time owns it, so captured lines belong to it.
_APPRISE_LOCK = threading.Lock()


@dataclass(frozen=True)
class Message:
    subject: str
    name: str  # relative stem for the outbox, e.g. "digest/2021-W48/unit-办公室"; made safe here
    # "text" (tables laid out as tabulate does), "markdown" or "html" -> that rendering, asked for
    # only when a channel uses it: a notice stores its message once and is rendered to be sent
    # (workflows.notice_bodies.Bodies), and the outbox never reads the plain text.
    body: Callable[[str], str]

    @classmethod
    def rendered(cls, subject: str, name: str, *, text: str, markdown: str, html: str) -> Message:
        """A message whose three renderings are already made."""
        return cls(subject, name, {"text": text, "markdown": markdown, "html": html}.__getitem__)


@dataclass(frozen=True)
class Attempt:
    channel: str  # the channel URL with any password/token redacted, or "outbox"
    ok: bool
    error: str = ""  # one line, why it failed
    path: str = ""  # for the outbox: the .md file written
    files: tuple[str, ...] = ()  # for the outbox: every file written (to sync them as a batch)


def send(
    message: Message,
    channel: str,
    *,
    outbox: Path,
    retries: int = 3,
    retry_delay: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
    sync: bool = True,
) -> list[Attempt]:
    """Send through one channel, trying up to `retries` times; one Attempt per try (last one tells the outcome).

    sync=False writes outbox files without syncing them: the caller syncs a batch at once
    (models.files.files.sync_files) before it marks any of them sent.

    A channel URL that apprise cannot use yields a single failed Attempt: trying again cannot help.
    A timeout after the peer accepted the message can still lead to a second copy on retry; a
    duplicate is better than a silent loss for a reminder.
    """
    tries = max(1, retries)
    if _is_outbox(channel):
        return _with_retries(lambda: _write_outbox(message, Path(outbox), sync), tries, retry_delay, sleep)
    shown = redact(channel)
    problem = _instantiate(channel)[1]
    if problem:
        return [Attempt(shown, False, problem)]
    return _with_retries(lambda: _notify(message, channel, shown), tries, retry_delay, sleep)


def redact(url: str) -> str:
    """The channel as it may be shown and stored: passwords, tokens and secret parameters become "***"."""
    url = url.strip()
    if _is_outbox(url):
        return OUTBOX
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port, like a malformed host
    except ValueError:
        return "***"
    scheme = parts.scheme.lower()
    if not scheme or "://" not in url:
        return f"{scheme}:***" if scheme else "***"
    query = _redact_query(parts.query)
    if scheme in _ADDRESS_SCHEMES:
        host = parts.hostname or ""
        if ":" in host:  # an IPv6 literal
            host = f"[{host}]"
        netloc = host if parts.port is None else f"{host}:{parts.port}"
        if parts.username is not None:
            user = parts.username + (":***" if parts.password is not None else "")
            netloc = f"{user}@{netloc}"
        shown = f"{scheme}://{netloc}{parts.path}"
    else:
        shown = f"{scheme}://***"
    return f"{shown}?{query}" if query else shown


def check_channel(url: str) -> str | None:
    """None if the outbox or apprise accepts `url`, else a one-line problem (without secrets)."""
    if _is_outbox(url):
        return None
    if url.strip().lower().startswith("outbox:"):
        return 'the outbox takes no address: write "outbox" (its folder is a setting)'
    return _instantiate(url)[1] or None


# ---- the outbox -------------------------------------------------------------------------------


def _is_outbox(channel: str) -> bool:
    return channel.strip().lower() in (OUTBOX, f"{OUTBOX}://")


def _write_outbox(message: Message, outbox: Path, sync: bool = True) -> Attempt:
    stem = outbox / safe_name(message.name)
    markdown_path = stem.with_name(stem.name + ".md")
    html_path = stem.with_name(stem.name + ".html")
    try:
        # Each file is replaced whole (atomic_path), so a reader never sees half a digest and a
        # rerun rewrites the same two files instead of piling up copies.
        with atomic_path(markdown_path, sync=sync) as temporary:
            temporary.write_text(_markdown_document(message), encoding="utf-8")
        with atomic_path(html_path, sync=sync) as temporary:
            temporary.write_text(message.body("html"), encoding="utf-8")
    except Exception as error:  # BadInput from atomic_path, or an OSError while writing
        return Attempt(OUTBOX, False, _one_line(str(error)), str(markdown_path))
    return Attempt(OUTBOX, True, "", str(markdown_path), (str(markdown_path), str(html_path)))


def _markdown_document(message: Message) -> str:
    body = message.body("markdown")
    first = body.lstrip("\n").split("\n", 1)[0]
    if first.startswith("# "):  # the renderer already titled it; a second heading would repeat it
        return body if body.endswith("\n") else body + "\n"
    subject = message.subject.replace("\n", " ").strip()
    subject = subject.replace("\\", "\\\\").replace("*", r"\*").replace("_", r"\_").replace("`", r"\`")
    return f"# {subject}\n\n{body.rstrip()}\n"


def safe_name(name: str) -> str:
    """A relative path inside the outbox: no "..", no root, no characters a file system refuses."""
    parts = []
    for raw in re.split(r"[/\\]+", unicodedata.normalize("NFC", name)):
        part = _UNSAFE_NAME_CHARS.sub("_", raw).strip().rstrip(". ")
        if part in ("", ".", ".."):
            continue
        if part.startswith("."):  # hidden files, and the temporary names atomic_path uses
            part = "_" + part.lstrip(".")
        if part.split(".", 1)[0].lower() in _RESERVED_NAMES:
            part = "_" + part
        encoded = part.encode("utf-8")[:_MAX_NAME_BYTES]
        parts.append(encoded.decode("utf-8", errors="ignore"))
    return "/".join(parts) or "message"


# ---- apprise ---------------------------------------------------------------------------------


def _with_retries(
    once: Callable[[], Attempt], tries: int, delay: float, sleep: Callable[[float], None]
) -> list[Attempt]:
    attempts: list[Attempt] = []
    for number in range(tries):
        if number:
            sleep(delay)
        attempt = once()
        attempts.append(attempt)
        if attempt.ok:
            break
    return attempts


def _asset() -> apprise.AppriseAsset:
    import apprise

    # Synchronous: the send happens in this thread, under the lock, while its log is captured.
    return apprise.AppriseAsset(async_mode=False)


def _prepared(url: str) -> str:
    """The URL with our timeouts (and DingTalk's Markdown) unless it chooses its own."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    given = {piece.split("=", 1)[0].lower() for piece in parts.query.split("&") if piece}
    extra = []
    if "cto" not in given:
        extra.append(f"cto={CONNECT_TIMEOUT:g}")
    if "rto" not in given:
        extra.append(f"rto={READ_TIMEOUT:g}")
    if parts.scheme.lower() in _MARKDOWN_BY_DEFAULT and "format" not in given:
        extra.append("format=markdown")
    base, _, fragment = url.partition("#")
    joined = base + ("&" if parts.query else ("" if base.endswith("?") else "?")) + "&".join(extra)
    return joined + (f"#{fragment}" if fragment else "")


def _instantiate(url: str) -> tuple[apprise.NotifyBase | None, str]:
    import apprise
    from apprise.manager_plugins import NotificationManager

    """The apprise service for `url`, or None and why not."""
    if "://" not in url:
        return None, "not a channel URL: expected scheme://… (e.g. mailto://, json://) or outbox"
    scheme = url.strip().split("://", 1)[0].lower()
    if scheme not in NotificationManager():
        return None, f"unknown channel type {scheme}:// (not an apprise service)"
    prepared = _prepared(url)
    with _captured() as records:
        try:
            plugin = apprise.Apprise.instantiate(prepared, asset=_asset())
        except Exception as error:  # apprise suppresses plugin errors, but a parser may still throw
            plugin = None
            records.append(_record(logging.ERROR, str(error)))
    if plugin is not None:
        return plugin, ""
    return None, _scrub(_explain(records) or "apprise cannot use this URL", url)


def _notify(message: Message, url: str, shown: str) -> Attempt:
    import apprise

    # A fresh service object per try: apprise throttles a reused one (5.5 s between requests by
    # default), a wait that would ignore our retry_delay and the caller's sleep.
    plugin, problem = _instantiate(url)
    if plugin is None:
        return Attempt(shown, False, problem)
    # Give each service the rendering it displays, declared as such, so apprise converts nothing.
    notify_format = plugin.notify_format
    if notify_format == apprise.NotifyFormat.HTML:
        body = message.body("html")
    elif notify_format == apprise.NotifyFormat.MARKDOWN:
        body = message.body("markdown")
    else:
        notify_format, body = apprise.NotifyFormat.TEXT, message.body("text")
    with _captured() as records:
        try:
            sender = apprise.Apprise(asset=_asset())
            sender.add(plugin)
            ok = sender.notify(body=body, title=message.subject, body_format=notify_format) is True
        except Exception as error:  # a plugin bug must not end the caller's run
            ok = False
            records.append(_record(logging.ERROR, f"{type(error).__name__}: {error}"))
    if ok:
        return Attempt(shown, True)
    problem = _explain(records) or "apprise reported a failure without a reason"
    return Attempt(shown, False, _scrub(problem, url))


@contextmanager
def _captured() -> Iterator[list[logging.LogRecord]]:
    """Collect apprise's log records (DEBUG and up) and keep them off every other handler."""
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logger = logging.getLogger(LOGGER_NAME)
    handler = Collect(logging.DEBUG)
    with _APPRISE_LOCK:
        level, propagate = logger.level, logger.propagate
        logger.setLevel(logging.DEBUG)
        logger.propagate = False  # no printing through the root logger (or logging's last resort)
        logger.addHandler(handler)
        try:
            yield records
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)
            logger.propagate = propagate


def _record(level: int, text: str) -> logging.LogRecord:
    return logging.LogRecord(LOGGER_NAME, level, __file__, 0, text, None, None)


_ERRNO = re.compile(r"\[Errno -?\d+\] [^'\"\)\]]+")
_TIMEOUT = re.compile(r"(?:read|connect(?:ion)?)?\s*timed out", re.IGNORECASE)


def _explain(records: list[logging.LogRecord]) -> str:
    """One line from apprise's log: its warnings (e.g. "…error=500.") and the socket error behind them."""
    said: list[str] = []
    for record in records:
        text = record.getMessage()
        if record.levelno >= logging.WARNING:
            said.append(text.split("\n", 1)[0].strip())
        elif text.startswith("Socket Exception:"):
            # requests' exception text is a paragraph ending in the reason that matters.
            detail = text.removeprefix("Socket Exception:").strip()
            match = _ERRNO.search(detail) or _TIMEOUT.search(detail)
            said.append(match.group(0).strip() if match else detail)
    unique = list(dict.fromkeys(piece for piece in said if piece))
    return _one_line("; ".join(unique))


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _scrub(text: str, url: str) -> str:
    """`text` with every credential of `url` replaced by "***" (apprise's messages may quote them).

    apprise masks URLs it logs only down to first and last characters ("S...S"), and quotes the URL
    with our added parameters, so any quoted URL of this scheme is replaced by our own redaction.
    """
    scheme = url.strip().split("://", 1)[0]
    if scheme:
        text = re.sub(rf"\b{re.escape(scheme)}://\S+", lambda _: redact(url), text, flags=re.IGNORECASE)
    for secret in sorted(_secrets(url), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def _secrets(url: str) -> set[str]:
    found: set[str] = set()
    try:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        password = parts.password
    except ValueError:
        return found
    if password:
        found.add(password)
    if scheme not in _ADDRESS_SCHEMES:
        found.update(re.split(r"[/@:]+", f"{parts.netloc}{parts.path}"))
    for piece in parts.query.split("&"):
        key, _, value = piece.partition("=")
        if value and _SECRET_PARAM.search(key):
            found.add(value)
    found |= {unquote(secret) for secret in found}
    return {secret for secret in found if len(secret) >= 4}  # shorter ones would mangle ordinary words


def _redact_query(query: str) -> str:
    pieces = []
    for piece in query.split("&"):
        if not piece:
            continue
        key, equals, value = piece.partition("=")
        pieces.append(f"{key}=***" if equals and value and _SECRET_PARAM.search(key) else piece)
    return "&".join(pieces)
