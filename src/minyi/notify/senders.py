"""Senders: they deliver one outbox item, or raise.

* :class:`SmtpSender` sends e-mail through an SMTP server (``MINYI_SMTP_*``).
* :class:`WebhookSender` posts the item as JSON to ``MINYI_WEBHOOK_URL``.
* :class:`SmsGatewayWebhook` posts ``{to, text}`` to ``MINYI_SMS_WEBHOOK_URL``: an office
  puts a small adapter to its SMS gateway (短信网关) behind that URL.
* :class:`LogSender` only writes the item to the log. It is for development: it marks
  items sent that nobody received, so :func:`senders_from_settings` uses it only outside
  production.

Posts carry ``X-Minyi-Signature: sha256=<hex HMAC-SHA256 of the body>`` keyed with
``MINYI_WEBHOOK_SECRET`` (when set), and ``X-Minyi-Delivery: <outbox id>`` so a receiver
can drop a repeated delivery.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any, Protocol

import httpx

from minyi.notify.models import NotifyChannel, OutboxMessage
from minyi.pipeline.privacy import mask_contact_value
from minyi.settings import Settings

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Minyi-Signature"
DELIVERY_HEADER = "X-Minyi-Delivery"


class DeliveryError(RuntimeError):
    """A sender could not deliver an item; the text says why (no secrets in it)."""


class Sender(Protocol):
    """Delivers one outbox item; returns when it was accepted, raises otherwise."""

    def send(self, item: OutboxMessage) -> None:
        """Deliver ``item`` or raise."""
        ...


def sign(body: bytes, secret: str) -> str:
    """The ``X-Minyi-Signature`` value of ``body``: ``sha256=<hex HMAC-SHA256>``."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class SmtpSender:
    """Sends e-mail items through one SMTP server, one connection per item.

    Subjects and bodies are UTF-8 (``email.message.EmailMessage`` encodes the headers).
    The ``Message-ID`` names the outbox id, so a repeated delivery can be recognised.
    """

    def __init__(  # noqa: PLR0913 - the parts of an SMTP account
        self,
        host: str,
        port: int = 25,
        *,
        mail_from: str,
        user: str = "",
        password: str = "",
        starttls: bool = False,
        timeout: float = 10.0,
    ) -> None:
        self.host = host
        self.port = port
        self.mail_from = mail_from
        self.user = user
        self.password = password
        self.starttls = starttls
        self.timeout = timeout

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpSender:
        """A sender for ``MINYI_SMTP_*`` and ``MINYI_MAIL_FROM``."""
        return cls(
            settings.smtp_host,
            settings.smtp_port,
            mail_from=settings.mail_from,
            user=settings.smtp_user,
            password=settings.smtp_password.get_secret_value(),
            starttls=settings.smtp_starttls,
            timeout=settings.notify_timeout_seconds,
        )

    def build(self, item: OutboxMessage) -> EmailMessage:
        """The e-mail for ``item``."""
        mail = EmailMessage()
        mail["From"] = self.mail_from
        mail["To"] = item.recipient
        mail["Subject"] = item.subject
        mail["Date"] = formatdate(localtime=False)
        domain = self.mail_from.rpartition("@")[2] or "localhost"
        mail["Message-ID"] = make_msgid(idstring=item.id, domain=domain)
        mail["X-Minyi-Outbox-Id"] = item.id
        mail.set_content(item.body, charset="utf-8", cte="base64")  # 7-bit safe for any server
        for attachment in item.payload.get("attachments", []):
            _attach(mail, attachment)
        return mail

    def send(self, item: OutboxMessage) -> None:
        """Send ``item`` by SMTP; any refusal raises."""
        mail = self.build(item)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.user:
                smtp.login(self.user, self.password)
            refused = smtp.send_message(mail)
        if refused:
            raise DeliveryError(f"the SMTP server refused the recipient: {refused}")


def _attach(mail: EmailMessage, attachment: dict[str, str]) -> None:
    """Attach a file the outbox item names (``{path, filename, content_type}``).

    The outbox stores the path, not the bytes: a briefing's PDF is written once under
    ``MINYI_DATA_DIR/reports`` and attached to every recipient's e-mail. A missing file is a
    delivery error (retried, then dead), never an e-mail sent without its attachment.
    """
    path = Path(attachment["path"])
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DeliveryError(f"attachment {path.name} cannot be read: {exc.strerror}") from exc
    maintype, _, subtype = attachment.get("content_type", "application/octet-stream").partition("/")
    mail.add_attachment(
        data, maintype=maintype, subtype=subtype, filename=attachment.get("filename", path.name)
    )


