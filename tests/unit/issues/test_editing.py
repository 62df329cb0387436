"""Staff edits of hot issues: rename, merge, split — what moves, what is pinned, what is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.issuedata import NOISE, PARKING, make_issue

from minyi.analysis.models import MessageAnalysis
from minyi.db.base import utcnow
from minyi.demo import factories
from minyi.issues import card, editing
from minyi.issues.editing import IssueEditError
from minyi.issues.models import HotIssue


def test_rename_locks_the_title(session):
    issue, _ = make_issue(session, NOISE)
    editing.rename(session, issue, "  滨江新城   搅拌站夜间噪音 ", by=None)
    assert issue.title == "滨江新城 搅拌站夜间噪音"
    assert issue.title_locked


@pytest.mark.parametrize("title", ["", "   ", "长" * 301])
def test_rename_refuses_a_bad_title(session, title):
    issue, _ = make_issue(session, NOISE[:2])
    with pytest.raises(IssueEditError) as caught:
        editing.rename(session, issue, title, by=None)
    assert caught.value.field == "title"


def test_merge_moves_and_pins_messages_and_points_the_source(session):
    target, noise = make_issue(session, NOISE)
    source, parking = make_issue(session, PARKING, title="悦湖湾捆绑车位", author_prefix="p")
    source.places = ["悦湖湾"]
    earlier = HotIssue(title="old", first_time=utcnow(), last_time=utcnow(), merged_into_id=source.id)
    session.add(earlier)
    session.flush()
    editing.merge(session, source, target, by=None)
    session.flush()
    assert source.merged_into_id == target.id
    assert earlier.merged_into_id == target.id
    assert target.size == 7
    assert target.authors == 6
    assert source.size == 0
    for message in noise + parking:
        assert session.get(MessageAnalysis, message.id).issue_id == target.id
    assert all(session.get(MessageAnalysis, m.id).issue_pinned for m in parking)
    assert target.places == ["滨江新城", "悦湖湾"]
    assert target.heat > 0
    assert source.heat == 0
    assert card.resolve(session, earlier.id).id == target.id
    assert source not in card.listing(session)


def test_merge_refuses_itself_and_merged_issues(session):
    issue, _ = make_issue(session, NOISE[:2])
    other, _ = make_issue(session, PARKING[:2], title="车位")
    with pytest.raises(IssueEditError) as caught:
        editing.merge(session, issue, issue, by=None)
    assert caught.value.field == "target_id"
    editing.merge(session, other, issue, by=None)
    with pytest.raises(IssueEditError) as caught:
        editing.merge(session, issue, other, by=None)
    assert caught.value.field == "target_id"
    with pytest.raises(IssueEditError) as caught:
        editing.merge(session, other, issue, by=None)
    assert caught.value.field == "issue"


def test_split_moves_the_chosen_messages_into_a_new_issue(session):
    issue, made = make_issue(session, NOISE + PARKING)
    chosen = [m.id for m in made[4:]]
    created = editing.split(session, issue, chosen, by=None)
    session.flush()
    assert created.id != issue.id
    assert (created.size, issue.size) == (3, 4)
    assert {session.get(MessageAnalysis, i).issue_id for i in chosen} == {created.id}
    assert all(session.get(MessageAnalysis, i).issue_pinned for i in chosen)
    assert not session.get(MessageAnalysis, made[0].id).issue_pinned
    assert created.title == made[4].title  # named after its earliest message
    assert not created.title_locked
    assert "悦湖湾" in created.places
    assert created.representative_ids == chosen
    assert issue.representative_ids == [m.id for m in made[:3]]
    assert created.first_time == made[4].received_at


def test_split_with_a_title_locks_it_and_masks_nothing_away(session):
    issue, made = make_issue(session, NOISE)
    created = editing.split(session, issue, [made[0].id, made[0].id], title="夜间施工", by=None)
    assert created.title == "夜间施工"
    assert created.title_locked
    assert created.size == 1


def test_a_split_title_from_a_message_is_masked(session):
    issue, _ = make_issue(session, NOISE)
    message = factories.make_message(
        session, title="13812345678反映噪音", body="噪音。", received_at=utcnow() - timedelta(days=9)
    )
    session.add(MessageAnalysis(message_id=message.id, issue_id=issue.id, pipeline_version="test"))
    session.flush()
    created = editing.split(session, issue, [message.id], by=None)
    assert "13812345678" not in created.title


@pytest.mark.parametrize("which", ["none", "blank", "all", "stranger"])
def test_split_refuses_a_bad_selection(session, which):
    issue, made = make_issue(session, NOISE)
    other, strangers = make_issue(session, PARKING, title="车位")
    ids = {
        "none": [],
        "blank": ["", "  "],
        "all": [m.id for m in made],
        "stranger": [made[0].id, strangers[0].id],
    }[which]
    with pytest.raises(IssueEditError) as caught:
        editing.split(session, issue, ids, by=None)
    assert caught.value.field == "message_ids"
    assert issue.size == 4
    assert other.size == 3


def test_only_dispatchers_supervisors_and_admins_edit(session):
    allowed = {
        role: editing.can_edit(factories.make_user(session, username=f"x-{role}", role=role))
        for role in ("admin", "dispatcher", "supervisor", "staff")
    }
    assert allowed == {"admin": True, "dispatcher": True, "supervisor": True, "staff": False}


def test_a_refresh_keeps_the_heat_of_what_a_merged_issue_holds(session):
    """The detector's heat of its own grouping came back after a refresh (the staff probe)."""
    from minyi.issues import records
    from minyi.issues.services import refresh

    target, _ = make_issue(session, NOISE)
    source, _ = make_issue(session, PARKING, title="悦湖湾捆绑车位", author_prefix="p")
    editing.merge(session, source, target, by=None)
    session.flush()
    merged_heat = target.heat
    refresh(session, min_size=1)
    session.flush()
    session.refresh(target)
    assert target.size == len(NOISE) + len(PARKING)  # the pinned members stay
    assert target.heat == pytest.approx(records.current_heat(target), rel=1e-3)
    assert target.heat == pytest.approx(merged_heat, rel=0.05)  # not the heat of NOISE alone
