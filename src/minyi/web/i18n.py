"""Interface texts in Chinese (default) and English."""

from __future__ import annotations

from minyi.http.language import LANGUAGES, Language, accepted_language
from minyi.web.texts import collect_texts

COOKIE = "minyi_lang"

TEXTS: dict[str, tuple[str, str]] = collect_texts()
__all__ = ["LANGUAGES", "TEXTS", "Language", "accepted_language", "pick_language", "translate"]


def translate(key: str, language: str) -> str:
    """The text for ``key`` in ``language`` (the key itself when unknown)."""
    pair = TEXTS.get(key)
    if pair is None:
        return key
    return pair[1] if language == "en" else pair[0]


def pick_language(query: str | None, cookie: str | None, default: str = "zh") -> Language:
    """The language asked for by the query string, else the cookie, else the default."""
    for candidate in (query, cookie, default):
        if candidate in LANGUAGES:
            return candidate
    return "zh"
