"""An admin enters next year's State Council holiday notice on /staff/admin; deadlines follow it."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from tests.functional.conftest import csrf_of, login

from minyi.cases import holiday_store
from minyi.cases.calendar import default_calendar
from minyi.cases.holidays import DayKind
from minyi.cases.rules import deadline_policy

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The 2027 notice as an admin types it: ranges, Chinese kinds, a short date, a comment.
SCHEDULE_2027 = """# 国务院办公厅关于2027年部分节假日安排的通知
2027-02-06 ~ 2027-02-13,放假,春节
2027-2-14,上班,春节调休
2027-04-05,放假,清明节
"""


@pytest.fixture(autouse=True)
def _fresh_calendar():
    holiday_store.forget_cached()
    yield
    holiday_store.forget_cached()


def admin_page(client):
    login(client, "boss")
    return client.get("/staff/admin")


def test_the_admin_page_says_which_years_are_known_and_which_are_missing(client, world):
    page = admin_page(client)
    assert page.status_code == 200
    assert "法定节假日与调休" in page.text
    first, last = holiday_store.statutory_years()
    assert f"{first}–{last}" in page.text
    assert 'value="' + str(last + 1) + '"' in page.text  # the first unknown year is offered
    english = client.get("/staff/admin?lang=en")
    assert "Public holidays and adjusted working days" in english.text


def test_an_admin_enters_the_2027_schedule_and_deadlines_follow_it(client, session, world):
    token = csrf_of(admin_page(client).text)
    start = datetime(2027, 2, 5, 10, 0, tzinfo=SHANGHAI)  # the Friday before 春节
    before = deadline_policy(session).calendar.add_working_days(start, 1)
    assert before.date() == date(2027, 2, 8)  # without the notice: the Monday, a holiday in fact

    saved = client.post(
        "/staff/admin/holidays",
        data={"year": "2027", "schedule": SCHEDULE_2027, "csrf_token": token},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    page = client.get(saved.headers["location"])
    assert "2027 年的节假日安排已保存（10 天）" in page.text
    assert "2027-02-14,上班,春节调休" in page.text

    stored = holiday_store.stored_overrides(session)
    assert stored[date(2027, 2, 6)].kind is DayKind.HOLIDAY
    assert stored[date(2027, 2, 14)].name == "春节调休"
    after = deadline_policy(session).calendar.add_working_days(start, 1)
    assert after.date() == date(2027, 2, 14)  # the adjusted working Sunday


def test_saving_a_year_again_replaces_it_and_empty_removes_it(client, session, world):
    token = csrf_of(admin_page(client).text)
    client.post(
        "/staff/admin/holidays", data={"year": "2027", "schedule": SCHEDULE_2027, "csrf_token": token}
    )
    client.post(
        "/staff/admin/holidays",
        data={"year": "2027", "schedule": "2027-10-08,上班", "csrf_token": token},
    )
    assert list(holiday_store.stored_overrides(session)) == [date(2027, 10, 8)]
    client.post("/staff/admin/holidays", data={"year": "2027", "schedule": "", "csrf_token": token})
    assert holiday_store.stored_overrides(session) == {}


def test_an_entered_year_opens_for_editing(client, world):
    token = csrf_of(admin_page(client).text)
    client.post(
        "/staff/admin/holidays", data={"year": "2027", "schedule": SCHEDULE_2027, "csrf_token": token}
    )
    page = client.get("/staff/admin")
    assert 'href="/staff/admin?holiday_year=2027#holidays"' in page.text
    editing = client.get("/staff/admin?holiday_year=2027")
    assert 'name="year" type="number" min="2000" max="2100" required value="2027"' in editing.text
    assert "2027-02-13,放假,春节" in editing.text  # every day of the range, one a line
    assert client.get("/staff/admin?holiday_year=abc").status_code == 200


@pytest.mark.parametrize(
    ("year", "schedule", "zh", "en"),
    [
        (
            "2027",
            "2027-02-30,放假,春节",
            "第 1 行：2027-02-30 不是日历上的日期",
            "Line 1: 2027-02-30 is no date",
        ),
        ("2027", "2月6日,放假,春节", "第 1 行：日期 '2月6日' 应写成", "Line 1: date '2月6日'"),
        ("2027", "2027-02-06", "第 1 行：请先写日期", "Line 1: write a date"),
        ("2027", "2027-02-06,周末", "第 1 行：周末 应为“放假”或“上班”", "neither holiday nor workday"),
        (
            "2027",
            "2028-01-01,放假,元旦",
            "第 1 行：2028-01-01 不在 2027 年",
            "Line 1: 2028-01-01 is not in 2027",
        ),
        (
            "2027",
            "2027-02-06,放假\n2027-02-06,上班",
            "第 2 行：2027-02-06 重复填写",
            "Line 2: 2027-02-06 is listed",
        ),
        ("二〇二七", "2027-02-06,放假", "年份应在 2000 到 2100 之间", "Year: from 2000 to 2100"),
        (  # a range's end overflowed: a 500 (ninth probe)
            "2027",
            "9999-12-31,放假,末日",
            "第 1 行：9999-12-31 不在 2000 至 2100 年之间",
            "Line 1: 9999-12-31 is not in the years 2000–2100",
        ),
    ],
)
def test_a_wrong_line_is_named_in_the_readers_language_and_the_input_stays(
    client, session, world, year, schedule, zh, en
):
    token = csrf_of(admin_page(client).text)
    for language, expected in (("zh", zh), ("en", en)):
        refused = client.post(
            f"/staff/admin/holidays?lang={language}",
            data={"year": year, "schedule": schedule, "csrf_token": token},
        )
        assert refused.status_code == 422
        assert expected in refused.text.replace("&#39;", "'")
        assert 'id="holiday-error"' in refused.text
        assert schedule.splitlines()[0] in refused.text  # what was typed is still there
    assert holiday_store.stored_overrides(session) == {}


def test_only_admins_enter_holidays(client, world):
    login(client, "disp")
    token = csrf_of(client.get("/staff").text)
    refused = client.post(
        "/staff/admin/holidays", data={"year": "2027", "schedule": SCHEDULE_2027, "csrf_token": token}
    )
    assert refused.status_code == 403


def test_without_entries_deadlines_use_the_shared_calendar(session, world):
    assert deadline_policy(session).calendar is default_calendar()  # the holidays file, chinese-calendar
