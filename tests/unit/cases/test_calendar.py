from __future__ import annotations

import json
import logging
import math
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from minyi.cases import calendar as calendar_module
from minyi.cases.calendar import HOLIDAYS_FILE_ENV, WorkCalendar, default_calendar
from minyi.cases.holidays import (
    DayKind,
    DaySource,
    HolidayOverride,
    load_holiday_file,
    overrides_from_rows,
    statutory_day,
)

SH = ZoneInfo("Asia/Shanghai")


def sh(year, month, day, hour=0, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=SH)


@pytest.fixture
def cal():
    return WorkCalendar()


@pytest.fixture
def uncovered_from_2027(monkeypatch):
    """Make 2027 on uncovered whatever chinese-calendar release is installed."""

    def limited(day):
        return None if day.year >= 2027 else statutory_day(day)

    monkeypatch.setattr(calendar_module, "statutory_day", limited)


def warnings_for(caplog, year):
    return [r for r in caplog.records if r.levelno == logging.WARNING and str(year) in r.getMessage()]


# --- the 2026 statutory calendar, from chinese-calendar --------------------------------


def test_national_day_2026_schedule(cal):
    # 国庆节 2026: 1–7 October off; Sunday 20 Sep and Saturday 10 Oct are working days.
    assert cal.is_working_day(date(2026, 9, 30))
    assert not any(cal.is_working_day(date(2026, 10, day)) for day in range(1, 8))
    assert cal.is_working_day(date(2026, 10, 8))
    assert cal.is_working_day(date(2026, 10, 10))  # Saturday, adjusted
    assert not cal.is_working_day(date(2026, 10, 11))
    assert cal.is_working_day(date(2026, 9, 20))  # Sunday, adjusted
    info = cal.day_info(date(2026, 10, 1))
    assert (info.name, info.source) == ("国庆节", DaySource.STATUTORY)


def test_case_accepted_on_last_working_day_before_national_day(cal):
    accepted = sh(2026, 9, 30, 16)  # Wednesday
    assert cal.add_working_days(accepted, 1) == sh(2026, 10, 8, 17, 30)
    # 8 (Thu), 9 (Fri), 10 (adjusted Saturday), 12 (Mon), 13 (Tue)
    assert cal.add_working_days(accepted, 3) == sh(2026, 10, 10, 17, 30)
    assert cal.add_working_days(accepted, 5) == sh(2026, 10, 13, 17, 30)
    assert cal.add_working_days(accepted, 15) == sh(2026, 10, 27, 17, 30)


def test_time_of_day_of_the_start_does_not_matter(cal):
    assert cal.add_working_days(sh(2026, 9, 30, 0, 1), 1) == cal.add_working_days(sh(2026, 9, 30, 23, 59), 1)


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (sh(2026, 9, 19, 10), sh(2026, 9, 20, 17, 30)),  # Sat → adjusted working Sunday 2026-09-20
        (sh(2025, 9, 26, 16), sh(2025, 9, 28, 17, 30)),  # Fri → adjusted working Sunday 2025-09-28
        (sh(2026, 1, 2, 9), sh(2026, 1, 4, 17, 30)),  # 元旦 holiday Fri → adjusted working Sunday 2026-01-04
    ],
)
def test_an_adjusted_working_weekend_day_counts(cal, start, due):
    assert due.weekday() >= 5
    assert cal.is_working_day(due.date())
    assert cal.add_working_days(start, 1) == due


def test_spring_festival_2026(cal):
    # 春节 2026: 15–23 February off; Saturdays 14 and 28 February are working days.
    assert not any(cal.is_working_day(date(2026, 2, day)) for day in range(15, 24))
    assert cal.is_working_day(date(2026, 2, 14))
    assert cal.is_working_day(date(2026, 2, 28))
    friday = sh(2026, 2, 13, 16)
    assert cal.add_working_days(friday, 1) == sh(2026, 2, 14, 17, 30)
    assert cal.add_working_days(friday, 2) == sh(2026, 2, 24, 17, 30)
    assert cal.add_working_days(sh(2026, 2, 15, 10), 1) == sh(2026, 2, 24, 17, 30)
    assert cal.working_days_between(friday, sh(2026, 2, 28, 12)) == 6  # 14, 24, 25, 26, 27, 28
    assert cal.day_info(date(2026, 2, 17)).name == "春节"


