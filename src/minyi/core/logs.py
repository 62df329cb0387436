"""One format for every log line a Minyi process writes, the web server's included.

Minyi's own lines (``time LEVEL logger: message``) and uvicorn's (``INFO:     message``,
its access lines without a time) had two formats in one journal: an operator could not
sort or grep them together, nor tell when a request was served. :func:`uvicorn_log_config`
gives uvicorn's loggers the same format, access lines included.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit, urlunsplit

__all__ = ["LOG_FORMAT", "ServerName", "shown_url", "uvicorn_log_config"]

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_ACCESS_FORMAT = '%(asctime)s %(levelname)s %(name)s: %(client_addr)s "%(request_line)s" %(status_code)s'


class ServerName(logging.Filter):
    """Name uvicorn's general lines ``uvicorn``: its logger is ``uvicorn.error``, even for "started"."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rename, keep every record (the handler is uvicorn's own: nothing else sees the change)."""
        if record.name == "uvicorn.error":
            record.name = "uvicorn"
        return True


def uvicorn_log_config(level: str) -> dict[str, Any]:
    """The logging configuration of uvicorn (its defaults' shape) with :data:`LOG_FORMAT` and no colours."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "default": {"()": "uvicorn.logging.DefaultFormatter", "fmt": LOG_FORMAT, "use_colors": False},
            "access": {"()": "uvicorn.logging.AccessFormatter", "fmt": _ACCESS_FORMAT, "use_colors": False},
        },
        "filters": {"server_name": {"()": ServerName}},
        "handlers": {
            "default": {
                "formatter": "default",
                "filters": ["server_name"],
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
            },
            "access": {"formatter": "access", "class": "logging.StreamHandler", "stream": "ext://sys.stdout"},
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": level.upper(), "propagate": False},
            "uvicorn.error": {"level": level.upper()},
            "uvicorn.access": {"handlers": ["access"], "level": level.upper(), "propagate": False},
        },
    }


def shown_url(url: str) -> str:
    """``url`` as a log line or an error may show it: a password, or a token given alone, as ``***``.

    Several URLs separated by commas (``MINYI_NATS_URL``) are shown each. Every worker's
    start, its error when NATS was lost and the server's outage lines printed
    ``nats://user:password@host`` whole into the journal (eleventh probe).
    """
    return ",".join(_one_shown(part.strip()) for part in url.split(","))


def _one_shown(url: str) -> str:
    """One URL with its credentials hidden (a URL that cannot be read: its scheme only)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url.split("://", 1)[0] + "://***"
    if "@" not in parts.netloc:
        return url
    credentials, host = parts.netloc.rsplit("@", 1)
    user, colon, _ = credentials.partition(":")
    return urlunsplit(parts._replace(netloc=f"{user + ':***' if colon else '***'}@{host}"))
