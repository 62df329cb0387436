"""The server's log lines (core.logs): uvicorn's in Minyi's one format, access lines with a time."""

from __future__ import annotations

import io
import logging
import logging.config
import re

import pytest

from minyi.core.logs import ServerName, uvicorn_log_config

STAMP = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}"


@pytest.fixture
def streams(monkeypatch: pytest.MonkeyPatch):
    err, out = io.StringIO(), io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    monkeypatch.setattr("sys.stdout", out)
    logging.config.dictConfig(uvicorn_log_config("info"))
    yield err, out
    for name in ("uvicorn", "uvicorn.access"):
        logging.getLogger(name).handlers.clear()


def test_server_and_access_lines_share_minyis_format(streams):
    err, out = streams
    logging.getLogger("uvicorn.error").info("Started server process [%d]", 42)
    logging.getLogger("uvicorn.access").info(
        '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", "/public", "1.1", 200
    )
    assert re.fullmatch(rf"{STAMP} INFO uvicorn: Started server process \[42\]\n", err.getvalue())
    assert re.fullmatch(
        rf'{STAMP} INFO uvicorn.access: 127.0.0.1:5000 "GET /public HTTP/1.1" 200( OK)?\n', out.getvalue()
    )
    assert "\x1b[" not in err.getvalue() + out.getvalue()  # no colours in a journal


def test_only_uvicorns_own_handler_renames():
    record = logging.LogRecord("uvicorn.error", logging.INFO, __file__, 1, "x", None, None)
    other = logging.LogRecord("minyi.flows", logging.INFO, __file__, 1, "x", None, None)
    assert ServerName().filter(record)
    assert record.name == "uvicorn"
    assert ServerName().filter(other)
    assert other.name == "minyi.flows"
