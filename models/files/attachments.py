"""Evidence files units upload with a 办结申请: checked by size, by name and by their first bytes,
and kept outside the web root under their checksum (the name a user gave is shown, never used as a
path, so no upload can name where it lands or overwrite another).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePath

from models.errors import BadInput
from models.files.files import atomic_path
from models.vocabulary.i18n import _

# What a file of each kind starts with. Office's old formats share the OLE2 header, the new ones
# and zip the zip header: a renamed executable or script matches none of them.
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
MAGIC: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "doc": (_OLE2,),
    "xls": (_OLE2,),
    "docx": _ZIP,
    "xlsx": _ZIP,
    "zip": _ZIP,
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
MAX_FILENAME = 300


@dataclass(frozen=True)
class StoredFile:
    filename: str  # as uploaded, without any folder
    stored_name: str  # <sha256>.<suffix>
    content_type: str
    size: int


def check(data: bytes, filename: str, *, max_bytes: int, types: list[str]) -> tuple[str, str]:
    """The upload's shown name and suffix, or BadInput saying what is wrong with it."""
    name = PurePath(filename.replace("\\", "/")).name.strip()
    if not name:
        raise BadInput(_("the uploaded file has no name"))
    if len(name) > MAX_FILENAME:
        raise BadInput(_("the file name is longer than {limit} characters").format(limit=MAX_FILENAME))
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    accepted = [kind for kind in types if kind in MAGIC]
    if suffix not in accepted:
        raise BadInput(
            _("{name}: files of this kind are not accepted; accepted: {types}").format(
                name=name, types=", ".join(accepted)
            )
        )
    if not data:
        raise BadInput(_("{name} is empty").format(name=name))
    if len(data) > max_bytes:
        raise BadInput(
            _("{name} is larger than {limit} MB").format(name=name, limit=f"{max_bytes / 1024 / 1024:g}")
        )
    if not data.startswith(MAGIC[suffix]):
        raise BadInput(
            _("{name} is not a {kind} file (its content does not match its name)").format(
                name=name, kind=suffix.upper()
            )
        )
    return name, suffix


def store(data: bytes, filename: str, *, folder: Path, max_bytes: int, types: list[str]) -> StoredFile:
    """Check an upload and write it under its checksum (the same file twice is stored once)."""
    name, suffix = check(data, filename, max_bytes=max_bytes, types=types)
    stored_name = f"{hashlib.sha256(data).hexdigest()}.{suffix}"
    target = folder / stored_name
    if not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_path(target) as temporary:
            temporary.write_bytes(data)
    return StoredFile(name, stored_name, CONTENT_TYPES[suffix], len(data))


def path_of(folder: Path, stored_name: str) -> Path:
    """Where a stored file is; a name that is not one `store` gives is refused."""
    stem, _dot, suffix = stored_name.partition(".")
    if len(stem) != 64 or any(c not in "0123456789abcdef" for c in stem) or suffix not in MAGIC:
        raise BadInput(_("not a stored attachment: {name}").format(name=stored_name))
    return folder / stored_name
