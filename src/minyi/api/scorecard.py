"""``GET /api/v1/public/scorecard``: the public dashboard's figures as JSON (no token).

Aggregates only (``minyi.accountability``): the totals, the rows per department, region and
category ranked by one figure, the monthly trend, and each figure's definition.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

from minyi.accountability.definitions import FIGURES, published_counts
from minyi.accountability.overview import DEFAULT_RANK, overview
from minyi.accountability.scorecard import Ranked, Row, parse_filter
from minyi.http.deps import AppSettings, DbSession
from minyi.http.transactions import Router

router = Router(prefix="/api/v1/public", tags=["public"])
MonthQuery = Annotated[str, Query(max_length=20, description="A month, YYYY-MM")]
KeyQuery = Annotated[str, Query(max_length=60)]


def _row(row: Row) -> dict[str, Any]:
    return {
        "key": row.key,
        "name": row.label_zh,
        "name_en": row.label_en,
        "counts": published_counts(row.counts),  # no citizen's answer where its figure is hidden
        "figures": row.figures(),
    }


def _ranked(item: Ranked) -> dict[str, Any]:
    return {**_row(item.row), "rank": item.rank, "enough_cases": item.enough}


@router.get("/scorecard")
def public_scorecard(
    db: DbSession,
    settings: AppSettings,
    start: MonthQuery = "",
    end: MonthQuery = "",
    department: Annotated[str, Query(max_length=60, description="A department id, or - for none")] = "",
    region: Annotated[str, Query(max_length=300, description="A region, or - for none given")] = "",
    category: Annotated[str, Query(max_length=60, description="A top-level category id, or - for none")] = "",
    rank: Annotated[
        str, Query(max_length=60, description="The figure the rankings are ordered by")
    ] = DEFAULT_RANK,
) -> dict[str, Any]:
    """The public scorecard: figures with definitions, rankings above the minimum volume, trend."""
    flt = parse_filter(start, end, department, region, category)
    view = overview(db, flt, rank=rank or DEFAULT_RANK, min_volume=settings.scorecard_min_volume)
    return {
        "licence": settings.open_data_licence,
        "period": {"start": view.flt.start, "end": view.flt.end},
        "filter": {
            "department": view.flt.department_id,
            "region": view.flt.region,
            "category": view.flt.category_id,
        },
        "refreshed_at": view.refreshed_at.isoformat() if view.refreshed_at else None,
        "min_volume": view.min_volume,
        "rank": view.rank,
        "definitions": [
            {
                "key": f.key,
                "name": f.name_zh,
                "name_en": f.name_en,
                "definition": f.definition_zh,
                "definition_en": f.definition_en,
                "kind": f.kind,
                "numerator": list(f.numerator),
                "denominator": list(f.denominator),
                "better": f.better,
            }
            for f in FIGURES
        ],
        "totals": _row(view.total),
        "groups": {by: [_ranked(item) for item in items] for by, items in view.groups.items()},
        "trend": [_row(row) for row in view.trend],
    }
