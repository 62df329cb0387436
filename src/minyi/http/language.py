"""The reader's language as a browser or a program asks for it (``Accept-Language``).

Here, below the pages and the JSON API, so that both read the header the same way: the
API's answers that speak to a person (a supervision deadline moved off a day off) follow it
as the pages do, and the API may not import the pages' module.
"""

from __future__ import annotations

from typing import Literal

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")


def accepted_language(header: str | None) -> Language | None:
    """The first of our languages a browser's ``Accept-Language`` prefers (by ``q``), if any."""
    ranked: list[tuple[float, int, Language]] = []
    for position, part in enumerate((header or "")[:500].split(",")):
        tag, _, params = part.strip().partition(";")
        try:
            weight = float(params.strip().removeprefix("q=")) if params.strip().startswith("q=") else 1.0
        except ValueError:
            weight = 0.0
        primary = tag.strip().lower().split("-")[0]
        if weight > 0:
            ranked.extend((-weight, position, language) for language in LANGUAGES if language == primary)
    return min(ranked)[2] if ranked else None
