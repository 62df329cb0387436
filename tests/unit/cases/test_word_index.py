"""The staff word index (cases.word_index): the same cases as LIKE, kept in step, rebuilt."""

from __future__ import annotations

import pytest
from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session

from minyi.accounts.models import Role
from minyi.cases import word_index
from minyi.cases.models import Case
from minyi.cases.queries import CaseFilter, list_cases, search_too_short
from minyi.cases.word_models import FTS_TABLE, CaseWords
from minyi.core.errors import InvalidInput
from minyi.demo import factories
from minyi.flows import erasure
from minyi.intake.models import Message

TEXTS = [
    ("甲小区路灯不亮", "晚上路灯全黑，老人出行不便。"),
    ("噪音扰民", "工地夜间施工，噪音很大！请管一管。"),
    ("Wifi 信号差", "图书馆WiFi连不上，100%掉线_请处理"),
    ("路面坑洼", "星沙大道有大坑，路灯也不亮"),
    ("公交车改线", "路 灯"),
    ("Café ＡＢ通知", "𠀀𠀁 表情😀😀 éé"),
]
QUERIES = [
    "路灯",
    "路灯不亮",
    "灯不",
    "路 灯",
    "噪音很大！",
    "wifi",
    "WiFi",
    "Fi",
    "100%",
    "%掉",
    "_请",
    "灯",
    "！",
    "亮工地",  # across two texts of two cases: nobody wrote it
    "不亮晚上",  # across a title and its body: LIKE reads each text alone
    "没有这个词",
    "afé",
    "ＡＢ通",
    "𠀀𠀁",
    "😀😀",
    "情😀",
    "ÉÉ",
]


def _admin(session: Session):
    return factories.make_user(session, role=Role.ADMIN.value)


def _like(session: Session, words: str) -> set[str]:
    """What the LIKE search over every text finds (the reference)."""
    texts = select(Message.case_id).where(
        or_(Message.title.contains(words, autoescape=True), Message.body.contains(words, autoescape=True))
    )
    query = select(Case.id).where(
        or_(
            Case.title.contains(words, autoescape=True),
            Case.number.contains(words, autoescape=True),
            Case.id.in_(texts),
        )
    )
    return set(session.scalars(query))


def _found(session: Session, user, words: str) -> set[str]:
    found, total = list_cases(session, user, CaseFilter(query=words, limit=200))
    assert total == len(found)
    return {case.id for case in found}


def _make(session: Session) -> list[Case]:
    department = factories.make_department(session)
    made = [factories.make_case(session, department=department, title=t, body=b) for t, b in TEXTS]
    session.commit()
    return made


def test_pairs_are_folded_ascii_and_never_cross_texts():
    assert word_index.grams("Ab") == word_index.grams("aB") == {f"{(ord('a') << 21) | ord('b'):x}"}
    assert word_index.grams("路灯", "灯亮") == word_index.grams("路灯") | word_index.grams("灯亮")
    assert word_index.grams("灯") == set()
    assert word_index.grams("路灯") == {"路灯"}  # two Han characters stay as they are
    assert word_index.grams("灯,") == {f"{(ord('灯') << 21) | ord(','):x}"}
    assert word_index.query_grams("路灯路灯") == [
        *word_index.query_grams("路灯"),
        *word_index.query_grams("灯路"),
    ]


def test_the_index_finds_what_like_finds(session):
    made = _make(session)
    admin = _admin(session)
    for words in [*QUERIES, made[0].number, made[1].number[-6:]]:
        if search_too_short(words):  # one character: refused (the page asks for two)
            with pytest.raises(InvalidInput) as refused:
                _found(session, admin, words)
            assert refused.value.field == "q"
            continue
        assert _found(session, admin, words) == _like(session, words), words
    assert _found(session, admin, "路灯") >= {made[0].id, made[3].id}


def test_a_department_user_finds_only_the_departments_cases(session):
    made = _make(session)
    other = factories.make_case(session, department=factories.make_department(session), title="路灯坏了")
    session.commit()
    staff = factories.make_user(session, department=made[0].department)
    assert other.id not in _found(session, staff, "路灯")
    assert made[0].id in _found(session, staff, "路灯")
    outsider = factories.make_user(session, department=other.department)
    assert _found(session, outsider, "路灯") == {other.id}


