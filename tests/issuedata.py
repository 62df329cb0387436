"""Hot issues made for tests: real messages (with cases) and analyses, one stored issue."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from minyi.analysis.models import MessageAnalysis
from minyi.db.base import utcnow
from minyi.demo import factories
from minyi.intake.models import Message
from minyi.issues import stats
from minyi.issues.models import HotIssue

NOISE = [
    "滨江新城旁搅拌站夜间施工噪音扰民，联系电话13812345678",
    "滨江新城小区旁的搅拌站每晚噪音很大，孩子无法入睡",
    "投诉滨江新城附近搅拌站凌晨还在作业，噪音扰民",
    "滨江新城搅拌站噪音问题什么时候能解决",
]
PARKING = [
    "悦湖湾开发商捆绑销售车位，不买车位不给交房",
    "悦湖湾楼盘强制捆绑车位销售，侵害购房者权益",
    "举报悦湖湾开发商捆绑出售车位",
]


def make_issue(
    session: Session,
    texts: list[str],
    *,
    title: str = "滨江新城搅拌站噪音",
    category: str = "环境保护",
    start: datetime | None = None,
    author_prefix: str = "u",
    recompute: bool = True,
) -> tuple[HotIssue, list[Message]]:
    """A stored issue of one message per text, a day apart (the last one latest), each with a case."""
    start = start or utcnow() - timedelta(days=len(texts))
    issue = HotIssue(
        title=title, keywords=["搅拌站", "噪音"], places=["滨江新城"], first_time=start, last_time=start
    )
    session.add(issue)
    session.flush()
    made = []
    for i, text in enumerate(texts):
        message = factories.make_message(
            session,
            title=text[:14],
            body=text + "。",
            author=f"{author_prefix}{i % 3}",
            likes=i,
            dislikes=1,
            reposts=2,
            replies_count=3,
            contact={"name": "张三", "phone": "13900001111"},
            received_at=start + timedelta(days=i),
        )
        session.add(
            MessageAnalysis(
                message_id=message.id,
                normalized_title=text[:14],
                normalized_body=text + "。",
                category_label=category if i % 2 == 0 else "城乡建设",
                issue_id=issue.id,
                pipeline_version="test",
            )
        )
        made.append(message)
    session.flush()
    if recompute:
        stats.recompute(session, issue)
        session.flush()
    return issue, made
