"""The parameters of each kind of rule, validated (errors name the field, e.g. ``params.ratio``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from minyi.alerts.models import RuleKind
from minyi.core.errors import InvalidInput

MAX_KEYWORDS = 200
HOURS_PER_DAY = 24


class RuleError(InvalidInput):
    """A rule or its parameters are invalid; ``field`` names the culprit (``str()`` too)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", field=field)
        self.message = message


class KeywordParams(BaseModel):
    """Words that raise an alert as soon as a message containing one is analysed."""

    model_config = ConfigDict(extra="forbid")
    keywords: list[str] = Field(min_length=1, max_length=MAX_KEYWORDS)

    @field_validator("keywords")
    @classmethod
    def _clean(cls, value: list[str]) -> list[str]:
        words = list(dict.fromkeys(word.strip() for word in value if word.strip()))
        if not words:
            raise ValueError("at least one non-empty keyword")
        if any(len(word) > 40 for word in words):  # noqa: PLR2004 - a keyword, not a sentence
            raise ValueError("keywords are at most 40 characters")
        return words


class BurstParams(BaseModel):
    """The last ``recent_hours`` against the ``baseline_hours`` before them."""

    model_config = ConfigDict(extra="forbid")
    ratio: float = Field(default=3.0, gt=1, le=1000)
    min_count: int = Field(default=5, ge=1, le=1_000_000)
    recent_hours: int = Field(default=1, ge=1, le=24)
    baseline_hours: int = Field(default=12, ge=1, le=168)


class TrendParams(BaseModel):
    """The last 24 h against the mean + k·σ of the daily counts before."""

    model_config = ConfigDict(extra="forbid")
    k: float = Field(default=3.0, gt=0, le=20)
    min_count: int = Field(default=10, ge=1, le=1_000_000)
    baseline_days: int = Field(default=7, ge=2, le=28)
    min_history_days: int = Field(default=3, ge=1, le=28)
    sigma_floor: float = Field(default=1.0, ge=0, le=1000)


class ThresholdParams(BaseModel):
    """An absolute count and/or number of likes over a window; either reached fires."""

    model_config = ConfigDict(extra="forbid")
    window_hours: int = Field(default=24, ge=1, le=168)
    min_count: int | None = Field(default=None, ge=1, le=10_000_000)
    min_likes: int | None = Field(default=None, ge=1, le=1_000_000_000)

    @model_validator(mode="after")
    def _one_bound(self) -> ThresholdParams:
        if self.min_count is None and self.min_likes is None:
            raise ValueError("set min_count and/or min_likes")
        return self


MODELS: dict[str, type[BaseModel]] = {
    RuleKind.KEYWORD.value: KeywordParams,
    RuleKind.BURST.value: BurstParams,
    RuleKind.TREND.value: TrendParams,
    RuleKind.THRESHOLD.value: ThresholdParams,
}


def validate(kind: str, params: dict[str, Any]) -> dict[str, Any]:
    """``params`` checked for ``kind`` with defaults filled in; RuleError names the field."""
    model = MODELS.get(kind)
    if model is None:
        raise RuleError("kind", f"one of {', '.join(MODELS)}")
    try:
        checked = model.model_validate(params)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        raise RuleError(f"params.{where}" if where else "params", str(first.get("msg", "invalid"))) from None
    return checked.model_dump()


def hours_needed(kind: str, params: dict[str, Any]) -> int:
    """How many hours of history a rule of ``kind`` looks at (0 for keyword rules)."""
    if kind == RuleKind.BURST:
        return int(params.get("recent_hours", 1)) + int(params.get("baseline_hours", 12))
    if kind == RuleKind.TREND:
        return (int(params.get("baseline_days", 7)) + 1) * HOURS_PER_DAY
    if kind == RuleKind.THRESHOLD:
        return int(params.get("window_hours", 24))
    return 0
