"""Which language the faces speak, chosen once when this module is first imported.

Messages in the code are English msgids wrapped in `_()`; the zh_CN catalog beside this module
turns them into Simplified Chinese, the default. `DUBAN_LANG=en` (or `[ui] language = "en"` in the
config file) keeps the English msgids. The choice is made at import because typer evaluates every
command's help text when the command is defined: by then the language must be known.
"""

from __future__ import annotations

import gettext
import os
import tomllib
from functools import cache
from pathlib import Path

DOMAIN = "duban"
LOCALE_DIR = Path(__file__).with_name("locale")
DEFAULT_LANGUAGE = "zh_CN"
LANGUAGES = ("zh_CN", "en")
_ALIASES = {"zh": "zh_CN", "zh_cn": "zh_CN", "zh-cn": "zh_CN", "zh_hans": "zh_CN", "en": "en", "en_us": "en"}


def normalise(language: str) -> str | None:
    """`zh`, `zh-CN`, `en_US.UTF-8` … -> one of LANGUAGES (None for a language there is no catalog for)."""
    key = language.strip().split(".")[0].lower().replace("-", "_")
    return _ALIASES.get(key) or _ALIASES.get(key.split("_")[0])


def _configured() -> str | None:
    """`[ui] language` of the config file (DUBAN_CONFIG or ./config.toml), read without the settings
    model: the settings module itself has words to translate, so it cannot come first."""
    path = Path(os.environ.get("DUBAN_CONFIG") or "config.toml")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None  # the settings loader reports a broken file in its own words
    ui = data.get("ui")
    language = ui.get("language") if isinstance(ui, dict) else None
    return language if isinstance(language, str) else None


def choose_language() -> str:
    """DUBAN_LANG, else the config key, else Simplified Chinese."""
    for wanted in (os.environ.get("DUBAN_LANG"), _configured()):
        if wanted and (language := normalise(wanted)):
            return language
    return DEFAULT_LANGUAGE


@cache
def translation(language: str) -> gettext.NullTranslations:
    """The catalog of one language; English is the msgids themselves."""
    if language == "en":
        return gettext.NullTranslations()
    # fallback: `make catalogs` imports the CLI to extract its messages before a first .mo exists;
    # tests/test_vocabulary.py makes sure the committed one is there and complete.
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language], fallback=True)


LANGUAGE = choose_language()
_translation = translation(LANGUAGE)
# The chosen language as an HTML `lang` attribute (pages and HTML notices), so a reader's browser
# picks CJK or Latin fonts and hyphenation to match the words.
HTML_LANG = {"zh_CN": "zh-CN", "en": "en"}[LANGUAGE]


def _(message: str) -> str:
    """The message in the chosen language."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def in_language(message: str, language: str) -> str:
    """The message in a given language, whatever the chosen one (to read back a file written in either)."""
    return translation(language).gettext(message)


def N_(message: str) -> str:
    """Marks a msgid for extraction where it is translated later (a table of words defined at import
    but shown through `_()` when used)."""
    return message
