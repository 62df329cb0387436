"""A person on a phone submits a message and follows it, in a real Chromium."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def _track_until_opened(page, tries: int = 60) -> None:
    """Press 查看办理进度 until the worker has opened the case (it runs after the receipt).

    The message is stored and answered first; the background worker opens its case a moment
    later, which on a loaded host can be after the first press ("正在处理，请稍后刷新").
    """
    for _ in range(tries):
        page.get_by_role("button", name="查看办理进度").click()
        page.wait_for_load_state()
        if page.locator("#case-status").count():
            return
        page.wait_for_timeout(500)
        page.go_back()
    raise AssertionError("the case was not opened")


def test_submit_and_track_in_browser(live_server, page, tmp_path):
    page.goto(live_server + "/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.get_by_label("留言主题").fill("公交站牌被撞倒")
    page.get_by_label("留言详情").fill("星沙大道公交站的站牌昨晚被车撞倒，存在安全隐患，请尽快处理。")
    page.get_by_label("问题类别（可选）").select_option(label="交通运输")
    page.get_by_label("联系电话").fill("13812345678")
    page.get_by_role("button", name="提交留言").click()

    page.wait_for_url(re.compile(r".*/submitted$"))
    code = page.locator("#tracking-code").inner_text()
    secret = page.locator("#tracking-secret").inner_text()
    assert code.startswith("MY")
    assert len(secret) == 10
    page.screenshot(path=str(tmp_path / "receipt.png"), full_page=True)

    _track_until_opened(page)
    assert "公交站牌被撞倒" in page.content()
    assert page.locator("#case-status").inner_text().strip() == "已派单"
    assert "交通运输局" in page.content()

    # A stranger with only the code sees nothing.
    page.goto(live_server + "/track")
    page.get_by_label("查询码").fill(code)
    page.get_by_label("查询密码").fill("WRONG12345")
    page.get_by_role("button", name="查询").click()
    assert "查询码或查询密码不正确" in page.content()
    assert "公交站牌被撞倒" not in page.content()


def test_form_errors_in_browser(live_server, page):
    page.goto(live_server + "/")
    page.get_by_label("留言主题").fill("只有标题")
    page.get_by_role("button", name="提交留言").click()
    page.wait_for_load_state()
    assert page.locator("#body").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("留言主题").input_value() == "只有标题"


def test_staff_sees_the_message_in_browser(live_server, page):
    page.goto(live_server + "/")
    page.get_by_label("留言主题").fill("路口红绿灯故障")
    page.get_by_label("留言详情").fill("开元路口红绿灯一直闪黄灯。")
    page.get_by_label("问题类别（可选）").select_option(label="交通运输")
    page.get_by_role("button", name="提交留言").click()
    page.wait_for_url(re.compile(r".*/submitted$"))

    page.goto(live_server + "/staff")
    page.get_by_label("用户名").fill("road")
    page.get_by_label("密码").fill("password123")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r".*/staff$"))
    page.get_by_role("link", name="路口红绿灯故障").first.click()
    page.wait_for_load_state()
    assert "开元路口红绿灯一直闪黄灯" in page.content()


def test_the_receipt_is_cleared_on_a_shared_computer_in_browser(live_server, page):
    """我已记下，清除: the next person at a service hall's kiosk finds no code or secret."""
    page.goto(live_server + "/")
    page.get_by_label("留言主题").fill("自助终端测试")
    page.get_by_label("留言详情").fill("政务大厅自助终端提交的留言。")
    page.get_by_role("button", name="提交留言").click()
    page.wait_for_url(re.compile(r".*/submitted$"))
    secret = page.locator("#tracking-secret").inner_text()
    page.reload()  # a refresh keeps the receipt
    assert page.locator("#tracking-secret").inner_text() == secret
    page.get_by_role("button", name="我已记下，清除").click()
    page.wait_for_url(re.compile(r".*/submitted$"))
    assert "已提交，请妥善保存查询码" in page.content()
    page.goto(live_server + "/submitted")  # the next person
    assert secret not in page.content()
    assert page.locator("#tracking-secret").count() == 0
