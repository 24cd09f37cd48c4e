"""A document file -> plain text: the one place that touches bytes.

Dispatch is on content, not the name alone: a DOCX is a ZIP package holding word/document.xml, an
HTML page is text that looks like markup; everything else is text in whatever encoding it came in
(government sites still serve GBK). Every file that cannot be used raises BadInput with one sentence
naming the problem, so the CLI can print one line and write nothing.
"""

from __future__ import annotations

import codecs
import io
import re
import stat
import zipfile
from pathlib import Path

from models.errors import BadInput
from models.files.archive_limits import ArchiveLimits, check_archive
from models.vocabulary.i18n import N_, _

# python-docx, BeautifulSoup and charset-normalizer are loaded by the code paths that need them:
# every `duban` command imports this module, and most never read a Word file or a web page.

MAX_BYTES = 20 * 1024 * 1024

# Magic numbers of files people put in the plans folder by mistake, for a message that says what it is.
_MAGIC: list[tuple[bytes, str]] = [
    (b"%PDF-", N_("a PDF file")),
    (b"\x89PNG\r\n\x1a\n", N_("a PNG image")),
    (b"\xff\xd8\xff", N_("a JPEG image")),
    (b"GIF87a", N_("a GIF image")),
    (b"GIF89a", N_("a GIF image")),
    (b"BM", N_("a BMP image")),
    (b"II*\x00", N_("a TIFF image")),
    (b"MM\x00*", N_("a TIFF image")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", N_("an old Office (.doc/.xls/.wps) file: save it as .docx")),
    (b"{\\rtf", N_("an RTF file: save it as .docx or .txt")),
    (b"\x1f\x8b", N_("a gzip archive")),
    (b"Rar!\x1a\x07", N_("a RAR archive")),
    (b"7z\xbc\xaf\x27\x1c", N_("a 7-Zip archive")),
    (b"\x7fELF", N_("a program")),
    (b"MZ", N_("a program")),
]
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_BOMS: list[tuple[bytes, str]] = [  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]

# Markup in the first few KB makes a file HTML whatever its name: a page's skeleton, or several block
# tags (one stray `<br>` in a text file does not turn its line breaks into insignificant whitespace).
_SNIFF_CHARS = 4096
_MARKUP = re.compile(
    r"<(?:!doctype\s+html|html|head|body|meta|title|p|div|br|table|span|h[1-6]|ul|ol|li|font|center)[\s>/]",
    re.I,
)
_SKELETON = re.compile(r"<(?:!doctype\s+html|html|head|body)[\s>]", re.I)
_MIN_MARKUP_TAGS = 3
_ANY_TAG = re.compile(r"<[a-zA-Z!/]")
# Declared charsets worth trusting, read with their supersets (pages that say gb2312 use GBK freely).
# A declared Latin-1 is too often wrong, and it decodes any bytes: detection decides instead.
_DECLARED = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
}
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-zA-Z0-9_\-]{2,20})""", re.I)

# Characters that never occur in a real text document: C0/C1 controls but the whitespace ones, the
# replacement character, private-use code points (what GB18030 turns unassigned user-defined codes into).
_BAD_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd\ue000-\uf8ff]")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
# Characters a Chinese (or Western) document is made of; a decoding that yields much else is wrong —
# Big5 bytes read as GBK come out as kana, Cyrillic and private-use debris.
_COMMON = re.compile(
    "[\t-\r -~\u00a0-\u00ff\u2000-\u206f\u2150-\u218f\u2190-\u21ff\u2460-\u24ff\u25a0-\u25ff"
    "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"
)
_MIN_COMMON = 0.85
# GBK read as Latin-1 is made of accented letters; Western text has a few of them at most.
_LATIN1 = re.compile("[\u00a0-\u00ff]")
_MAX_LATIN1 = 0.2
_DAMAGED_UTF8_SHARE = 100  # at most one bad sequence per this many good non-ASCII characters
_MAX_BAD = 0.002
_MAX_CONTROL = 0.05  # a few stray control characters are cleaned away; more means a binary file
_PLAUSIBLE_SAMPLE = 200_000


def read_document(
    path: str | Path, *, max_bytes: int = MAX_BYTES, archive_limits: ArchiveLimits | None = None
) -> str:
    """File -> plain text (DOCX, HTML or encoded text, told apart by content)."""
    path = Path(path)
    data = _read_bytes(path, max_bytes)
    named_docx = path.suffix.lower() == ".docx"
    if data.startswith(_ZIP_MAGIC):
        names = _zip_names(data)
        if names is not None and "word/document.xml" in names:
            from parsing.docx_text import docx_to_text

            check_archive(data, kind="docx", name=path, limits=archive_limits)  # before any XML is parsed

            return _non_empty(docx_to_text(data, source=str(path)), path)
        if names is None and named_docx:
            raise BadInput(
                _("the DOCX file is corrupt (its ZIP structure cannot be read)"),
                code="document.corrupt_docx",
                source=path,
            )
        if names is None:
            raise BadInput(
                _("the file is binary (a damaged ZIP archive), not a document"),
                code="document.binary",
                source=path,
            )
        if named_docx:
            raise BadInput(
                _("the DOCX file is corrupt (it has no word/document.xml)"),
                code="document.corrupt_docx",
                source=path,
            )
        raise BadInput(
            _("the file is binary (a ZIP archive that is not a DOCX document)"),
            code="document.binary",
            source=path,
        )
    if named_docx:
        raise BadInput(
            _("the DOCX file is corrupt (it is not a ZIP package)"), code="document.corrupt_docx", source=path
        )
    for magic, what in _MAGIC:
        if data.startswith(magic) and not (magic in (b"BM", b"MZ") and _decodes_as_text(data)):
            raise BadInput(
                _("the file is binary ({what}), not a text, HTML or DOCX document").format(what=_(what)),
                code="document.binary",
                source=path,
            )
    text = None
    if _looks_like_html(data[: _SNIFF_CHARS * 2].decode("latin-1")):
        text = _decode_declared(data)  # an HTML page's own <meta charset> settles GBK versus Big5
    if text is None:
        text = decode_text(data, source=str(path))
    if not text.strip(" \t\r\n\f\v\u3000\ufeff\xa0"):
        raise BadInput(
            _("the file is empty (it contains only whitespace)"), code="document.empty", source=path
        )
    suffix_html = path.suffix.lower() in (".htm", ".html", ".xhtml", ".shtml")
    if _looks_like_html(text[:_SNIFF_CHARS]) or (suffix_html and _ANY_TAG.search(text)):
        from parsing.html_text import html_to_text

        text = html_to_text(text)
    return _non_empty(text, path)


def _looks_like_html(head: str) -> bool:
    return bool(_SKELETON.search(head)) or len(_MARKUP.findall(head)) >= _MIN_MARKUP_TAGS


def decode_text(data: bytes, *, source: str = "<input>") -> str:
    """Bytes -> text: UTF-8 (with or without BOM), UTF-16/32 (BOM, or UTF-16 by its NUL pattern),
    GB18030/GBK, Big5, then whatever charset-normalizer finds — accepted only when the result reads
    as text. Raises BadInput rather than return replacement-character soup."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _text_or_binary(data[len(bom) :].decode(encoding), source)
            except UnicodeDecodeError:
                name = encoding.upper().replace("-LE", "").replace("-BE", "")
                raise BadInput(
                    _("the file starts with a {name} byte-order mark but is not valid {name}").format(
                        name=name
                    ),
                    code="document.undecodable",
                    source=source,
                ) from None
    if b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is None:
            raise BadInput(
                _("the file is binary (it contains NUL bytes and is not UTF-16 text)"),
                code="document.binary",
                source=source,
            )
        return _text_or_binary(text, source)
    try:
        return _text_or_binary(data.decode("utf-8"), source)
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data" and error.start >= len(data) - 3:
            # Cut off inside the last character (a truncated copy): the rest is clean UTF-8.
            return _text_or_binary(data[: error.start].decode("utf-8", errors="strict"), source)
        _refuse_damaged_utf8(data, error, source)
    for encoding in ("gb18030", "big5hkscs"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _plausible(text):
            return _text_or_binary(text, source)
    import charset_normalizer

    guess = charset_normalizer.from_bytes(data).best()
    if guess is not None:
        try:
            text = data.decode(guess.encoding)
        except (UnicodeDecodeError, LookupError):
            text = None
        if text is not None and _plausible(text):
            return _text_or_binary(text, source)
    if _control_share(data.decode("latin-1")) > _MAX_CONTROL:
        raise BadInput(
            _("the file is binary (mostly control characters), not a text document"),
            code="document.binary",
            source=source,
        )
    raise BadInput(
        _("cannot decode the text: it is not UTF-8, UTF-16, GB18030/GBK or Big5, and no other encoding fits"),
        code="document.undecodable",
        source=source,
    )


def _refuse_damaged_utf8(data: bytes, error: UnicodeDecodeError, source: str) -> None:
    """UTF-8 with a few bad bytes would decode as GBK into fluent-looking nonsense (`鍚夋灄`): refuse it.
    GBK text read as UTF-8 fails at nearly every Chinese character, damaged UTF-8 only here and there."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    wide = len(text) - len(text.encode("ascii", errors="ignore")) - bad  # good non-ASCII characters
    if bad <= max(1, wide // _DAMAGED_UTF8_SHARE):
        raise BadInput(
            _(
                "the file is UTF-8 with {bad} invalid byte sequence(s), the first at byte {start}: it is damaged"
            ).format(bad=bad, start=error.start),
            code="document.damaged_utf8",
            source=source,
        )


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise BadInput(_("file not found"), code="file.not_found", source=path) from None
    except OSError as error:
        raise BadInput(
            _("cannot read the file: {error}").format(error=error.strerror or error),
            code="file.unreadable",
            source=path,
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise BadInput(_("is a directory, not a document file"), code="file.is_directory", source=path)
    if not stat.S_ISREG(info.st_mode):
        raise BadInput(_("is not a regular file"), code="file.not_regular", source=path)
    if info.st_size > max_bytes:
        limit = _size(max_bytes)
        raise BadInput(
            _("the file is too large: {size}, the limit is {limit}").format(
                size=_size(info.st_size), limit=limit
            ),
            code="file.too_large",
            field="max_document_bytes",
            source=path,
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)  # the file may have grown since stat()
    except OSError as error:
        raise BadInput(
            _("cannot read the file: {error}").format(error=error.strerror or error),
            code="file.unreadable",
            source=path,
        ) from None
    if len(data) > max_bytes:
        raise BadInput(
            _("the file is too large: more than {limit}").format(limit=_size(max_bytes)),
            code="file.too_large",
            field="max_document_bytes",
            source=path,
        )
    if not data:
        raise BadInput(_("the file is empty"), code="document.empty", source=path)
    if not data.strip():
        raise BadInput(
            _("the file is empty (it contains only whitespace)"), code="document.empty", source=path
        )
    return data


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return _("{count:,} bytes ({mb:.1f} MB)").format(count=count, mb=count / 1024 / 1024)
    return _("{count:,} bytes").format(count=count)


def _non_empty(text: str, path: Path) -> str:
    if not text.strip(" \t\r\n\f\v\u3000\ufeff\xa0"):
        raise BadInput(_("the document contains no text"), code="document.no_text", source=path)
    return text


def _zip_names(data: bytes) -> set[str] | None:
    """Member names of a ZIP package, None when it cannot be read (truncated, damaged)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None


def _decodes_as_text(data: bytes) -> bool:
    # "BM" and "MZ" are also how a plain-text file may begin; only call it binary if it is not text.
    try:
        return _plausible(data[:4096].decode("utf-8", errors="ignore")) and b"\x00" not in data[:4096]
    except UnicodeDecodeError:
        return False


def _decode_declared(data: bytes) -> str | None:
    found = _META_CHARSET.search(data[: _SNIFF_CHARS * 4])
    if not found:
        return None
    encoding = _DECLARED.get(found.group(1).decode("ascii").lower())
    if encoding is None:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None  # a wrong declaration: detect instead
    return text if _plausible(text) else None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM shows itself by NUL bytes: the high byte of every ASCII character."""
    if len(data) % 2:
        return None
    even = data[0::2].count(0)
    odd = data[1::2].count(0)
    order = ("utf-16-le", "utf-16-be") if odd >= even else ("utf-16-be", "utf-16-le")
    for encoding in order:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _plausible(text):
            return text
    return None


def _plausible(text: str) -> bool:
    """Whether a decoding reads as a document rather than debris of the wrong codec."""
    sample = text[:_PLAUSIBLE_SAMPLE]
    if not sample:
        return True
    if len(_BAD_CHARS.findall(sample)) > _MAX_BAD * len(sample):
        return False
    if len(_LATIN1.findall(sample)) > _MAX_LATIN1 * len(sample):
        return False
    return len(_COMMON.findall(sample)) >= _MIN_COMMON * len(sample)


def _control_share(text: str) -> float:
    sample = text[:_PLAUSIBLE_SAMPLE]
    return len(_CONTROL.findall(sample)) / len(sample) if sample else 0.0


def _text_or_binary(text: str, source: str) -> str:
    sample = text[:_PLAUSIBLE_SAMPLE]
    if "\x00" in sample:
        raise BadInput(
            _("the file is binary (it contains NUL characters), not a text document"),
            code="document.binary",
            source=source,
        )
    if _control_share(sample) > _MAX_CONTROL:
        raise BadInput(
            _("the file is binary (mostly control characters), not a text document"),
            code="document.binary",
            source=source,
        )
    return text
