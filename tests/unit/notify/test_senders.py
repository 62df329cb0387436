"""Which sender takes a channel's items, in development and in production."""

from __future__ import annotations

import pytest

from minyi.notify.models import OutboxMessage
from minyi.notify.senders import DeliveryError, LogSender, WebhookSender, senders_from_settings
from minyi.settings import Settings


def test_webhooks_always_have_a_sender_for_rules_with_their_own_url():
    production = senders_from_settings(Settings(env="production", secret_key="s" * 40))
    assert isinstance(production["webhook"], WebhookSender)
    assert "email" not in production  # unconfigured: items wait in the outbox
    development = senders_from_settings(Settings(env="development"))
    assert isinstance(development["webhook"], WebhookSender)
    assert isinstance(development["email"], LogSender)


def test_an_item_for_the_staff_webhook_fails_clearly_when_none_is_set():
    sender = WebhookSender("")
    item = OutboxMessage(id="x", channel="webhook", recipient="alerts", subject="s", body="b", payload={})
    with pytest.raises(DeliveryError, match="MINYI_WEBHOOK_URL"):
        sender.send(item)
