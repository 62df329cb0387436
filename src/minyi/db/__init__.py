"""Database plumbing: declarative base, portable column types, engine and sessions."""

from minyi.db.base import Base, new_id, utcnow
from minyi.db.session import Database

__all__ = ["Base", "Database", "new_id", "utcnow"]
