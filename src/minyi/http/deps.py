"""Request-scoped dependencies: the database session and the signed-in staff user."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from minyi.accounts.models import User
from minyi.db.session import Database
from minyi.settings import Settings

SESSION_USER_KEY = "user_id"


class LoginRequired(Exception):  # noqa: N818 - reads as what happened
    """The page needs a signed-in staff user."""


def get_db(request: Request) -> Iterator[Session]:
    """A session for this request; the route commits once, at its end."""
    database: Database = request.app.state.db
    session = database.session()
    try:
        yield session
    finally:
        session.close()


def get_settings(request: Request) -> Settings:
    """The application's settings."""
    settings: Settings = request.app.state.settings
    return settings


DbSession = Annotated[Session, Depends(get_db)]
AppSettings = Annotated[Settings, Depends(get_settings)]


def optional_user(request: Request, db: DbSession) -> User | None:
    """The signed-in staff user, if any."""
    user_id = request.session.get(SESSION_USER_KEY)
    if not user_id:
        return None
    user = db.get(User, user_id)
    if user is None or not user.is_active:
        request.session.pop(SESSION_USER_KEY, None)
        return None
    request.state.user = user
    return user


def require_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    """The signed-in staff user; otherwise the page redirects to the login form."""
    if user is None:
        raise LoginRequired
    return user


StaffUser = Annotated[User, Depends(require_user)]
