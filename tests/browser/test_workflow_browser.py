"""A case driven through the 12345 chain in a real Chromium: dispatch, sign, reply, follow-up, rating."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def staff_login(page, live_server, username):
    page.goto(live_server + "/staff/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("password123")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r".*/staff$"))


def test_case_through_the_chain(live_server, browser):
    citizen = browser.new_context(locale="zh-CN").new_page()
    citizen.goto(live_server + "/")
    citizen.get_by_label("留言主题").fill("咨询一件事情")
    citizen.get_by_label("留言详情").fill("想了解办理某项证明需要什么材料。")
    citizen.get_by_role("button", name="提交留言").click()
    citizen.wait_for_url(re.compile(r".*/submitted$"))
    code = citizen.locator("#tracking-code").inner_text()
    secret = citizen.locator("#tracking-secret").inner_text()

    staff = browser.new_context(locale="zh-CN").new_page()
    staff_login(staff, live_server, "disp")
    staff.goto(live_server + "/staff?q=" + "咨询一件事情")
    staff.get_by_role("link", name="咨询一件事情").first.click()
    staff.get_by_label("承办单位").select_option(label="交通运输局")
    staff.get_by_role("button", name="派发").click()
    staff.wait_for_load_state()
    assert staff.locator("#case-status").inner_text().strip() == "已派单"
    case_url = staff.url

    staff.context.clear_cookies()
    staff_login(staff, live_server, "road")
    staff.goto(case_url)
    staff.get_by_label("状态").select_option(label="已签收")
    staff.locator("form[action$='/status'] button").click()
    staff.wait_for_load_state()
    assert staff.locator("#case-status").inner_text().strip() == "已签收"
    staff.get_by_label("答复", exact=True).fill(
        "您好！办理该证明需携带身份证原件到市民中心窗口。感谢您的来信。"
    )
    staff.get_by_role("button", name="检查答复质量").click()
    staff.wait_for_load_state()
    assert staff.locator("#reply-quality").is_visible()
    staff.get_by_role("button", name="提交", exact=True).click()
    staff.wait_for_load_state()
    assert staff.locator("#case-status").inner_text().strip() == "已答复"

    citizen.goto(live_server + "/track")
    citizen.get_by_label("查询码").fill(code)
    citizen.get_by_label("查询密码").fill(secret)
    citizen.get_by_role("button", name="查询").click()
    citizen.wait_for_load_state()
    assert "身份证原件" in citizen.content()
    citizen.get_by_label("已解决").check()
    citizen.get_by_label("满意", exact=True).check()
    citizen.get_by_role("button", name="提交评价").click()
    citizen.wait_for_load_state()
    assert "感谢您的评价" in citizen.content()
    assert citizen.locator("#case-status").inner_text().strip() == "已办结"
