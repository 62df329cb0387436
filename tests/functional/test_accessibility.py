"""What a screen reader, a keyboard or a phone needs from the pages (accessibility probe).

A failed form says so in the page title and takes focus to its list of errors, each a link
to its field, and every field in error is marked and described; the current page is marked
in the menu; the pager's arrows have names; the inbox's rows name their values on a phone;
the printed receipt says where to track the message and when it was received; every field of
the staff and public forms has a visible label (in Chromium, on a desktop and at 320 px); a
phone number in a reply never breaks at its dash.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.conftest import TEST_SECRET
from tests.functional.conftest import login
from tests.functional.test_portal import portal_submit, receipt
from tests.issuedata import make_issue
from tests.live import migrated_database, running

from minyi.admin.models import ReplyTemplate
from minyi.core.localtime import local
from minyi.demo import factories
from minyi.intake import identity
from minyi.intake.models import Message
from minyi.settings import Settings
from minyi.web.portal import receipt_received


def test_a_failed_message_form_says_so_and_points_at_each_field(client):
    page = portal_submit(client, body="   ", phone="12", email="not-an-address").text
    assert re.search(r"<title>错误：", page)
    errors = page[page.index('id="form-errors"') :].split("</div>")[0]
    assert 'tabindex="-1" autofocus' in errors
    assert '<a href="#body">' in errors
    for field in ("phone", "email"):
        tag = re.search(rf'<input id="{field}"[^>]*>', page).group(0)
        assert 'aria-invalid="true"' in tag
        assert f'aria-describedby="{field}-error"' in tag
        assert f'id="{field}-error"' in page


def test_wrong_tracking_secret_and_login_mark_their_fields(client):
    page, code, _ = receipt(client, portal_submit(client))
    assert 'class="print-only"' in page.text
    assert "/track" in page.text[page.text.index('id="receipt-printed"') :]
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    wrong = client.post("/track", data={"code": code, "secret": "AAAAAAAAAA", "csrf_token": token}).text
    assert re.search(r"<title>错误：", wrong)
    assert 'aria-invalid="true" aria-describedby="track-error"' in wrong
    login_page = client.get("/staff/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', login_page).group(1)
    failed = client.post(
        "/staff/login", data={"username": "nobody", "password": "wrong-password", "csrf_token": token}
    ).text
    assert 'aria-describedby="login-error"' in failed


def test_the_menu_marks_the_current_page_and_the_language_link_its_language(client):
    page = client.get("/track").text
    assert '<a href="/track" aria-current="page">' in page
    assert '<a href="/" aria-current' not in page
    assert 'hreflang="en" lang="en"' in page


def test_inbox_values_are_labelled_for_phones(client, session):
    factories.make_user(session, username="boss", role="admin")
    factories.make_case(session)
    login(client, "boss")
    page = client.get("/staff").text
    assert '<table class="cases stacked">' in page
    assert '<td data-label="时限"' in page


def test_the_dashboard_chart_points_at_its_table(client):
    page = client.get("/public/dashboard").text
    assert 'aria-describedby="trend-table-caption"' in page
    assert '<caption id="trend-table-caption">月度趋势（表）</caption>' in page


def test_the_receipt_says_when_the_message_was_received_in_local_time(client, session):
    page, code, _ = receipt(client, portal_submit(client))
    received = local(session.query(Message).filter_by(tracking_code=code).one().received_at)
    stamp = re.search(r'<time id="receipt-received" datetime="([^"]+)">([^<]+)</time>', page.text)
    assert stamp, "the receipt has no reception time"
    assert stamp.group(2) == received.strftime("%Y-%m-%d %H:%M")  # Beijing time, as the tracking page
    assert stamp.group(1) == received.strftime("%Y-%m-%dT%H:%M+0800")
    receipt_list = page.text[page.text.index('<dl class="receipt">') : page.text.index("</dl>")]
    assert "留言时间" in receipt_list  # in the list that is printed, not in a screen-only part
    assert "no-print" not in receipt_list


def test_a_receipt_kept_from_before_says_when_it_was_given():
    assert receipt_received({"code": "MY2", "secret": "S", "at": 0}) == datetime(1970, 1, 1, tzinfo=UTC)
    kept = {"received": "2026-12-07T03:30:00+00:00", "at": 0}
    assert receipt_received(kept) == datetime(2026, 12, 7, 3, 30, tzinfo=UTC)


REPLY = "您好！路灯已修复。如有疑问，请致电0731-12345或0731-88001234-801。"


def _replied_case(session):
    case = factories.make_case(
        session, status="replied", key=TEST_SECRET, reply_body=REPLY, is_public=True, title="路灯不亮"
    )
    session.commit()
    return case


def test_a_replys_phone_numbers_never_break_at_their_dash(client, session):
    case = _replied_case(session)
    message = case.messages[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/track").text).group(1)
    secret = identity.tracking_secret(TEST_SECRET, message.id)
    tracked = client.post(
        "/track", data={"code": message.tracking_code, "secret": secret, "csrf_token": token}
    )
    assert tracked.status_code == 200
    for page in (tracked.text, client.get("/public").text):
        assert '致电<span class="nowrap">0731-12345</span>或' in page
        assert re.search(r'<span class="nowrap">0731-[0-9*]{8}-801</span>', page)  # masked, still whole
    assert ".nowrap { white-space: nowrap; }" in client.get("/static/minyi.css").text


# --- in Chromium: every visible field of the main pages has a visible label -----------------

#: The fields of a page that no visible label names: a label[for] or the elements of
#: aria-labelledby must be shown (at least 2 x 2 px: not the 1 px .sr-only) and say something.
#: A placeholder or an aria-label alone does not count. Fields not shown (a closed <details>,
#: [hidden]) are left out.
UNLABELLED = """() => {
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width >= 2 && box.height >= 2 && style.visibility !== "hidden" && style.opacity !== "0";
  };
  const text = (el) => (el.textContent || "").replace(/\\s+/g, " ").trim();
  const buttons = ["hidden", "submit", "button", "reset", "image"];
  const missing = [];
  for (const field of document.querySelectorAll("input, select, textarea")) {
    if (buttons.includes((field.getAttribute("type") || "").toLowerCase()) || !shown(field)) continue;
    let names = [];
    const ids = (field.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean);
    if (ids.length) {
      const parts = ids.map((id) => document.getElementById(id));
      if (parts.every((el) => el && shown(el))) names = parts.map(text);
    } else if (field.id) {
      names = Array.from(document.querySelectorAll(`label[for="${CSS.escape(field.id)}"]`))
        .filter(shown).map(text);
    }
    if (!names.join("")) missing.push(`${field.tagName.toLowerCase()}#${field.id} name=${field.name}`);
  }
  return missing;
}"""

STAFF_PAGES = [
    "/staff",
    "/staff/knowledge",
    "/staff/knowledge/new",
    "/staff/statements",
    "/staff/alerts",
    "/staff/alerts/rules/new?kind=keyword",
    "/staff/imports",
    "/staff/export",
    "/staff/admin",
    "/staff/admin/audit",
    "/staff/admin/erasure",
    "/staff/issues",
    "/staff/password",
]
PUBLIC_PAGES = [
    "/",
    "/track",
    "/public",
    "/public/search",
    "/public/dashboard",
    "/public/dashboard/forecast",
    "/staff/login",
]
IMPORT_FILE = "留言编号,留言主题,留言时间,留言详情\nP-1,路灯不亮,2019/4/25 9:32:09,小区门口路灯坏了\n"


@pytest.fixture(scope="module")
def labelled_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """A live server with an admin, a reply template, cases of three kinds, a reply and a hot issue."""
    tmp = Path(tmp_path_factory.mktemp("labels"))
    database = migrated_database(tmp, "minyi_test_labels")
    cases = {}
    with database.transaction() as session:
        roads = factories.make_department(session, code="JTJ", name="交通运输局", contact_phone="0731-12345")
        category = factories.make_category(session, name="道路维护", department=roads)
        factories.make_user(session, username="boss", role="admin", password="password123")
        session.add(ReplyTemplate(name="已转办", body="您反映的问题已转{department}办理。"))
        for kind in ("complaint", "suggestion", "help"):
            case = factories.make_case(
                session, status="dispatched", category=category, key=TEST_SECRET, title=f"路灯不亮 {kind}"
            )
            case.appeal_kind = kind
            cases[kind] = case.id
        cases["replied"] = factories.make_case(
            session, status="replied", category=category, key=TEST_SECRET, reply_body=REPLY, is_public=True
        ).id
        # one at the desk: the inbox shows its tick and the bulk dispatch bar (批量派单)
        cases["desk"] = factories.make_case(session, status="received", key=TEST_SECRET, title="井盖缺失").id
        cases["issue"] = make_issue(session, ["滨江新城搅拌站夜间噪音", "搅拌站噪音扰民", "滨江新城搅拌站"])[
            0
        ].id
    settings = Settings(env="test", data_dir=tmp, database_url=database.url, secret_key=TEST_SECRET)
    with running(settings, database) as base:
        yield base, cases


@pytest.fixture(scope="module")
def chromium(browser):
    """The suite's Chromium (``tests/conftest.py``): a second Playwright beside it cannot start."""
    return browser