def test_zero_days_is_the_end_of_the_same_or_next_working_day(cal):
    assert cal.add_working_days(sh(2026, 9, 30, 9), 0) == sh(2026, 9, 30, 17, 30)
    assert cal.add_working_days(sh(2026, 10, 3, 9), 0) == sh(2026, 10, 8, 17, 30)
    with pytest.raises(ValueError, match="not negative"):
        cal.add_working_days(sh(2026, 9, 30, 9), -1)


def test_next_and_nth_working_day(cal):
    assert cal.next_working_day(date(2026, 9, 30)) == date(2026, 10, 8)
    assert cal.next_working_day(date(2026, 10, 9)) == date(2026, 10, 10)
    assert cal.nth_working_day(date(2026, 9, 30), 5) == date(2026, 10, 13)
    assert cal.nth_working_day(date(2026, 10, 4), 0) == date(2026, 10, 8)


def test_end_of_day_is_a_setting():
    cal = WorkCalendar(end_of_day=time(18, 0))
    assert cal.add_working_days(sh(2026, 9, 30, 16), 1) == sh(2026, 10, 8, 18)


def test_lookups_are_cached(cal):
    cal.is_working_day(date(2026, 10, 8))
    before = cal.day_info.cache_info().hits
    cal.is_working_day(date(2026, 10, 8))
    assert cal.day_info.cache_info().hits == before + 1


# --- years chinese-calendar does not cover ---------------------------------------------


@pytest.mark.skipif(statutory_day(date(2027, 1, 4)) is not None, reason="chinese-calendar now covers 2027")
def test_the_installed_chinese_calendar_does_not_know_2027():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 1, 4))
    assert WorkCalendar().day_info(date(2027, 1, 4)).source == DaySource.FALLBACK


@pytest.mark.usefixtures("uncovered_from_2027")
def test_crossing_into_2027_uses_the_fallback_and_warns_once(caplog):
    cal = WorkCalendar()
    caplog.set_level(logging.WARNING, logger="minyi.cases.calendar")
    # Thu 31 Dec 2026 → Fri 1 Jan 2027 is 元旦, then a weekend → Mon 4 Jan.
    assert cal.add_working_days(sh(2026, 12, 31, 10), 1) == sh(2027, 1, 4, 17, 30)
    assert cal.add_working_days(sh(2026, 12, 31, 10), 5) == sh(2027, 1, 8, 17, 30)
    warned = warnings_for(caplog, 2027)
    assert len(warned) == 1
    assert "春节" in warned[0].getMessage()
    # Chinese first (the operator enters the State Council's notice), naming where to enter it
    assert warned[0].getMessage().startswith("2027 年的法定节假日与调休尚未录入")
    assert "国务院 2027 年的放假通知" in warned[0].getMessage()
    assert "/staff/admin" in warned[0].getMessage()
    assert HOLIDAYS_FILE_ENV in warned[0].getMessage()
    info = cal.day_info(date(2027, 1, 1))
    assert (info.is_working, info.name, info.source) == (False, "元旦", DaySource.FALLBACK)