class _JsonPoster:
    """Posts a signed JSON body to one URL; any answer but 2xx is a failure."""

    def __init__(self, url: str, *, secret: str = "", timeout: float = 10.0) -> None:
        self.url = url
        self.secret = secret
        self.timeout = timeout

    def post(self, item: OutboxMessage, document: dict[str, Any], url: str | None = None) -> None:
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8", DELIVERY_HEADER: item.id}
        if self.secret:
            headers[SIGNATURE_HEADER] = sign(body, self.secret)
        try:
            response = httpx.post(url or self.url, content=body, headers=headers, timeout=self.timeout)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"POST failed: {type(exc).__name__}: {exc}") from exc
        if not response.is_success:
            raise DeliveryError(f"POST answered HTTP {response.status_code}")


class WebhookSender(_JsonPoster):
    """Posts webhook items to the staff webhook (a chat bot, a ticket system…)."""

    @classmethod
    def from_settings(cls, settings: Settings) -> WebhookSender:
        """A sender for ``MINYI_WEBHOOK_URL`` and ``MINYI_WEBHOOK_SECRET``."""
        return cls(
            settings.webhook_url,
            secret=settings.webhook_secret.get_secret_value(),
            timeout=settings.notify_timeout_seconds,
        )

    @staticmethod
    def document(item: OutboxMessage) -> dict[str, Any]:
        """The JSON posted for ``item``."""
        return {
            "id": item.id,
            "channel": item.channel,
            "recipient": item.recipient,
            "subject": item.subject,
            "body": item.body,
            "case_id": item.case_id,
            "payload": item.payload,
            "created_at": item.created_at.isoformat() if item.created_at else None,
        }

    def send(self, item: OutboxMessage) -> None:
        """Post ``item``; any answer but 2xx raises.

        An item whose recipient is itself an http(s) URL (an alert rule's own webhook) is
        posted there, signed the same way; every other item goes to ``MINYI_WEBHOOK_URL``.
        """
        own = item.recipient if item.recipient.startswith(("http://", "https://")) else None
        if own is None and not self.url:
            raise DeliveryError("MINYI_WEBHOOK_URL is not set: nowhere to post this item")
        self.post(item, self.document(item), own)


class SmsGatewayWebhook(_JsonPoster):
    """Posts ``{"id", "to", "text"}`` to the office's SMS gateway adapter."""

    @classmethod
    def from_settings(cls, settings: Settings) -> SmsGatewayWebhook:
        """A sender for ``MINYI_SMS_WEBHOOK_URL`` and ``MINYI_WEBHOOK_SECRET``."""
        return cls(
            settings.sms_webhook_url,
            secret=settings.webhook_secret.get_secret_value(),
            timeout=settings.notify_timeout_seconds,
        )

    def send(self, item: OutboxMessage) -> None:
        """Post the SMS; any answer but 2xx raises."""
        self.post(item, {"id": item.id, "to": item.recipient, "text": item.body})


class LogSender:
    """Development only: writes the item to the log and reports it sent.

    Nothing reaches the recipient, whose address is masked in the log line.
    """

    def send(self, item: OutboxMessage) -> None:
        """Log ``item``; never fails."""
        logger.info(
            "notification (log only, not delivered) %s to %s: %s\n%s",
            item.channel,
            mask_contact_value(item.recipient),
            item.subject,
            item.body,
        )


def senders_from_settings(settings: Settings) -> dict[str, Sender]:
    """A sender per configured channel; unconfigured channels log, except in production.

    In production an unconfigured channel has no sender: its items wait in the outbox
    (``minyi notify status`` shows them) until it is configured.
    """
    senders: dict[str, Sender] = {}
    if settings.smtp_host:
        senders[NotifyChannel.EMAIL.value] = SmtpSender.from_settings(settings)
    if settings.sms_webhook_url:
        senders[NotifyChannel.SMS.value] = SmsGatewayWebhook.from_settings(settings)
    # Always: an alert rule's own webhook URLs need no MINYI_WEBHOOK_URL (items for the
    # staff webhook are only queued when it is set).
    senders[NotifyChannel.WEBHOOK.value] = WebhookSender.from_settings(settings)
    if settings.env != "production":
        for channel in NotifyChannel:
            senders.setdefault(channel.value, LogSender())
    return senders
