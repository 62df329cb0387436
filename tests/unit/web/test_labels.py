"""Codes on the staff pages become words: events, actors, channels, appeal reasons, models."""

from __future__ import annotations

from types import SimpleNamespace

from minyi.cases.models import EventAction
from minyi.intake.models import Channel
from minyi.web import labels

REASONS = [
    'title "举报" → report +6.0',
    'body "坏了" → complaint +0.8',
    'body "满意" negated',
    "no cue: default inquiry",
    "model → complaint 0.83",
]


def test_every_event_and_channel_has_words() -> None:
    for action in EventAction:
        assert labels.event_label(action.value) != action.value
        assert labels.event_label(action.value, "en") != action.value
    for channel in Channel:
        assert labels.channel_label(channel.value) != channel.value
    assert labels.channel_label("portal") == "门户网站"
    assert labels.channel_label("api", "en") == "API"


def test_actors_are_system_or_the_users_name() -> None:
    assert labels.actor_label(SimpleNamespace(actor="system", actor_user=None)) == "系统"
    assert labels.actor_label(SimpleNamespace(actor="system", actor_user=None), "en") == "System"
    user = SimpleNamespace(display_name="交通运输局承办人", username="jtj")
    assert labels.actor_label(SimpleNamespace(actor="user:jtj", actor_user=user)) == "交通运输局承办人"
    assert labels.actor_label(SimpleNamespace(actor="user:gone", actor_user=None)) == "gone"


def test_appeal_reasons_without_scores() -> None:
    zh = labels.appeal_reasons(REASONS, "zh", limit=5)
    assert (
        zh
        == "依据：“举报” → 举报；“坏了” → 投诉；“满意”（否定，不计）；无明显特征，按咨询处理；模型判断为投诉"
    )
    en = labels.appeal_reasons(REASONS[:2], "en")
    assert en == "Because: “举报” → Report; “坏了” → Complaint"
    assert labels.appeal_reasons(["something else"]) == ""
    for text in (zh, en):
        assert "+" not in text
        assert "complaint" not in text


def test_models_and_kinds_in_words() -> None:
    assert labels.model_label("keywords:3d373c38ba3e") == "关键词规则"
    assert labels.model_label("3f9a0c1d", "en") == "Trained model"
    assert labels.model_label(None) == ""
    assert labels.pii_labels(["mobile", "name"]) == "手机号、姓名"
    assert labels.role_label("staff") == "承办人"
    assert labels.duplicate_kind_label("near", "en") == "near copy"
