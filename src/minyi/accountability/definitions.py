"""The public figures of the scorecard: one definition each, in Chinese and English.

Every page, download, briefing or big screen that shows 响应率, 满意率 … takes the
definition from here, so a figure means the same everywhere. A figure is a ratio of
**counts** that the aggregate table (:mod:`minyi.accountability.models`) stores for each
month × department × region × category; summing the counts of several rows and then
dividing gives the figure of the larger group exactly (rates are never averaged).

What a case counts for (see :mod:`minyi.accountability.facts` for the code):

* A case belongs to the local month in which its **first message arrived** (the author's
  留言时间 when a file gives it, else when Minyi received it), to its department, to the
  region of that first message and to its **top-level category** (一级分类).
* A case absorbed into another (并案, ``merged_into``) is counted in that other case only,
  which is dated by the earliest of all its messages; ``cases.csv`` and Open311 date a case
  by the same message (``Case.written_at``).
* The satisfaction and resolution rates are citizens' own answers: over fewer than
  :data:`MIN_OPINIONS` answers they are not shown, and an open-data row with fewer leaves
  their counts empty, so that no figure publishes what one citizen said.
* Figures are "as of the last refresh" (``minyi stats refresh``): a case still waiting for
  its answer counts as late once its deadline has passed, and not before. A case without a
  deadline of its own (never accepted, or answered before it was) has the deadline the
  rules give a case of its kind and category arriving when it did.

The median time to reply is read from a histogram with fixed buckets
(:data:`REPLY_BUCKET_HOURS`): the median's bucket is exact, and inside it the value is
interpolated linearly, so it is off by at most the width of that bucket (one hour below a
day, one day from 1 to 8 days, a few days beyond) — the price of a median that can be
summed over any group of rows.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

Better = Literal["higher", "lower"]
Kind = Literal["count", "rate", "hours"]

#: Upper edges (hours) of the reply-time buckets; the last bucket is open ("180 days and more").
REPLY_BUCKET_HOURS: tuple[float, ...] = (
    1, 2, 4, 8, 12, 24,  # below a day
    48, 72, 96, 120, 144, 168, 192,  # 2 … 8 days, daily
    240, 288, 336, 408, 504, 600, 720,  # 10, 12, 14, 17, 21, 25, 30 days
    960, 1200, 1440, 2160, 4320,  # 40, 50, 60, 90, 180 days
)  # fmt: skip
#: How many histogram columns the table has (one more than the edges: the open last bucket).
BUCKETS = len(REPLY_BUCKET_HOURS) + 1
BUCKET_COLUMNS: tuple[str, ...] = tuple(f"reply_h{index:02d}" for index in range(BUCKETS))

#: The counts stored per aggregate row (besides the histogram), in the order of the open data.
COUNT_COLUMNS: tuple[str, ...] = (
    "cases",  # every case of the row (volume)
    "sign_due",  # dispatches signed for, sent back or answered, or whose sign-for limit has passed
    "signed_on_time",  # of those, signed for, sent back or answered within the limit
    "answered",  # cases answered (a public reply, or a statement) at least once
    "completion_due",  # cases answered, or still unanswered past their deadline
    "completed_on_time",  # of those, answered no later than the deadline in force
    "solved_rated",  # cases whose last follow-up says whether the problem was solved
    "solved",  # of those, solved
    "rated",  # cases whose last follow-up gives a verdict (满意/基本满意/不满意)
    "satisfied",  # of those, 满意
    "basically_satisfied",  # of those, 基本满意
    "reopened",  # answered cases reopened (重办) at least once
    "reply_seconds",  # sum of the times to first reply, in seconds (for a mean)
)


#: The fewest follow-up answers a satisfaction or resolution figure is shown over. Below it a
#: group (one department, region and category in one month, as open data and the dashboard's
#: filters allow) can be one citizen, whose own answer would be published: "—" instead.
MIN_OPINIONS = 5
#: A median time to reply above this many hours is shown in days (3.2 天), on every page and
#: in the briefing: the definition says so, and the briefing's “99.0 小时” beside the
#: dashboard's “4.1 天” read as two figures (fourteenth probe).
HOURS_AS_DAYS = 48
#: Below this base a rate is shown as its fraction (“3/4”), not as “75.0%”, in the internal
#: briefing: a department's “100.0%” over two cases read like a department's record.
SMALL_BASE = 10
#: The counts that are citizens' answers, left empty in an open-data row with fewer of them.
OPINION_COUNTS = ("rated", "satisfied", "basically_satisfied", "solved_rated", "solved", "reopened")


@dataclass(frozen=True)
class Figure:
    """One public figure: its key, names, definition, and the counts it divides.

    ``numerator`` and ``denominator`` name columns of :data:`COUNT_COLUMNS` (summed); a
    ``count`` figure has no denominator, an ``hours`` figure is read from the histogram.
    """

    key: str
    name_zh: str
    name_en: str
    definition_zh: str
    definition_en: str
    kind: Kind
    numerator: tuple[str, ...] = ()
    denominator: tuple[str, ...] = ()
    better: Better = "higher"
    opinion: bool = False  # made of citizens' own answers: not shown over fewer than MIN_OPINIONS

    def name(self, language: str) -> str:
        """The name in ``language`` (``"en"``, else Chinese)."""
        return self.name_en if language == "en" else self.name_zh

    def definition(self, language: str) -> str:
        """The plain definition in ``language``."""
        return self.definition_en if language == "en" else self.definition_zh

    def value(self, counts: Mapping[str, int]) -> float | None:
        """The figure of ``counts`` (a row's summed counts); ``None`` when there is nothing to divide."""
        if self.kind == "count":
            return float(sum(counts.get(column, 0) for column in self.numerator))
        if self.kind == "hours":
            return median_hours([counts.get(column, 0) for column in BUCKET_COLUMNS])
        whole = sum(counts.get(column, 0) for column in self.denominator)
        if whole <= 0 or (self.opinion and whole < MIN_OPINIONS):
            return None
        return sum(counts.get(column, 0) for column in self.numerator) / whole

    def base(self, counts: Mapping[str, int]) -> int:
        """How many cases the figure is computed over (its denominator; for a median, the replies)."""
        if self.kind == "hours":
            return sum(counts.get(column, 0) for column in BUCKET_COLUMNS)
        columns = self.denominator or self.numerator
        return sum(counts.get(column, 0) for column in columns)


FIGURES: tuple[Figure, ...] = (
    Figure(
        "volume",
        "诉求量",
        "Volume",
        "期间内受理的案件数（按首条留言的时间计；并入其他案件的不重复计算）。",
        "Cases received in the period (dated by their first message; a case merged into another "
        "counts once, in that case).",
        "count",
        numerator=("cases",),
    ),
    Figure(
        "sign_rate",
        "签收及时率",
        "On-time sign-for rate",
        "承办部门在签收时限内签收、退单或直接答复的派单数 ÷ 已签收、退单、答复或已超过签收时限的派单数。"
        "每次派单（含改派、退单后重新派单）计入当时承办的部门；签收时限为案件的签收期限，"
        "未设签收期限的按系统设定的工作小时数（默认 24）；未到时限即被改派的派单不计。",
        "Dispatches signed for, sent back (退单) or answered by the department within the sign-for "
        "limit ÷ dispatches signed for, sent back, answered or past their limit. Each dispatch "
        "(re-dispatches after 改派 or 退单 included) counts for the department it went to; the limit "
        "is the case's acceptance deadline (签收期限), else the set working hours (24 by default); "
        "a dispatch moved on before its limit is not counted.",
        "rate",
        numerator=("signed_on_time",),
        denominator=("sign_due",),
    ),
    Figure(
        "response_rate",
        "响应率",
        "Response rate",
        "已答复的案件数 ÷ 案件总数。",
        "Cases answered (a public reply or statement) ÷ all cases.",
        "rate",
        numerator=("answered",),
        denominator=("cases",),
    ),
    Figure(
        "on_time_rate",
        "按期办结率",
        "On-time completion rate",
        "在答复期限（含批准的延期、重办后的新期限；未受理的案件按规定期限；"
        "表扬类没有期限，答复即计按期）内答复的案件数 ÷ "
        "已答复或已超期未答复的案件数。",
        "Cases answered by their deadline in force (with approved extensions, or the new "
        "deadline after a reopening; for a case never accepted, the deadline the rules give; "
        "praise has none, and counts as answered in time) "
        "÷ cases answered or still unanswered past the deadline.",
        "rate",
        numerator=("completed_on_time",),
        denominator=("completion_due",),
    ),
    Figure(
        "resolution_rate",
        "解决率",
        "Resolution rate",
        "回访中表示问题已解决的案件数 ÷ 回访中回答了是否解决的案件数（以最后一次回访为准）。",
        "Cases whose citizen says the problem was solved ÷ cases whose citizen answered that "
        "question (the last follow-up counts).",
        "rate",
        numerator=("solved",),
        denominator=("solved_rated",),
        opinion=True,
    ),
    Figure(
        "satisfaction_rate",
        "满意率",
        "Satisfaction rate",
        "回访评价为“满意”或“基本满意”的案件数 ÷ 参与评价的案件数（未联系上的不计，以最后一次回访为准）。",
        "Cases rated satisfied or basically satisfied ÷ cases rated (not reached does not count; "
        "the last follow-up counts).",
        "rate",
        numerator=("satisfied", "basically_satisfied"),
        denominator=("rated",),
        opinion=True,
    ),
    Figure(
        "reopen_rate",
        "重办率",
        "Reopen rate",
        "至少重办过一次的案件数 ÷ 已答复的案件数。越低越好。",
        "Answered cases reopened at least once ÷ answered cases. Lower is better.",
        "rate",
        numerator=("reopened",),
        denominator=("answered",),
        better="lower",
        opinion=True,  # an unsatisfied rating reopens the case: over one case it tells the rating
    ),
    Figure(
        "median_reply_hours",
        "答复用时中位数",
        "Median time to reply",
        "从首条留言到首次答复的用时的中位数：一半的案件答复得更快。以小时计，超过 48 小时的以天显示"
        "（开放数据中为小时）。按固定区间统计后插值，误差不超过所在区间宽度。",
        "Median time from the first message to the first reply: half the cases were answered "
        "sooner. In hours, shown in days above 48 hours (hours in the open data); read from "
        "fixed buckets and interpolated, so within the width of its bucket.",
        "hours",
        better="lower",
    ),
)


def few_opinions(counts: Mapping[str, int | None]) -> bool:
    """Whether ``counts`` hold some, but fewer than :data:`MIN_OPINIONS`, of an opinion figure's base.

    Then the figures of citizens' answers are not shown (:meth:`Figure.value`), and neither
    may their counts be: ``rated 1, satisfied 0`` beside a hidden 满意率 is that citizen's
    verdict (the JSON scorecard published it: twelfth probe).
    """
    bases = (sum(counts.get(column) or 0 for column in f.denominator) for f in FIGURES if f.opinion)
    return any(0 < base < MIN_OPINIONS for base in bases)


def published_counts(counts: Mapping[str, int]) -> dict[str, int | None]:
    """``counts`` as a public file or answer may give them: citizens' answers emptied when few."""
    shown: dict[str, int | None] = dict(counts)
    if few_opinions(counts):
        shown.update(dict.fromkeys(OPINION_COUNTS))
    return shown


FIGURE_KEYS: tuple[str, ...] = tuple(figure.key for figure in FIGURES)
_BY_KEY = {figure.key: figure for figure in FIGURES}
#: The figures a ranking may be ordered by (all but the volume).
RANKABLE: tuple[str, ...] = tuple(key for key in FIGURE_KEYS if key != "volume")


def figure(key: str) -> Figure:
    """The figure named ``key``; KeyError for an unknown one."""
    return _BY_KEY[key]


def bucket_of(hours: float) -> int:
    """The histogram bucket of a reply time of ``hours`` (negative times count as 0)."""
    return bisect_right(REPLY_BUCKET_HOURS, max(hours, 0.0))


def median_hours(histogram: Sequence[int]) -> float | None:
    """The median of a reply-time histogram, interpolated inside its bucket; ``None`` when empty.

    The open last bucket has no upper edge: a median there is its lower edge (a lower bound).
    """
    total = sum(histogram)
    if total <= 0:
        return None
    half = total / 2
    seen = 0
    for index, count in enumerate(histogram):
        if count and seen + count >= half:
            low = REPLY_BUCKET_HOURS[index - 1] if index else 0.0
            if index >= len(REPLY_BUCKET_HOURS):
                return float(low)
            high = REPLY_BUCKET_HOURS[index]
            return float(low + (high - low) * (half - seen) / count)
        seen += count
    return None  # pragma: no cover - the loop always reaches half of a positive total
