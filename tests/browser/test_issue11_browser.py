"""Issue 11 items 10-12 in a real Chromium: the reply check holds, flash messages, search by code,
the /track timeline, the receipt (reload, print, copy) and the favicon."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

GOOD_REPLY = (
    "您好！您反映的丽发新城门口路灯不亮的问题已收悉。经核查，路灯养护单位已派人到现场查看，"
    "更换了损坏的灯具，路灯已恢复照明。如有疑问请致电0731-88001203。感谢您对我们工作的支持与监督。"
)


def staff_login(page, live_server, username):
    page.goto(live_server + "/staff/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("password123")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r".*/staff$"))


def submit(browser, live_server, title, body, *, public=False):
    context = browser.new_context(locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    page.goto(live_server + "/")
    page.get_by_label("留言主题").fill(title)
    page.get_by_label("留言详情").fill(body)
    if public:
        page.locator("input[name=is_public]").check()
    page.get_by_role("button", name="提交留言").click()
    page.wait_for_url(re.compile(r".*/submitted$"))
    return page


def press(page, name, **kwargs):
    page.get_by_role("button", name=name, **kwargs).click()
    page.wait_for_load_state()


def public_lookup_then_rating(browser, live_server, citizen, code, secret):
    """/public finds the answered case by its code; the rating timeline says 已答复 once."""
    public = browser.new_context(locale="zh-CN").new_page()
    public.goto(live_server + "/public")
    public.get_by_label("按查询码查找").fill(code.lower())
    press(public, "查找")
    assert public.locator(".public-case").count() == 1
    assert "丽发新城门口路灯不亮" in public.locator(".public-case").inner_text()
    public.get_by_label("按查询码查找").fill("MYWRONG22")
    press(public, "查找")
    assert public.locator(".public-case").count() == 0
    assert public.locator("#public-empty").is_visible()

    citizen.goto(live_server + "/track")
    citizen.get_by_label("查询码").fill(code)
    citizen.get_by_label("查询密码").fill(secret)
    press(citizen, "查询")
    citizen.get_by_label("已解决").check()
    citizen.get_by_label("满意", exact=True).check()
    press(citizen, "提交评价")
    steps = [re.sub(r"^\S+ \S+ ", "", s) for s in citizen.locator(".timeline li").all_inner_texts()]
    assert steps.count("已答复") == 1, steps
    assert "市民评价：满意" in steps


def test_reply_check_flash_search_and_public_lookup(live_server, browser):
    citizen = submit(
        browser,
        live_server,
        "丽发新城门口路灯不亮",
        "丽发新城小区门口的路灯坏了一个月，晚上很黑。",
        public=True,
    )
    code = citizen.locator("#tracking-code").inner_text()
    secret = citizen.locator("#tracking-secret").inner_text()

    staff = browser.new_context(locale="zh-CN").new_page()
    staff_login(staff, live_server, "disp")
    staff.goto(live_server + "/staff?q=" + code.lower())  # the inbox's text filter takes a tracking code
    staff.get_by_role("link", name="丽发新城门口路灯不亮").first.click()
    staff.wait_for_load_state()
    case_url = staff.url
    staff.get_by_label("承办单位").select_option(label="交通运输局")
    press(staff, "派发")
    assert staff.locator(".flash").inner_text() == "已派单至 交通运输局"
    staff.reload()
    assert staff.locator(".flash").count() == 0  # shown once

    staff.context.clear_cookies()
    staff_login(staff, live_server, "road")
    staff.goto(case_url)
    staff.get_by_label("答复", exact=True).fill("已收到。")
    press(staff, "检查答复质量")
    quality = staff.locator("#reply-quality")
    assert quality.get_attribute("data-band") == "low"
    red = quality.evaluate("e => getComputedStyle(e).borderLeftColor")
    assert red == "rgb(180, 35, 24)"  # --bad
    press(staff, "提交", exact=True)  # below 60 without a reason: refused, the reason is asked for
    assert staff.locator("#case-status").inner_text().strip() == "已派单"
    assert "60" in staff.locator(".alert").inner_text()  # the threshold is named
    staff.get_by_label("低于门槛仍要发送的理由（记入办理记录）").fill("已电话详细答复市民")
    press(staff, "提交", exact=True)
    assert staff.locator("#case-status").inner_text().strip() == "已答复"
    assert staff.locator(".flash").inner_text() == "答复已发送"
    assert "已电话详细答复市民" in staff.locator(".low-score-reason").inner_text()

    staff.get_by_label("答复", exact=True).fill(GOOD_REPLY)
    press(staff, "检查答复质量")
    assert staff.locator("#reply-quality").get_attribute("data-band") == "good"
    assert staff.locator("#reply-reason").count() == 0

    public_lookup_then_rating(browser, live_server, citizen, code, secret)


def test_receipt_reload_print_copy_and_favicon(live_server, browser):
    citizen = submit(browser, live_server, "井盖缺失", "人民路口井盖丢了，很危险。")
    errors = []
    citizen.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    code = citizen.locator("#tracking-code").inner_text()
    secret = citizen.locator("#tracking-secret").inner_text()
    citizen.reload()
    assert citizen.locator("#tracking-code").inner_text() == code  # a reload keeps the receipt
    assert citizen.locator("#tracking-secret").inner_text() == secret

    assert citizen.locator("#receipt-actions").is_visible()
    citizen.evaluate("window.print = () => { window.__printed = true; }")
    citizen.get_by_role("button", name="打印回执").click()
    assert citizen.evaluate("window.__printed === true")
    citizen.get_by_role("button", name="复制查询码和密码").click()
    citizen.wait_for_function("document.getElementById('receipt-status').textContent === '已复制'")
    copied = citizen.evaluate("navigator.clipboard.readText()")
    assert code in copied
    assert secret in copied
    citizen.emulate_media(media="print")
    assert not citizen.locator(".site-header").is_visible()
    assert not citizen.locator("#receipt-actions").is_visible()
    assert citizen.locator("#tracking-secret").is_visible()
    citizen.emulate_media(media="screen")

    icon = citizen.locator("link[rel=icon]").get_attribute("href")
    assert icon == "/static/favicon.svg"
    loaded = citizen.evaluate(
        "href => new Promise(ok => { const i = new Image(); i.onload = () => ok(i.width > 0); "
        "i.onerror = () => ok(false); i.src = href; })",
        icon,
    )
    assert loaded  # the CSP allows it
    assert not [e for e in errors if "Content Security Policy" in e]

    other = browser.new_context(locale="zh-CN").new_page()  # another browser gets no receipt
    other.goto(live_server + "/submitted")
    assert other.url.endswith("/track")
