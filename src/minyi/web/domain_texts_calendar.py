"""The refusals of a holiday schedule (the admin page, ``MINYI_HOLIDAYS_FILE``) in the reader's language.

Kept apart from :mod:`minyi.web.domain_texts`, which joins them with the other refusals into
the one list of patterns it matches: a schedule is refused line by line in many ways (dates,
ranges, years, kinds of day), as the file pages are.
"""

from __future__ import annotations

#: A holiday schedule an admin types (``minyi.cases.holiday_store``).
HOLIDAYS: tuple[tuple[str, str, str], ...] = (
    (
        r"the deadlines to recount changed since the page was shown: check the list and confirm again",
        (
            "页面显示之后，需重新计算的答复期限已有变化（可能有其他管理员修改了节假日安排）："
            "未调整任何期限，请核对下面的名单后再确认。"
        ),
        (
            "The deadlines to recount changed since the page was shown (another administrator may "
            "have changed the schedule): nothing was moved. Check the list below and confirm again."
        ),
    ),
    (
        r"line (?P<n>\d+): (?P<d>\S+) is listed twice",
        "第 {n} 行：{d} 重复填写。",
        "Line {n}: {d} is listed twice.",
    ),
    (
        r"line (?P<n>\d+): write a date, then holiday or workday",
        "第 {n} 行：请先写日期，再写“放假”或“上班”。",
        "Line {n}: write a date, then holiday or workday.",
    ),
    (
        r"line (?P<n>\d+): kind (?P<k>.+) is neither holiday \(放假\) nor workday \(上班\)",
        "第 {n} 行：{k} 应为“放假”或“上班”。",
        "Line {n}: {k} is neither holiday nor workday.",
    ),
    (
        r"line (?P<n>\d+): the name has more than (?P<m>\d+) characters",
        "第 {n} 行：名称最多 {m} 个字。",
        "Line {n}: the name has more than {m} characters.",
    ),
    (
        r"line (?P<n>\d+): (?P<d>\S+) is not in (?P<y>\d+); enter it under the year (?P<z>\d+)",
        "第 {n} 行：{d} 不在 {y} 年，请在年份 {z} 下录入（通知中的元旦安排可能始于上一年 12 月）。",
        "Line {n}: {d} is not in {y}; enter it under the year {z} (a New Year may begin in December).",
    ),
    (
        r"line (?P<n>\d+): (?P<d>\S+) is not in the years (?P<a>\d+)–(?P<b>\d+)",
        "第 {n} 行：{d} 不在 {a} 至 {b} 年之间。",
        "Line {n}: {d} is not in the years {a}–{b}.",
    ),
    (
        r"line (?P<n>\d+): (?P<d>\S+) is no date of the calendar",
        "第 {n} 行：{d} 不是日历上的日期。",
        "Line {n}: {d} is no date of the calendar.",
    ),
    (
        r"line (?P<n>\d+): date (?P<d>.+) is not YYYY-MM-DD",
        "第 {n} 行：日期 {d} 应写成 2027-02-06 的形式。",
        "Line {n}: date {d} is not written like 2027-02-06.",
    ),
    (
        r"line (?P<n>\d+): a range runs forwards, (?P<m>\d+) days at most",
        "第 {n} 行：日期范围应从早到晚，最长 {m} 天。",
        "Line {n}: a range runs forwards, {m} days at most.",
    ),
    (r"year: a year from (?P<a>\d+) to (?P<b>\d+)", "年份应在 {a} 到 {b} 之间。", "Year: from {a} to {b}."),
)