@pytest.mark.usefixtures("uncovered_from_2027")
def test_fallback_knows_fixed_holidays_only(cal, caplog):
    caplog.set_level(logging.WARNING, logger="minyi.cases.calendar")
    assert not cal.is_working_day(date(2027, 1, 2))  # Saturday
    assert not cal.is_working_day(date(2027, 5, 1))  # 劳动节, a Saturday
    assert cal.is_working_day(date(2027, 5, 3))  # Monday: no 调休 without the notice
    assert [cal.is_working_day(date(2027, 10, d)) for d in (1, 4)] == [False, True]  # 国庆节 1–3 Oct
    assert not cal.is_working_day(date(2028, 5, 2))  # 劳动节 day 2, a Tuesday
    # Spring Festival 2027 (6 Feb) is lunar: unknown, so Monday 8 Feb counts as working.
    assert cal.is_working_day(date(2027, 2, 8))
    assert len(warnings_for(caplog, 2027)) == 1
    assert len(warnings_for(caplog, 2028)) == 1


OVERRIDE_2027 = [
    *({"date": f"2027-02-{day:02d}", "kind": "holiday", "name": "春节"} for day in range(5, 12)),
    {"date": "2027-02-14", "kind": "workday", "name": "春节调休"},
]


def write_overrides(tmp_path, fmt):
    if fmt == "json":
        path = tmp_path / "holidays-2027.json"
        path.write_text(json.dumps({"days": OVERRIDE_2027}, ensure_ascii=False), encoding="utf-8")
    else:
        path = tmp_path / "holidays-2027.csv"
        rows = [f"{row['date']},{row['kind']},{row['name']}" for row in OVERRIDE_2027]
        path.write_text("# 2027 notice\ndate,kind,name\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.usefixtures("uncovered_from_2027")
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_override_file_for_2027_is_honoured(tmp_path, fmt, caplog):
    cal = WorkCalendar(holidays_file=write_overrides(tmp_path, fmt))
    caplog.set_level(logging.WARNING, logger="minyi.cases.calendar")
    thursday = sh(2027, 2, 4, 16)
    assert cal.add_working_days(thursday, 1) == sh(2027, 2, 12, 17, 30)  # 5–11 Feb off
    assert cal.add_working_days(thursday, 2) == sh(2027, 2, 14, 17, 30)  # the working Sunday
    assert cal.add_working_days(thursday, 3) == sh(2027, 2, 15, 17, 30)
    info = cal.day_info(date(2027, 2, 8))
    assert (info.is_working, info.name, info.source) == (False, "春节", DaySource.OVERRIDE)
    assert cal.day_info(date(2027, 2, 14)).source == DaySource.OVERRIDE
    assert cal.day_info(date(2027, 1, 1)).source == DaySource.FALLBACK  # the rest still falls back
    assert warnings_for(caplog, 2027) == []  # the year was entered: nothing contradicts it


def test_an_override_wins_over_the_statutory_calendar(cal):
    local = {date(2026, 10, 8): HolidayOverride(date(2026, 10, 8), DayKind.HOLIDAY, "本市安排")}
    overridden = WorkCalendar(overrides=local)
    assert cal.add_working_days(sh(2026, 9, 30, 16), 1) == sh(2026, 10, 8, 17, 30)
    assert overridden.add_working_days(sh(2026, 9, 30, 16), 1) == sh(2026, 10, 9, 17, 30)


@pytest.mark.usefixtures("uncovered_from_2027")
def test_the_default_calendar_reads_the_holidays_file_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(HOLIDAYS_FILE_ENV, str(write_overrides(tmp_path, "csv")))
    default_calendar.cache_clear()
    try:
        assert default_calendar().is_working_day(date(2027, 2, 14))
        assert default_calendar() is default_calendar()
    finally:
        default_calendar.cache_clear()


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"date": "2027-02-30", "kind": "holiday"}], "not YYYY-MM-DD"),
        ([{"date": "2027-02-06", "kind": "off"}], "neither 'holiday' nor 'workday'"),
        ([{"date": "2027-02-06", "kind": "holiday"}, {"date": "2027-02-06", "kind": "workday"}], "twice"),
        (["2027-02-06"], "expected an object"),
    ],
)
def test_bad_override_rows_are_rejected_with_their_row(rows, message):
    with pytest.raises(ValueError, match=message):
        overrides_from_rows(rows)


