"""Interface texts in Chinese (default) and English."""

from __future__ import annotations

from typing import Literal

from minyi.web.texts import collect_texts

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")
COOKIE = "minyi_lang"

TEXTS: dict[str, tuple[str, str]] = collect_texts()


def translate(key: str, language: str) -> str:
    """The text for ``key`` in ``language`` (the key itself when unknown)."""
    pair = TEXTS.get(key)
    if pair is None:
        return key
    return pair[1] if language == "en" else pair[0]


def accepted_language(header: str | None) -> Language | None:
    """The first of our languages a browser's ``Accept-Language`` prefers (by ``q``), if any."""
    ranked = []
    for position, part in enumerate((header or "")[:500].split(",")):
        tag, _, params = part.strip().partition(";")
        try:
            weight = float(params.strip().removeprefix("q=")) if params.strip().startswith("q=") else 1.0
        except ValueError:
            weight = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and weight > 0:
            ranked.append((-weight, position, primary))
    return min(ranked)[2] if ranked else None


def pick_language(query: str | None, cookie: str | None, default: str = "zh") -> Language:
    """The language asked for by the query string, else the cookie, else the default."""
    for candidate in (query, cookie, default):
        if candidate in LANGUAGES:
            return candidate
    return "zh"
