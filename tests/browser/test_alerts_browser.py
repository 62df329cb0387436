"""An emergency reported on the portal shows up on the staff alerts page, where it is acknowledged."""

from __future__ import annotations

import re

import pytest
from tests.browser.test_workflow_browser import staff_login

pytestmark = pytest.mark.browser


def test_an_emergency_message_raises_an_alert_staff_acknowledge(live_server, browser):
    citizen = browser.new_context(locale="zh-CN").new_page()
    citizen.goto(live_server + "/")
    citizen.get_by_label("留言主题").fill("楼道里燃气味很重")
    citizen.get_by_label("留言详情").fill("幸福里小区5栋楼道里燃气泄漏，气味很重，请马上派人来处理！")
    citizen.get_by_role("button", name="提交留言").click()
    citizen.wait_for_url(re.compile(r".*/submitted$"))

    staff = browser.new_context(locale="zh-CN").new_page()
    staff_login(staff, live_server, "disp")
    staff.goto(live_server + "/staff/alerts?status=open")
    row = staff.locator("tr[id^='alert-']", has_text="燃气泄漏").first
    assert row.is_visible()
    assert "幸福里" in row.inner_text()
    row.get_by_role("button", name="确认已知悉").click()
    staff.wait_for_load_state()
    staff.goto(live_server + "/staff/alerts?status=acknowledged")
    done = staff.locator("tr[id^='alert-']", has_text="燃气泄漏").first
    assert "已确认" in done.inner_text()