def test_an_edit_a_new_message_and_a_deleted_case_reach_the_index(session):
    made = _make(session)
    admin = _admin(session)
    message = made[1].messages[0]
    message.body = "改成了垃圾清运的问题"
    session.commit()
    assert made[1].id not in _found(session, admin, "噪音很大")
    assert made[1].id in _found(session, admin, "垃圾清运")
    gone = made[4]
    row = session.scalar(select(CaseWords.id).where(CaseWords.case_id == gone.id))
    for m in list(gone.messages):
        m.case_id = None
    session.flush()
    session.delete(gone)
    session.commit()
    assert session.scalar(select(CaseWords.id).where(CaseWords.case_id == gone.id)) is None
    if session.get_bind().dialect.name == "sqlite":
        fts = text(f"SELECT count(*) FROM {FTS_TABLE} WHERE rowid = :id")  # noqa: S608
        assert session.scalar(fts, {"id": row}) == 0


def test_erasure_removes_the_words_from_the_index(session):
    made = _make(session)
    admin = _admin(session)
    assert _pairs_of(session, made[1].id) & word_index.grams("工地夜间施工")
    code = made[1].messages[0].tracking_code
    erasure.erase(session, "test", erasure.ErasureRequest(codes=(code,), text=True), actor="test")
    session.commit()
    assert made[1].id not in _found(session, admin, "噪音")
    assert made[1].id not in _found(session, admin, "施工")
    # nothing of the words is left in the index row either
    pairs = _pairs_of(session, made[1].id)
    assert not pairs & word_index.grams("工地夜间施工")


def _pairs_of(session: Session, case_id: str) -> set[str]:
    row_id, pairs = session.execute(
        select(CaseWords.id, CaseWords.grams).where(CaseWords.case_id == case_id)
    ).one()  # columns, not the object: the index is written with Core statements
    if session.get_bind().dialect.name != "sqlite":
        return set(pairs or [])
    fts = text(f"SELECT grams FROM {FTS_TABLE} WHERE rowid = :id")  # noqa: S608
    return set((session.scalar(fts, {"id": row_id}) or "").split())


def test_reindex_rebuilds_what_the_events_wrote(session):
    made = _make(session)
    kept = {case.id: _pairs_of(session, case.id) for case in made}
    total = word_index.reindex(session)
    assert total == session.scalar(select(func.count()).select_from(Case))
    assert {case.id: _pairs_of(session, case.id) for case in made} == kept
    assert _found(session, _admin(session), "路灯不亮") == _like(session, "路灯不亮")


def test_a_change_outside_the_indexed_text_does_not_index_the_case_again(session):
    """A status, a deadline or a reminder's stamp: jobs touching many cases write no index."""
    case = _make(session)[0]
    case.status = "closed"
    case.messages[0].likes = 7
    session.flush()
    assert case.id not in session.info.get(word_index.PENDING_KEY, set())
    case.title = "甲小区路灯又坏了"
    session.flush()
    assert case.id in session.info[word_index.PENDING_KEY]
    session.commit()
    admin = _admin(session)
    assert case.id in _found(session, admin, "又坏")


def test_a_merged_case_leaves_the_words_it_gave_away(session):
    """并案 moves messages by relationship: the absorbed case kept its words, erased ones too."""
    from minyi.cases.workflow import merge_cases

    made = _make(session)
    admin = _admin(session)
    keep, absorb = made[0], made[1]
    merge_cases(session, admin, keep, absorb)
    session.commit()
    assert _found(session, admin, "施工") == {keep.id}
    code = next(m.tracking_code for m in keep.messages if "施工" in m.body)
    erasure.erase(session, "test", erasure.ErasureRequest(codes=(code,), text=True), actor="test")
    session.commit()
    assert _found(session, admin, "施工") == set()
    assert _found(session, admin, "工地") == set()
