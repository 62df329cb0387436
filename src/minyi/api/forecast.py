"""``GET /api/v1/public/forecast``: the demand forecast as JSON, for anyone.

Counts per week only (no message, no author): the same aggregate, topic-level figures as
the public dashboard. Each series carries its rolling-origin backtest error beside the
naive and seasonal-naive baselines, so a reader can judge how far to trust it. Served from
:mod:`minyi.accountability.forecast_cache` (computed once per data change).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import Query
from pydantic import BaseModel, Field

from minyi.accountability.forecast import MAX_WEEKS, ForecastReport
from minyi.accountability.forecast_cache import cached_forecast
from minyi.http.deps import DbSession
from minyi.http.transactions import Router

router = Router(prefix="/api/v1/public", tags=["public"])


class ForecastHistoryPoint(BaseModel):
    """Messages in one past week."""

    week: date = Field(description="The week's Monday")
    count: int


class ForecastPoint(BaseModel):
    """The forecast of one future week, with an 80 % interval."""

    week: date = Field(description="The week's Monday")
    value: float
    lower: float
    upper: float


class ForecastErrorOut(BaseModel):
    """Rolling-origin backtest error of one method (``null``: not enough history)."""

    method: str = Field(description="wd-holt (the forecast), naive or seasonal-naive")
    mase: float | None = Field(
        description="Mean absolute scaled error (below 1: better than last week's count)"
    )
    mape: float | None = Field(description="Mean absolute percentage error over weeks with messages, in %")
    origins: int = Field(description="How many forecast origins the backtest used")


class ForecastSeriesOut(BaseModel):
    """One series: the total (key ``all``) or one category or region."""

    key: str
    label: str
    method: str = Field(description="wd-holt, or mean for a short history")
    note: str | None = Field(description="short_history when the history is too short for the method")
    history: list[ForecastHistoryPoint]
    forecast: list[ForecastPoint]
    error: ForecastErrorOut
    baselines: list[ForecastErrorOut]


class ForecastOut(BaseModel):
    """The forecast of every series for the weeks asked."""

    by: Literal["category", "region"]
    end: date
    weeks: list[date] = Field(description="The Mondays of the forecast weeks")
    working_days: list[int] = Field(description="Working days of each forecast week (holidays and 调休)")
    history_weeks: int
    series: list[ForecastSeriesOut]

    @classmethod
    def of(cls, report: ForecastReport) -> ForecastOut:
        """The answer for a computed report."""
        return cls.model_validate(report.as_dict())


@router.get("/forecast", response_model=ForecastOut)
def public_forecast(
    db: DbSession,
    by: Annotated[
        Literal["category", "region"], Query(description="Group by category or region")
    ] = "category",
    weeks: Annotated[int, Query(ge=1, le=MAX_WEEKS, description="Weeks to forecast")] = 4,
    end: Annotated[
        date | None, Query(description="Forecast from the week of this date (default: now)")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=50, description="Busiest categories or regions")] = 12,
) -> ForecastOut:
    """Next weeks' message volume, total and per category or region, with its backtest error."""
    return ForecastOut.of(cached_forecast(db, by=by, weeks=weeks, end=end, limit=limit))