def test_bad_override_files_are_rejected(tmp_path):
    text_file = tmp_path / "holidays.txt"
    text_file.write_text("2027-02-06 holiday", encoding="utf-8")
    with pytest.raises(ValueError, match=r"\.csv or \.json"):
        load_holiday_file(text_file)
    json_file = tmp_path / "holidays.json"
    json_file.write_text('{"holidays": []}', encoding="utf-8")
    with pytest.raises(ValueError, match="list of days"):
        load_holiday_file(json_file)


# --- working hours ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        (sh(2026, 11, 18, 10), 1, sh(2026, 11, 18, 11)),
        (sh(2026, 11, 18, 11), 2, sh(2026, 11, 18, 14, 30)),  # across lunch
        (sh(2026, 11, 18, 9), 3, sh(2026, 11, 18, 12)),  # up to lunch exactly
        (sh(2026, 11, 18, 9), 7, sh(2026, 11, 18, 17, 30)),  # a whole day
        (sh(2026, 11, 18, 12, 30), 1, sh(2026, 11, 18, 14, 30)),  # starts at lunch
        (sh(2026, 11, 18, 7), 1.5, sh(2026, 11, 18, 10, 30)),  # before opening
        (sh(2026, 11, 18, 16, 30), 3, sh(2026, 11, 19, 11)),  # overnight
        (sh(2026, 11, 18, 20), 1, sh(2026, 11, 19, 10)),  # after closing
        (sh(2026, 11, 20, 17), 1, sh(2026, 11, 23, 9, 30)),  # over the weekend
        (sh(2026, 9, 30, 17), 1, sh(2026, 10, 8, 9, 30)),  # over National Day
        (sh(2026, 11, 18, 9), 14, sh(2026, 11, 19, 17, 30)),
    ],
)
def test_working_hours(cal, start, hours, due):
    assert cal.add_working_hours(start, hours) == due


def test_working_hours_are_configurable():
    cal = WorkCalendar(working_hours=[(time(8), time(12)), (time(14), time(18))])
    assert cal.add_working_hours(sh(2026, 11, 18, 11), 2) == sh(2026, 11, 18, 15)
    with pytest.raises(ValueError, match="ordered"):
        WorkCalendar(working_hours=[(time(13), time(17)), (time(9), time(12))])
    with pytest.raises(ValueError, match="at least one"):
        WorkCalendar(working_hours=[])


def test_emergency_calendar_counts_clock_hours():
    cal = WorkCalendar(emergency_calendar=True)
    assert cal.add_working_hours(sh(2026, 10, 1, 22), 4) == sh(2026, 10, 2, 2)
    # Working days are unaffected.
    assert cal.add_working_days(sh(2026, 9, 30, 16), 1) == sh(2026, 10, 8, 17, 30)


def test_working_hours_edge_values(cal):
    start = sh(2026, 11, 18, 20)
    assert cal.add_working_hours(start, 0) == start
    for bad in (-1, math.nan, math.inf):
        with pytest.raises(ValueError, match="finite and not negative"):
            cal.add_working_hours(start, bad)


# --- time zones ------------------------------------------------------------------------


def test_utc_late_evening_is_the_next_local_day(cal):
    start = datetime(2026, 11, 19, 23, tzinfo=UTC)  # Friday 20 Nov, 07:00 in Shanghai
    assert cal.local_date(start) == date(2026, 11, 20)
    due = cal.add_working_days(start, 1)
    assert due == sh(2026, 11, 23, 17, 30)  # Monday, not Friday
    assert due.tzinfo is UTC
    assert due == datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def test_working_hours_with_utc_input(cal):
    start = datetime(2026, 11, 18, 3, tzinfo=UTC)  # 11:00 in Shanghai
    due = cal.add_working_hours(start, 2)
    assert due == sh(2026, 11, 18, 14, 30)
    assert due.tzinfo is UTC


