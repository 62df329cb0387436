"""How hot an issue is: one documented number from volume, people, engagement and time.

Heat ranks by **people, not posts**.  For an issue whose ``a`` distinct authors wrote
``n_1 … n_a`` messages (an anonymous message counts as its own author), evaluated at the
moment ``t`` (the end of the period, or the newest message of all issues):

.. code-block:: text

    V       = Σ_authors √n_i                           posts, one author's n posts weigh √n
    L*      = Σ_authors max likes of that author's messages
    base    = w_v·ln(1 + V) + w_a·ln(1 + a) + w_e·ln(1 + L* + w_d·D + 2·S + R)
    growth  = ln((1 + m_recent) / (1 + m_before))      m_recent: messages in the last
                                                       `growth_days` days before t,
                                                       m_before: in the `growth_days` before
    decay   = exp(−age / τ)                            age: days from the issue's last
                                                       message to t; τ = `tau_days`
    heat    = (base + w_g·max(growth, 0)) · decay

``D``, ``S`` and ``R`` are the summed dislikes, reposts and replies.  Logarithms stop one
huge count (a message with 2,000 likes) from outweighing many people writing in; the
square root caps what one author adds by posting again (55 posts of one person weigh as
7.4 posts, less than 12 people writing once each), and his likes count once (the same
readers like each copy: ``L*`` takes his best-liked message); distinct authors count
apart from messages so that many people weigh more still; a dislike is engagement too (someone
read the message and cared), counted at ``w_d``; growth only adds (a shrinking issue
is not penalised beyond its decay); decay makes an issue that went quiet cool down
with a half-life of ``τ·ln 2`` days (``τ = 0`` turns decay off, for ranking a closed
period as a whole).

:func:`rank` scores issues for a period: only messages inside the period count (the
timeline gives the per-day counts; engagement sums are not dated, so they count whole
for any issue with a message in the period).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from minyi.issues.detect.issue import Issue, people_counts

__all__ = ["HeatWeights", "heat", "heat_parts", "heat_terms", "people_counts", "rank"]


@dataclass(frozen=True)
class HeatWeights:
    """The weights of the heat formula (see the module docstring).

    Attributes:
        volume: ``w_v``, on ln(1 + messages).
        authors: ``w_a``, on ln(1 + distinct authors).
        engagement: ``w_e``, on ln(1 + likes + w_d·dislikes + 2·reposts + replies).
        dislikes: ``w_d``, the weight of a dislike inside the engagement sum.
        growth: ``w_g``, on the positive log-ratio of recent to earlier messages.
        growth_days: Length of each of the two windows compared for growth.
        tau_days: ``τ``, the decay time in days (half-life τ·ln 2); 0 turns decay off
            (ranking a closed historical period as a whole).
    """

    volume: float = 1.0
    authors: float = 1.0
    engagement: float = 0.5
    dislikes: float = 0.5
    growth: float = 0.5
    growth_days: int = 7
    tau_days: float = 30.0


def _moment(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _window(timeline: dict[date, int], start: date, end: date) -> int:
    """Messages on days ``start`` (inclusive) to ``end`` (exclusive)."""
    return sum(count for day, count in timeline.items() if start <= day < end)


def heat_terms(issue: Issue, weights: HeatWeights | None = None) -> dict[str, float]:
    """The three base terms of the heat of ``issue``, weighted, with the counts they use.

    Keys: ``posts`` (V, the capped post count), ``people`` (a), ``engagement`` (the sum in
    the engagement logarithm), and ``volume_term``, ``authors_term``, ``engagement_term``
    (each already multiplied by its weight); shown on the issue page so that a reader
    sees why an issue ranks where it does.
    """
    w = weights or HeatWeights()
    posts = issue.size if issue.weighted_posts is None else min(issue.weighted_posts, float(issue.size))
    likes = issue.likes if issue.people_likes is None else min(issue.people_likes, issue.likes)
    engagement = max(likes + w.dislikes * issue.dislikes + 2 * issue.reposts + issue.replies, 0.0)
    return {
        "posts": posts,
        "people": float(issue.authors),
        "engagement": engagement,
        "volume_term": w.volume * math.log1p(posts),
        "authors_term": w.authors * math.log1p(issue.authors),
        "engagement_term": w.engagement * math.log1p(engagement),
    }


def heat_parts(
    issue: Issue, at: datetime, weights: HeatWeights | None = None, today: date | None = None
) -> dict[str, float]:
    """Every term of the heat of ``issue`` at ``at``: :func:`heat_terms` plus growth and decay.

    ``today``: the local date of ``at`` when the timeline counts local dates (stored issues:
    a message at 07:00 Beijing is on that day, not on the UTC day before); else ``at``'s own.

    Adds ``growth`` (the log-ratio, ≥ 0), ``growth_term`` (weighted), ``decay`` (the factor)
    and ``heat`` itself, so that the issue page can show the whole sum, not three of its
    five parts (its terms did not add up to the heat it showed).
    """
    w = weights or HeatWeights()
    terms = heat_terms(issue, w)
    base = terms["volume_term"] + terms["authors_term"] + terms["engagement_term"]
    end = (today or _moment(at).date()) + timedelta(days=1)
    span = timedelta(days=w.growth_days)
    recent = _window(issue.timeline, end - span, end)
    before = _window(issue.timeline, end - 2 * span, end - span)
    growth = max(math.log((1 + recent) / (1 + before)), 0.0)
    age_days = max((_moment(at) - _moment(issue.last_time)).total_seconds() / 86400.0, 0.0)
    decay = math.exp(-age_days / w.tau_days) if w.tau_days > 0 else 1.0
    return {
        **terms,
        "growth": growth,
        "growth_term": w.growth * growth,
        "decay": decay,
        "heat": (base + w.growth * growth) * decay,
    }


def heat(issue: Issue, at: datetime, weights: HeatWeights | None = None, today: date | None = None) -> float:
    """The heat of ``issue`` evaluated at ``at`` (see the module docstring and :func:`heat_parts`)."""
    return heat_parts(issue, at, weights, today)["heat"]


def _in_period(issue: Issue, start: datetime | None, end: datetime | None) -> Issue | None:
    """``issue`` restricted to the period (its timeline and counts), or ``None`` when outside."""
    first = start.date() if start else date.min
    last = end.date() if end else date.max
    timeline = {day: count for day, count in issue.timeline.items() if first <= day <= last}
    if not timeline:
        return None
    if len(timeline) == len(issue.timeline):
        return issue
    size = sum(timeline.values())
    latest = max(timeline)
    last_time = min(_moment(issue.last_time), datetime.combine(latest, datetime.max.time(), tzinfo=UTC))
    return Issue(
        **{
            **{name: getattr(issue, name) for name in Issue.__dataclass_fields__},
            "timeline": timeline,
            "size": size,
            "authors": min(issue.authors, size),
            "weighted_posts": None if issue.weighted_posts is None else min(issue.weighted_posts, size),
            "last_time": last_time,
        }
    )


def rank(
    issues: Iterable[Issue],
    period_start: datetime | None = None,
    period_end: datetime | None = None,
    *,
    weights: HeatWeights | None = None,
) -> list[tuple[Issue, float]]:
    """Issues with a message in the period, hottest first, with their heat.

    Args:
        issues: The issues to rank.
        period_start: Only messages on or after this day count (default: all).
        period_end: Only messages up to this day count; heat is evaluated at its end
            (default: at the newest message of all issues).
        weights: The formula's weights (default :class:`HeatWeights`).
    """
    kept = [found for issue in issues if (found := _in_period(issue, period_start, period_end)) is not None]
    if not kept:
        return []
    at = _moment(period_end) if period_end else max(_moment(issue.last_time) for issue in kept)
    scored = [(issue, heat(issue, at, weights)) for issue in kept]
    return sorted(scored, key=lambda item: (-item[1], item[0].id))
