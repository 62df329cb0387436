"""The twelfth probe (docs/security-probes.md): an older citizen on a cheap phone, in Chromium.

A 360×640 touch screen with the browser's text at 200 % (CDP ``Page.setFontSizes``: what a
larger default font does to ``rem`` and ``%``), a slow network, and a screen reader's keyboard:
no page scrolls sideways, every control alone in a form is a 44 px target, no text is smaller
than 14 px or fainter than 4.5:1, the skip link is the first stop and shows itself, and the
journey keeps what was typed (errors, an expired page, a secret typed in groups).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import TEST_SECRET
from tests.live import migrated_database, running

from minyi.db.session import Database
from minyi.demo import factories
from minyi.intake import identity
from minyi.intake.models import Message
from minyi.settings import Settings

pytestmark = pytest.mark.browser

PUBLIC_PAGES = (
    "/",
    "/track",
    "/public",
    "/public/search?q=路灯",
    "/public/statements",
    "/public/dashboard",
    "/public/data",
)

#: Per page: sideways overflow, controls under 44 px, text under 14 px or under its contrast.
MEASURE = r"""() => {
  const width = document.documentElement.clientWidth;
  const out = {overflow: document.documentElement.scrollWidth - width, small: [], text: [],
    wide: [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > width + 1)
      .map(e => `${e.tagName}.${e.className} ${(e.innerText || '').slice(0, 20)}`).slice(0, 5)};
  const lum = c => { const m = c.match(/[\d.]+/g).map(Number);
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(m[0]) + 0.7152 * f(m[1]) + 0.0722 * f(m[2]); };
  const background = el => { for (; el; el = el.parentElement) { const c = getComputedStyle(el).backgroundColor;
    const m = c.match(/[\d.]+/g).map(Number); if (m.length < 4 || m[3] > 0.5) return c; } return 'rgb(255, 255, 255)'; };
  for (const el of document.querySelectorAll('a, button, input, select, textarea, summary')) {
    const r = el.getBoundingClientRect(), st = getComputedStyle(el);
    if (!r.width || !r.height || st.visibility === 'hidden' || el.classList.contains('skip')) continue;
    if (el.tagName === 'A' && st.display === 'inline' && el.closest('p, li, dd, td, h2, h3')) continue;  // in a sentence
    if (el.type === 'checkbox' || el.type === 'radio') { const label = document.querySelector(`label[for="${el.id}"]`);
      if (label && label.getBoundingClientRect().height >= 44) continue; }
    if (r.height < 44 || r.width < 44) out.small.push(`${el.tagName} ${(el.innerText || el.name || '').slice(0, 20)} ${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT), seen = new Set();
  while (walker.nextNode()) { const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || seen.has(el)) continue; seen.add(el);
    const st = getComputedStyle(el); if (!el.getBoundingClientRect().width || st.visibility === 'hidden' || el.closest('.sr-only, .skip')) continue;
    const [a, b] = [lum(st.color), lum(background(el))], ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(st.fontSize), large = size >= 24 || (parseInt(st.fontWeight) >= 700 && size >= 18.66);
    if (size < 14 * (window.__scale || 1) - 0.1 || ratio < (large ? 3 : 4.5))
      out.text.push(`${el.tagName}.${el.className} "${walker.currentNode.textContent.trim().slice(0, 15)}" ${size}px ${ratio.toFixed(2)}`);
  }
  return out;
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Database]]:
    """A server with a few answered, published cases, and its database (to answer a message)."""
    tmp = tmp_path_factory.mktemp("mobile")
    database = migrated_database(Path(tmp), "minyi_test_mobile_browser")
    with database.transaction() as session:
        roads = factories.make_department(session, code="JTJ", name="交通运输局", name_en="Transport Bureau")
        category = factories.make_category(session, name="交通运输", department=roads)
        for n in range(3):
            factories.make_case(
                session,
                status="replied",
                department=roads,
                category=category,
                is_public=True,
                key=TEST_SECRET,
                title=f"人民路第{n + 1}盏路灯不亮",
                body="人民路路灯不亮，晚上看不见路，请尽快修理。",
            )
    settings = Settings(
        env="test",
        data_dir=tmp,
        database_url=database.url,
        secret_key=TEST_SECRET,
        submit_per_address=0,
        processing="inline",
    )
    with running(settings, database) as base:
        yield base, database


def _sound(found: dict[str, Any]) -> bool:
    """No sideways scrolling, no small target, no small or faint text."""
    return found["overflow"] <= 0 and not found["small"] and not found["text"]


def _phone(browser, *, big_text: bool = True, slow: bool = False, lang: str = "zh-CN"):
    """A page on a cheap Android phone: 360×640, touch, text at 200 %, optionally slow 3G."""
    context = browser.new_context(
        locale=lang,
        viewport={"width": 360, "height": 640},
        device_scale_factor=2,
        has_touch=True,
        is_mobile=True,
    )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    if big_text:
        cdp.send("Page.enable")
        cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})
    if slow:  # Chrome's "Slow 3G": 400 ms, about 50 kB/s each way
        cdp.send("Network.enable")
        cdp.send(
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": 400, "downloadThroughput": 50_000, "uploadThroughput": 50_000},
        )
    return context, page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_public_page_scrolls_sideways_or_has_small_targets_at_large_text(site, browser, lang):
    base, _ = site
    for big_text in (False, True):
        context, page = _phone(browser, big_text=big_text)
        page.goto(f"{base}/lang/{lang}?next=/")
        for path in PUBLIC_PAGES:
            page.goto(base + path)
            if big_text:
                page.evaluate("() => { window.__scale = 2; }")
            found = page.evaluate(MEASURE)
            where = f"{path} ({lang}, {'200 %' if big_text else '100 %'})"
            assert found["overflow"] <= 0, f"{where} scrolls sideways: {found['wide']}"
            assert not found["small"], f"{where}: targets under 44 px: {found['small']}"
            assert not found["text"], f"{where}: text too small or faint: {found['text'][:5]}"
        context.close()


def test_the_form_starts_on_the_first_screen_at_large_text(site, browser):
    base, _ = site
    context, page = _phone(browser)
    page.goto(base + "/")
    box = page.locator("h1").bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= 640  # the motto is left out on a phone
    seal = page.locator(".seal")
    assert seal.evaluate("el => el.scrollHeight <= el.clientHeight + 1")  # 民 inside its box
    context.close()


def test_the_keyboard_starts_at_a_visible_skip_link(site, browser):
    base, _ = site
    context, page = _phone(browser, big_text=False)
    page.goto(base + "/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    assert skip.evaluate("el => el === document.activeElement")
    box = skip.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["y"] >= 0
    assert box["height"] >= 44
    assert skip.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # the next stop is in the main part: the message's title
    assert page.evaluate("document.activeElement.id") == "title"
    context.close()


def test_a_slow_phone_keeps_every_word_through_errors_and_an_expired_page(site, browser):
    base, _ = site
    context, page = _phone(browser, slow=True)
    page.goto(base + "/")
    page.get_by_role("button", name="提交留言").click()
    page.wait_for_load_state()
    assert page.title().startswith("错误：")
    assert page.evaluate("document.activeElement.id") == "form-errors"
    body = "我家楼道的灯坏了一个月了，晚上上下楼看不见，老人容易摔倒。" * 10
    page.get_by_label("留言主题").fill("楼道灯坏了")
    page.get_by_label("留言详情").fill(body)
    page.get_by_label("联系电话").fill("1381234567")  # a digit short
    page.get_by_role("button", name="提交留言").click()
    page.wait_for_load_state()
    assert "请填写可以回电的号码" in page.locator("#form-errors").inner_text()
    assert page.get_by_label("留言详情").input_value() == body
    page.get_by_label("联系电话").fill("138 1234 5678")
    context.clear_cookies()  # the session ended while he wrote
    page.get_by_role("button", name="提交留言").click()
    page.wait_for_load_state()
    assert "请核对后再点一次“提交留言”" in page.locator("#form-errors").inner_text()
    assert page.get_by_label("留言详情").input_value() == body
    page.evaluate("() => { window.__scale = 2; }")
    assert _sound(page.evaluate(MEASURE))
    page.get_by_role("button", name="提交留言").click()
    page.wait_for_url(re.compile(r".*/submitted$"))
    page.evaluate("() => { window.__scale = 2; }")
    assert _sound(found := page.evaluate(MEASURE)), found
    tree = page.locator("main").aria_snapshot()
    code = page.locator("#tracking-code").inner_text()
    secret = page.locator("#tracking-secret").inner_text()
    assert f"term: 查询码\n  - definition:\n    - code: {code}" in tree
    assert 'button "查看办理进度"' in tree
    page.goto(base + "/track")
    page.get_by_label("查询码").fill(code.lower())
    page.get_by_label("查询密码").fill(f"{secret[:5]} {secret[5:].lower()}")  # read out in two groups
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "楼道灯坏了"
    context.close()


def test_rating_an_answer_on_a_phone_at_large_text(site, browser):
    base, database = site
    with database.transaction() as session:
        message = session.query(Message).filter(Message.title == "人民路第1盏路灯不亮").one()
        code, secret = message.tracking_code, identity.tracking_secret(TEST_SECRET, message.id)
    for lang in ("zh", "en"):
        context, page = _phone(browser)
        page.goto(f"{base}/lang/{lang}?next=/track")
        page.locator("#code").fill(code)
        page.locator("#secret").fill(secret)
        page.locator("form button[type=submit]").click()
        page.wait_for_load_state()
        page.evaluate("() => { window.__scale = 2; }")
        found = page.evaluate(MEASURE)
        assert _sound(found), (lang, found)
        page.locator("label[for=solved-no]").tap()
        assert page.locator("#solved-no").is_checked()
        context.close()


def test_a_send_says_so_and_a_second_tap_stores_nothing_more(site, browser):
    base, database = site
    context, page = _phone(browser, big_text=False)
    page.goto(base + "/")
    page.get_by_label("留言主题").fill("公交站台顶棚漏雨")
    page.get_by_label("留言详情").fill("五一路公交站台的顶棚漏雨，等车的老人都被淋湿了。")
    # two taps at once, read before the answer comes (a slow network, without the race)
    seen = page.evaluate(
        """() => { const form = document.querySelector('form[data-sending]');
          const button = form.querySelector('button[type=submit]');
          button.click(); button.click();
          return [button.textContent, button.getAttribute('aria-disabled'),
                  form.querySelector('.sending-status').textContent]; }"""
    )
    assert seen == ["正在提交，请稍候……", "true", "正在提交，请稍候……"]
    page.wait_for_url(re.compile(r".*/submitted$"), timeout=30_000)
    with database.transaction() as session:
        assert session.query(Message).filter(Message.title == "公交站台顶棚漏雨").count() == 1
    context.close()


def test_a_send_that_failed_offline_comes_back_ready_with_every_word(site, browser):
    base, _ = site
    context, page = _phone(browser, big_text=False)
    page.goto(base + "/")
    page.get_by_label("留言主题").fill("楼道灯坏了")
    page.get_by_label("留言详情").fill("长长的留言。" * 50)
    context.set_offline(True)
    page.get_by_role("button", name="提交留言").click()
    page.wait_for_load_state()
    context.set_offline(False)
    page.go_back()
    page.wait_for_load_state()
    assert page.get_by_label("留言详情").input_value() == "长长的留言。" * 50
    button = page.locator("form[data-sending] button[type=submit]")
    assert button.inner_text() == "提交留言"
    assert button.get_attribute("aria-disabled") is None
    context.close()
