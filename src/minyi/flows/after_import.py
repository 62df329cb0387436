"""What follows an import of many cases at once (``minyi import``, ``minyi restore``).

The public figures and the knowledge base are brought up to date, so that imported answers
are counted and found at once. The cases are committed already: a failing refresh is logged
and the import stands (the next ``minyi stats refresh`` or search catches up).
"""

from __future__ import annotations

import logging

from minyi.accountability.refresh import refresh as refresh_scorecard
from minyi.db.session import Database
from minyi.knowledge import search as knowledge_search
from minyi.settings import Settings

__all__ = ["refresh_after_import"]

log = logging.getLogger(__name__)


def refresh_after_import(database: Database, settings: Settings | None = None) -> None:
    """After many cases arrived at once (an import, a restore): the public figures, the knowledge base."""
    _refresh_scorecard(database, settings)
    _refresh_knowledge(database, settings)


def _refresh_scorecard(database: Database, settings: Settings | None) -> None:
    """Bring the public scorecard up to date with the imported cases (``minyi stats refresh``).

    The messages are committed already: a failing refresh is logged and the import stands
    (the next ``minyi stats refresh`` catches up).
    """
    try:
        with database.transaction() as session:
            refresh_scorecard(session, sign_for_hours=(settings or Settings()).sign_for_hours)
    except Exception:  # the import is done; the figures wait for the next refresh
        log.warning("the scorecard was not refreshed after the import", exc_info=True)


def _refresh_knowledge(database: Database, settings: Settings | None) -> None:
    """Make the imported answered cases searchable in the knowledge base at once.

    Like the scorecard, a failure is logged and the import stands: the next search that
    finds the index stale, or ``minyi knowledge reindex``, catches up.
    """
    try:
        with database.read_session() as session:
            knowledge_search.synchronise(session, settings or Settings())
    except Exception:  # the import is done; the index waits for the next synchronisation
        log.warning("the knowledge index was not brought up to date after the import", exc_info=True)
