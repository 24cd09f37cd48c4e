"""Traditional / Simplified Chinese: recognising a Traditional document and a Simplified shadow of it.

Titles and bodies keep the document's own script; units and keywords are matched on a Simplified
shadow made by OpenCC's `t2s`. Callers slice the original text with spans found in the shadow, so
the shadow must have the same length. It does: every entry of the dictionaries `t2s` uses
(TSPhrases, TSCharacters, TSCharactersExt and the CJK-compatibility normalisation, OpenCC 1.1.9 -
1.4) maps a key to a value of the same number of code points — checked by dumping them with
`opencc_dict`, and asserted over the seed documents in the tests. `to_simplified` still checks the
length and falls back to converting character by character should a future dictionary break it.
"""

from __future__ import annotations

import re
from functools import cache

import opencc

# Everything but CJK ideographs (basic block, extension A, compatibility): the script test counts those.
_NOT_CJK = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_SURROGATE = re.compile(r"([\ud800-\udfff])")

# Real Traditional text differs from its Simplified form in a third of its characters (0.34 and 0.39
# in seeds 002 and 001); Simplified text in none or a handful (a quoted Traditional name). One in ten
# separates them with a wide margin either way.
TRADITIONAL_RATIO = 0.1
# Enough characters to judge a document; more only costs time.
_SAMPLE_CHARS = 2_000  # enough characters to tell the script; converting more costs time, not accuracy


@cache
def _converter() -> opencc.OpenCC:
    # Loading the dictionaries takes milliseconds; do it once, and only when a conversion is needed.
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Simplified form of `text`, the same length as `text`."""
    if text.isascii():
        return text
    try:
        converted = _converter().convert(text)
    except UnicodeEncodeError:
        # Lone surrogates cannot cross into the C++ library: convert the pieces between them.
        converted = "".join(
            part if _SURROGATE.fullmatch(part) else _converter().convert(part)
            for part in _SURROGATE.split(text)
        )
    if len(converted) != len(text):
        converted = "".join(_char_to_simplified(char) for char in text)
    return converted


def _char_to_simplified(char: str) -> str:
    out = _converter().convert(char)
    return out if len(out) == 1 else char


def is_traditional(text: str) -> bool:
    """Whether a whole document is written in Traditional characters."""
    sample = _NOT_CJK.sub("", text)[:_SAMPLE_CHARS]
    if not sample:
        return False
    simplified = _converter().convert(sample)
    changed = sum(a != b for a, b in zip(sample, simplified, strict=False))
    return changed / len(sample) >= TRADITIONAL_RATIO
