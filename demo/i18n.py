"""The page's words: one catalogue per language (demo/lang/<code>.json), same keys in each.

Parameters, measures, mechanisms and scenarios get readable names from the catalogue
(`param.<name>`, `measure.<name>`, `scenario.<name>`...); a name the catalogue does not know
yet (a parameter added by the model since) falls back to its code name, so new parameters
still appear, and `missing()` lists them for the translators.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

LANG_DIR = Path(__file__).parent / "lang"
LANGUAGES = ("en", "zh")
DEFAULT = "en"


@cache
def catalogue(lang: str) -> dict[str, str]:
    return json.loads((LANG_DIR / f"{lang}.json").read_text(encoding="utf-8"))


def check_lang(lang: Any) -> str:
    from model.errors import InputError

    if lang not in LANGUAGES:
        raise InputError(f"field 'lang' got {lang!r}, but it must be one of "
                         f"{', '.join(LANGUAGES)}.")
    return lang


def t(lang: str, key: str, **values: Any) -> str:
    """The text for `key` (KeyError when missing: the catalogue test keeps them complete)."""
    text = catalogue(lang)[key]
    return text.format(**values) if values else text


def name(lang: str, kind: str, code: str) -> str:
    """Readable name of a parameter / measure / ...; the code name when not translated."""
    return catalogue(lang).get(f"{kind}.{code}", code)


def missing(lang: str, kind: str, codes: list[str]) -> list[str]:
    cat = catalogue(lang)
    return [c for c in codes if f"{kind}.{c}" not in cat]
