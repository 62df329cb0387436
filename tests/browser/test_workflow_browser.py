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
        "您好！您咨询的办理证明所需材料问题已收悉。经核查，办理该证明需携带身份证原件到市民中心窗口，"
        "当场即可办结。如有疑问请致电0731-88001203。感谢您的来信。"
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


def submit(browser, live_server, title, body):
    page = browser.new_context(locale="zh-CN").new_page()
    page.goto(live_server + "/")
    page.get_by_label("留言主题").fill(title)
    page.get_by_label("留言详情").fill(body)
    page.get_by_role("button", name="提交留言").click()
    page.wait_for_url(re.compile(r".*/submitted$"))
    return page


def open_case(staff, live_server, title):
    staff.goto(live_server + "/staff?q=" + title)
    staff.get_by_role("link", name=title).first.click()
    staff.wait_for_load_state()


def status_of(page):
    return page.locator("#case-status").inner_text().strip()


def as_user(page, live_server, username, url):
    page.context.clear_cookies()
    staff_login(page, live_server, username)
    page.goto(url)


def press(page, name, **kwargs):
    page.get_by_role("button", name=name, **kwargs).click()
    page.wait_for_load_state()


def test_return_extension_supervision_reopen(live_server, browser):
    title = "请问办证流程"
    submit(browser, live_server, title, "请问办理居住证需要哪些步骤？")
    staff = browser.new_context(locale="zh-CN").new_page()
    staff_login(staff, live_server, "disp")
    open_case(staff, live_server, title)
    staff.get_by_label("承办单位").select_option(label="交通运输局")
    press(staff, "派发")
    case_url = staff.url

    as_user(staff, live_server, "road", case_url)
    staff.get_by_label("退单理由").fill("不属于本单位职责")
    press(staff, "退单")
    assert staff.url.endswith("/staff")  # the case left the department's inbox

    as_user(staff, live_server, "disp", case_url)
    assert status_of(staff) == "已受理"
    press(staff, "派发")
    assert status_of(staff) == "已派单"

    as_user(staff, live_server, "road", case_url)
    staff.get_by_label("延期理由").fill("需要协调多个部门")
    press(staff, "申请延期")
    assert "待审批" in staff.content()

    as_user(staff, live_server, "sup", case_url)
    press(staff, "批准", exact=True)
    assert "已批准" in staff.content()
    staff.get_by_label("督办意见").fill("请三日内答复")
    press(staff, "督办", exact=True)
    assert "请三日内答复" in staff.locator(".supervised").inner_text()

    as_user(staff, live_server, "road", case_url)
    staff.get_by_label("答复", exact=True).fill(
        "您好！您咨询的居住证办理流程问题已收悉。经核查，居住证可在派出所办理，需携带身份证和居住证明，"
        "已为您整理好材料清单。如有疑问请致电0731-88001203。感谢您的来信。"
    )
    press(staff, "提交", exact=True)
    assert status_of(staff) == "已答复"

    as_user(staff, live_server, "sup", case_url)
    staff.get_by_label("重办理由").fill("答复不完整")
    press(staff, "重办")
    assert status_of(staff) == "办理中"
