"""One hot issue whose cases belong to two departments, an alert quoting one of them, templates.

Shared by the functional tests of department isolation and the browser test: each department's
messages carry words found nowhere else, so a page can be searched for the other's text.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from minyi.admin import services as admin
from minyi.admin.models import ReplyTemplate
from minyi.alerts.models import Alert, AlertRule
from minyi.analysis.models import MessageAnalysis
from minyi.cases.models import Case
from minyi.db.base import utcnow
from minyi.demo import factories
from minyi.departments.models import Category, Department
from minyi.issues import stats
from minyi.issues.models import HotIssue

ROAD_TEXTS = [
    ("青石路桥面坑洼", "青石路桥面坑洼积水，车辆绕行困难，请尽快修补。"),
    ("青石路路灯损坏", "青石路夜间路灯损坏，行人经过很危险。"),
]
SCHOOL_TEXTS = [
    ("实验二小校门拥堵", "实验二小放学时校门口拥堵，家长车辆乱停，学生过马路不安全。"),
    ("实验二小接送混乱", "实验二小门口接送秩序混乱，希望学校安排志愿者疏导。"),
    ("实验二小缺少护栏", "实验二小门前道路缺少护栏，孩子容易冲到车道上。"),
]
SCHOOL_WORDS = ("实验二小", "校门", "接送", "护栏")
ROAD_WORDS = ("青石路", "桥面", "路灯")


@dataclass
class Mixed:
    issue: HotIssue
    road_cases: list[Case]
    school_cases: list[Case]
    alert: Alert
    road_template: ReplyTemplate
    school_template: ReplyTemplate
    shared_template: ReplyTemplate


def _cases(session: Session, category: Category, texts: list[tuple[str, str]], issue: HotIssue) -> list[Case]:
    made = []
    for title, body in texts:
        case = factories.make_case(session, status="dispatched", category=category, title=title, body=body)
        message = case.messages[0]
        session.add(
            MessageAnalysis(
                message_id=message.id,
                normalized_title=title,
                normalized_body=body,
                category_label=category.path,
                issue_id=issue.id,
                pipeline_version="test",
            )
        )
        made.append(case)
    return made


def seed_mixed_issue(
    session: Session,
    roads: Department,
    schools: Department,
    road_category: Category,
    school_category: Category,
) -> Mixed:
    """A hot issue of 2 road cases and 3 school cases, a keyword alert on a school message."""
    now = utcnow()
    issue = HotIssue(
        title="学校周边道路安全", keywords=["道路", "安全"], places=["城东"], first_time=now, last_time=now
    )
    session.add(issue)
    session.flush()
    road_cases = _cases(session, road_category, ROAD_TEXTS, issue)
    school_cases = _cases(session, school_category, SCHOOL_TEXTS, issue)
    session.flush()
    stats.recompute(session, issue)
    school_message = school_cases[0].messages[0]
    issue.representative_ids = [school_message.id, road_cases[0].messages[0].id]
    rule = AlertRule(name="隔离测试关键词", kind="keyword", scope="issue", params={"keywords": ["拥堵"]})
    session.add(rule)
    session.flush()
    alert = Alert(
        rule_id=rule.id,
        kind="keyword",
        scope_kind="issue",
        scope_key=f"{issue.id}|拥堵",
        label=f"{issue.title} · 拥堵",
        measured={
            "keyword": "拥堵",
            "keywords": ["拥堵"],
            "messages": 1,
            "snippet": "实验二小放学时校门口拥堵",
        },
        issue_id=issue.id,
        message_ids=[school_message.id],
        dedupe_key=f"isolation|{issue.id}",
    )
    session.add(alert)
    mixed = Mixed(
        issue=issue,
        road_cases=road_cases,
        school_cases=school_cases,
        alert=alert,
        road_template=admin.add_template(
            session, name="道路模板", body="道路答复 {number}", department_id=roads.id
        ),
        school_template=admin.add_template(
            session, name="学校模板", body="学校专用答复 {number}", department_id=schools.id
        ),
        shared_template=admin.add_template(session, name="通用模板", body="通用答复 {number}"),
    )
    session.flush()
    return mixed
