"""An issue with no place lists its categories without a leading separator."""

from __future__ import annotations

import re

from tests.functional.conftest import login
from tests.issuedata import NOISE, make_issue


def test_issue_without_places_has_no_leading_dot(client, session, world):
    issue, _ = make_issue(session, NOISE, title="夜间施工噪音")
    issue.places = []
    session.commit()
    login(client, "disp")
    page = client.get("/staff/issues")
    assert "夜间施工噪音" in page.text
    tags = re.findall(r'<small class="muted issue-tags">([^<]*)</small>', page.text)
    assert tags
    assert all(not tag.strip().startswith("·") for tag in tags), tags
    assert any("环境保护" in tag for tag in tags)