def _unlabelled(page, base: str, paths: list[str]) -> dict[str, list[str]]:
    found = {}
    for path in paths:
        response = page.goto(base + path)
        assert response.status == 200, path
        missing = page.evaluate(UNLABELLED)
        if missing:
            found[path] = missing
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            found[path + " (wider than the screen)"] = [f"{overflow} px"]
    return found


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 320])
def test_every_field_of_the_main_pages_has_a_visible_label(labelled_site, chromium, width, tmp_path):
    base, cases = labelled_site
    context = chromium.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(base + "/staff/login")
    page.get_by_label("用户名").fill("boss")
    page.get_by_label("密码").fill("password123")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + "/staff")
    case_pages = [f"/staff/cases/{cases[kind]}" for kind in ("complaint", "suggestion", "help")]
    case_pages.append(f"/staff/issues/{cases['issue']}")
    # an uploaded file: its mapping page
    upload = tmp_path / "留言.csv"
    upload.write_text(IMPORT_FILE, encoding="utf-8")
    page.goto(base + "/staff/imports")
    page.get_by_label("文件").set_input_files(str(upload))
    page.get_by_role("button", name="上传").click()
    page.wait_for_url(re.compile(r".*/staff/imports/[^/]+$"))
    case_pages.append(page.url.removeprefix(base))
    # an extension asked for: its decision form shows on the case
    page.goto(base + case_pages[0])
    if not page.locator("form[action$='/decision']").count():
        page.get_by_label("延期理由").fill("需现场勘查")
        page.get_by_role("button", name="申请延期").click()
        page.wait_for_load_state()
    assert page.locator("form[action$='/decision']").count() == 1
    for lang in ("zh", "en"):
        page.goto(base + f"/staff?lang={lang}")
        found = _unlabelled(page, base, STAFF_PAGES + case_pages + PUBLIC_PAGES)
        assert not found, f"{lang} at {width} px: {found}"
    context.close()


#: How many lines ``0731-12345`` takes in the first reply that has it.
LINES_OF_NUMBER = """() => {
  const reply = Array.from(document.querySelectorAll(".reply")).find((el) => el.textContent.includes("0731-12345"));
  const walker = document.createTreeWalker(reply, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf("0731-12345");
    if (at >= 0) { range.setStart(node, at); range.setEnd(node, at + 10); break; }
  }
  return new Set(Array.from(range.getClientRects()).map((box) => Math.round(box.top))).size;
}"""


@pytest.mark.browser
def test_a_phone_number_stays_on_one_line_on_a_phone(labelled_site, chromium):
    base, _ = labelled_site
    context = chromium.new_context(locale="zh-CN", viewport={"width": 320, "height": 800})
    page = context.new_page()
    page.goto(base + "/public")
    # at every width of a phone, the number is one piece (it broke as "0731-" / "12345")
    for width in range(280, 480, 4):
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate(LINES_OF_NUMBER) == 1, f"0731-12345 broken at {width} px"
    context.close()