def test_naive_datetimes_are_refused(cal):
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.add_working_days(datetime(2026, 9, 30, 16), 1)  # noqa: DTZ001
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.add_working_hours(datetime(2026, 9, 30, 16), 1)  # noqa: DTZ001


# --- working days between --------------------------------------------------------------


def test_working_days_between(cal):
    assert cal.working_days_between(sh(2026, 9, 30, 16), sh(2026, 10, 13, 9)) == 5
    assert cal.working_days_between(sh(2026, 10, 13, 9), sh(2026, 9, 30, 16)) == -5
    assert cal.working_days_between(sh(2026, 9, 30, 8), sh(2026, 9, 30, 20)) == 0
    assert cal.working_days_between(sh(2026, 10, 1), sh(2026, 10, 7)) == 0
    # 23:00 UTC on 7 Oct is already 8 Oct (a working day) in Shanghai.
    assert cal.working_days_between(sh(2026, 10, 1), datetime(2026, 10, 7, 23, tzinfo=UTC)) == 1


@pytest.mark.parametrize("start", [sh(2026, 9, 30, 16), sh(2026, 2, 14, 9), sh(2026, 10, 4, 9)])
@pytest.mark.parametrize("days", [1, 2, 5, 15, 40])
def test_working_days_between_inverts_add_working_days(cal, start, days):
    assert cal.working_days_between(start, cal.add_working_days(start, days)) == days


def test_a_holidays_file_written_as_the_notice_reads_is_read_like_the_admin_page(tmp_path):
    """Without a header its first line was taken for one and no day was loaded (operator walk-through)."""
    notice = tmp_path / "2027.csv"
    notice.write_text(
        "# 国办发明电〔2026〕X号\n2027-02-06~2027-02-08,放假,春节\n2027-2-14,上班,春节调休\n", "utf-8"
    )
    days = load_holiday_file(notice)
    assert sorted(days) == [date(2027, 2, 6), date(2027, 2, 7), date(2027, 2, 8), date(2027, 2, 14)]
    assert days[date(2027, 2, 14)].kind is DayKind.WORKDAY
    assert days[date(2027, 2, 6)].name == "春节"
    bad = tmp_path / "bad.csv"
    bad.write_text("2027-02-06,放假,春节\n2027-02-30,放假,春节\n", "utf-8")
    with pytest.raises(ValueError, match=r"bad\.csv, line 2: 2027-02-30 is no date of the calendar"):
        load_holiday_file(bad)


def test_a_holidays_file_with_its_header_in_another_order_still_reads_by_column(tmp_path):
    named = tmp_path / "named.csv"
    named.write_text('name,date,kind\n春节,2027-02-06,holiday\n"春节, 调休",2027-02-14,workday\n', "utf-8")
    days = load_holiday_file(named)
    assert days[date(2027, 2, 14)].name == "春节, 调休"
    assert days[date(2027, 2, 6)].kind is DayKind.HOLIDAY


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("9999-12-31,放假,末日", "not in the years 2000–2100"),  # a range's end overflowed: a 500
        ("2027W061,放假,春节", "is not YYYY-MM-DD"),  # an ISO week date, taken by fromisoformat
        ("２０２７-０２-０６,放假,春节", "is not YYYY-MM-DD"),
    ],
)
def test_odd_dates_in_a_holidays_file_are_refused_by_line(tmp_path, line, message):
    odd = tmp_path / "odd.csv"
    odd.write_text(f"2027-02-05,放假,春节\n{line}\n", "utf-8")
    with pytest.raises(ValueError, match=f"line 2: .*{message}"):
        load_holiday_file(odd)


def test_a_holidays_file_that_is_not_utf8_says_so(tmp_path):
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("2027-02-06,放假,春节\n".encode("gbk"))
    with pytest.raises(ValueError, match="not UTF-8 text; save it as UTF-8"):
        load_holiday_file(gbk)
