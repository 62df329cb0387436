"""The index's session hook re-indexes a case when what the index holds for it changed, only then.

Both directions: a change the index does not hold (a retention purge, a dispatch, a
supervision, a deadline) re-indexes nothing; each change it holds (a reply's text, its
publication, the case's publication, title, status, department, a message moved by a merge,
the first message's text) re-indexes at the commit, and the index answers from the new text.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from minyi.accountability import search_index
from minyi.accountability.search import SearchQuery, search
from minyi.accountability.search_models import PublicSearchDoc
from minyi.cases import services, workflow
from minyi.cases.models import Reply
from minyi.db.base import utcnow
from minyi.demo import factories
from minyi.flows.retention import purge_contacts


@pytest.fixture
def synced(session, monkeypatch) -> list[set[str]]:
    """The case ids of each call of ``sync_cases`` by the hook (the real one still runs)."""
    calls: list[set[str]] = []
    real = search_index.sync_cases
    monkeypatch.setattr(search_index, "sync_cases", lambda s, ids: calls.append(set(ids)) or real(s, ids))
    return calls


@pytest.fixture
def dept(session):
    department = factories.make_department(session, code="HOOK-JTJ", name="交通运输局")
    session.commit()
    return department


def _listed(session, dept, **extra):
    extra.setdefault("is_public", True)
    case = factories.make_case(
        session,
        status="replied",
        department=dept,
        title="翠竹园路灯不亮",
        body="翠竹园小区北门路灯一直不亮，晚上出行不便。",
        reply_body="您好，路灯已于本周修复。",
        **extra,
    )
    session.commit()
    return case


def _doc(session, case):
    return session.scalar(select(PublicSearchDoc).where(PublicSearchDoc.case_id == case.id))


def _found(session, word):
    return [hit.number for hit in search(session, SearchQuery(text=word)).hits]


def test_a_retention_purge_re_indexes_no_case_whose_texts_stay(session, dept, synced):
    case = _listed(session, dept, contact={"name": "李秀英", "phone": "13944447777"})
    case.status = "closed"
    case.closed_at = utcnow() - timedelta(days=400)
    session.commit()
    synced.clear()
    indexed_at = _doc(session, case).indexed_at
    assert purge_contacts(session, 180).cases == 1
    session.commit()
    assert synced == []
    session.expire_all()
    assert _doc(session, case).indexed_at == indexed_at
    assert _found(session, "翠竹园") == [case.number]


def test_a_purge_that_masks_a_name_in_the_title_re_indexes_that_case(session, dept, synced):
    case = _listed(session, dept, contact={"name": "李秀英", "phone": "13944447777"})
    case.title = "李秀英反映翠竹园路灯不亮"
    case.status = "closed"
    case.closed_at = utcnow() - timedelta(days=400)
    session.commit()
    synced.clear()
    purge_contacts(session, 180)
    session.commit()
    assert synced == [{case.id}]
    assert "李秀英" not in _doc(session, case).title


def test_workers_changes_the_index_does_not_hold_re_index_nothing(session, dept, synced):
    listed = _listed(session, dept)
    open_case = factories.make_case(
        session, status="accepted", title="井盖缺失", body="青园路井盖丢了", is_public=True
    )
    session.commit()
    synced.clear()
    dispatcher = factories.make_user(session, role="dispatcher")
    services.dispatch(session, dispatcher, open_case, dept)
    session.commit()
    workflow.supervise(session, factories.make_user(session, role="supervisor"), listed, "请于三日内回访")
    session.commit()
    listed.follow_up_due_at = utcnow() + timedelta(days=3)
    listed.due_at = utcnow() + timedelta(days=5)
    listed.version += 1
    listed.reply_body_unchanged = listed.replies[0].body  # a plain attribute: no column
    listed.replies[0].body = listed.replies[0].body  # the same text again
    session.commit()
    assert synced == []


def _edit_reply(session, case):
    case.replies[0].body = "您好，已更换为太阳能灯杆。"


def _hide_reply(session, case):
    case.replies[0].is_public = False


def _add_reply(session, case):
    session.add(Reply(case=case, body="补充：太阳能灯杆已验收。", is_public=True))  # as the services do


def _unpublish(session, case):
    case.is_public = False


def _retitle(session, case):
    case.title = "太阳能灯杆问题"


def _reopen(session, case):
    workflow.reopen(session, case, "路灯又坏了")


def _redepartment(session, case):
    case.department_id = factories.make_department(session, code="HOOK-SWJ", name="水务局").id


def _edit_message(session, case):
    case.messages[0].body = "太阳能灯杆一直不亮。"


def _hide_message(session, case):
    case.messages[0].is_public = False


@pytest.mark.parametrize(
    "change",
    [
        _edit_reply,
        _hide_reply,
        _add_reply,
        _unpublish,
        _retitle,
        _reopen,
        _redepartment,
        _edit_message,
        _hide_message,
    ],
)
def test_each_change_the_index_holds_re_indexes_at_the_commit(session, dept, synced, change):
    case = _listed(session, dept)
    before = {
        column: getattr(_doc(session, case), column) for column in ("title", "body", "reply", "department_id")
    }
    synced.clear()
    change(session, case)
    session.commit()
    assert synced == [{case.id}]
    session.expire_all()  # the index is written with statements, not through these objects
    doc = _doc(session, case)
    if doc is None:  # unpublished, reopened, no public message left: gone at once
        assert _found(session, "翠竹园") == []
        return
    after = {column: getattr(doc, column) for column in before}
    assert after != before
    if "太阳能" in " ".join(str(value) for value in after.values()):
        assert _found(session, "太阳能") == [case.number]


def test_a_merge_re_indexes_both_cases(session, dept, synced):
    keep = factories.make_case(
        session, status="dispatched", department=dept, title="路灯", body="路灯坏了", is_public=True
    )
    absorb = _listed(session, dept)
    session.commit()
    synced.clear()
    workflow.merge_cases(session, factories.make_user(session, role="dispatcher"), keep, absorb)
    session.commit()
    assert synced
    assert {keep.id, absorb.id} <= set().union(*synced)
    assert _doc(session, absorb) is None
    assert _found(session, "翠竹园") == []


def test_a_change_to_a_case_loaded_afresh_re_indexes_it(session, dept, synced):
    """After a commit expired the objects, the hook loads what it reads and still notices."""
    case = _listed(session, dept)
    session.expire_all()
    synced.clear()
    case.title = "太阳能灯杆问题"
    session.commit()
    assert synced == [{case.id}]
    assert _found(session, "太阳能") == [case.number]
