"""report.html lists the themes of a ranking apart, after the concrete issues."""

from __future__ import annotations

import csv
from datetime import UTC, datetime

from minyi.issues.detect.issue import Issue, IssueMessage
from minyi.issues.report import LoadedMessages, write_report

NOW = datetime(2024, 5, 1, 12, tzinfo=UTC)


def issue(issue_id: int, title: str, size: int) -> Issue:
    ids = tuple(f"{issue_id}-{n}" for n in range(size))
    return Issue(
        id=issue_id,
        title=title,
        keywords=(),
        places=(),
        first_time=NOW,
        last_time=NOW,
        size=size,
        authors=size,
        likes=0,
        dislikes=0,
        reposts=0,
        replies=0,
        timeline={NOW.date(): size},
        representative_ids=ids[:1],
        message_ids=ids,
    )


def test_themes_are_marked_and_listed_apart(tmp_path):
    concrete, theme = issue(1, "丽发新城搅拌站噪音扰民", 5), issue(2, "咨询公积金贷款的问题", 9)
    messages = [IssueMessage(m, "t", "", NOW) for i in (concrete, theme) for m in i.message_ids]
    loaded = LoadedMessages(messages=messages, rows=len(messages))
    assignments = {m: int(m.split("-")[0]) for i in (concrete, theme) for m in i.message_ids}
    write_report(
        tmp_path, loaded, assignments, [(concrete, 2.0), (theme, 3.0)], issues=2, now=NOW, themes={2}
    )
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "［主题，非具体问题］" in page
    listed = page.split("主题（一类问题，非具体问题）", 1)[1]
    assert "第 2 名：咨询公积金贷款的问题（9 条留言，9 人）" in listed
    assert "丽发新城" not in listed
    with (tmp_path / "hot_issues.csv").open(encoding="utf-8") as handle:
        assert [row["issue_id"] for row in csv.DictReader(handle)] == ["1", "2"]  # the order given


def test_no_theme_no_list(tmp_path):
    concrete = issue(1, "丽发新城搅拌站噪音扰民", 3)
    loaded = LoadedMessages(messages=[IssueMessage(m, "t", "", NOW) for m in concrete.message_ids], rows=3)
    write_report(
        tmp_path, loaded, dict.fromkeys(concrete.message_ids, 1), [(concrete, 1.0)], issues=1, now=NOW
    )
    assert "主题（一类问题" not in (tmp_path / "report.html").read_text(encoding="utf-8")
