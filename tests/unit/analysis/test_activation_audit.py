"""Activating a model is recorded in the audit trail with the model it replaced (thirteenth probe)."""

from __future__ import annotations

from sqlalchemy import select

from minyi.analysis import services
from minyi.audit import services as audit
from minyi.audit.models import AuditEvent


def test_activating_a_model_names_the_one_it_replaced(session, tmp_path):
    for version in ("v1", "v2"):
        path = tmp_path / f"{version}.joblib"
        path.write_bytes(b"model")
        services.register(session, path, {"version": version})
    services.activate(session, "v1")
    services.activate(session, "v2")
    events = list(session.scalars(select(AuditEvent).where(AuditEvent.action == audit.MODEL_ACTIVATED)))
    assert sorted((e.subject, e.details["previous"], e.actor) for e in events) == [
        ("v1", None, "command line"),
        ("v2", "v1", "command line"),
    ]
