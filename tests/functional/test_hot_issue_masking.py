"""A mobile number repeated in the messages of a hot issue never shows on its pages or briefing.

The detector reads messages raw (it normalises them itself); the issue's title is masked and
keywords or places holding personal data are dropped when its summary is made
(second probe, docs/security-probes.md).
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from tests.functional.conftest import login

from minyi.accountability.briefing import assemble
from minyi.analysis.models import MessageAnalysis
from minyi.analysis.provider import PipelineProvider
from minyi.db.base import utcnow
from minyi.demo import factories
from minyi.flows.processing import process
from minyi.issues import services as issues
from minyi.issues.detect.issue import _shown
from minyi.issues.models import HotIssue
from minyi.web.briefing import render_html

MOBILE = "13812345678"
MESSAGES = [
    f"滨江新城搅拌站夜间噪音扰民请回电{MOBILE}",
    f"滨江新城搅拌站噪音扰民{MOBILE}，孩子无法入睡",
    f"投诉滨江新城搅拌站凌晨作业噪音扰民，电话{MOBILE}",
    f"滨江新城搅拌站噪音问题何时解决 {MOBILE}",
    f"{MOBILE} 滨江新城搅拌站噪音扰民严重",
]
SHAPES = (MOBILE, "138 1234 5678", "1234 5678", "12345678")


def _seed(session):
    pipeline = PipelineProvider(route_threshold=1.1).get(session)
    made = []
    for i, text in enumerate(MESSAGES):
        message = factories.make_message(
            session,
            title=text,
            body=f"{text}。联系人手机{MOBILE}，邮箱zhangsan@example.com",
            author=f"u{i}",
            process=False,
            received_at=utcnow() - timedelta(hours=i),
        )
        process(session, message, pipeline)
        made.append(message)
    session.commit()
    issues.refresh(session, days=30, min_size=3)
    session.commit()
    return session.get(HotIssue, session.get(MessageAnalysis, made[0].id).issue_id)


def _clean(text):
    assert not any(shape in text for shape in SHAPES), text
    assert "zhangsan@" not in text


def test_a_repeated_mobile_never_shows_on_a_hot_issue(client, session, world):
    issue = _seed(session)
    assert issue is not None
    _clean(" ".join([issue.title, *issue.keywords, *issue.places]))
    assert "138****5678" in issue.title
    login(client, "boss")
    for path in (
        "/staff/issues",
        f"/staff/issues/{issue.id}",
        f"/staff/statements?issue={issue.id}",
        "/screen",
        "/screen/data",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        _clean(page.text)
    briefing = assemble(
        session, "day", (utcnow() + timedelta(hours=8)).date(), ZoneInfo("Asia/Shanghai"), now=utcnow()
    )
    assert briefing.top_issues
    _clean(render_html(briefing, "zh", site_name="民意"))


def test_keywords_with_personal_data_are_not_shown():
    assert not _shown("zhangsan@example.com")
    assert not _shown("E12345678")
    assert _shown("搅拌站")
    assert _shown("噪音")
