"""Our categories as GeoReport v2 services, and the one attribute every service takes.

A service is a category of the tree (every level): ``service_code`` is the category's code
(分类编码, given with the tree: the centre's own, which survives a new database) or else its
id; a request may name either. ``service_name`` its name, ``description`` its full path,
``keywords`` the names along the path, ``group`` the first-level category. Every service has
``metadata: true`` and one attribute, ``PUBLIC``: whether the citizen agrees to publish the
request (masked); without it a request stays private, as on the portal.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minyi.departments.models import Category
from minyi.departments.services import list_categories
from minyi.open311.formats import Open311Error

PUBLIC_ATTRIBUTE = "PUBLIC"
PUBLIC_VALUES = {"1": True, "0": False, "true": True, "false": False}
SERVICE_TYPE = "batch"  # a token at once; the service_request_id when the case is open (GET tokens)


def _parts(category: Category) -> list[str]:
    return [part.strip() for part in category.path.split(Category.PATH_SEPARATOR) if part.strip()]


def code_of(category: Category) -> str:
    """The ``service_code`` of ``category``: its own code, else its id."""
    return category.code or category.id


def service(category: Category) -> dict[str, Any]:
    """One category as a GeoReport v2 service."""
    parts = _parts(category) or [category.name]
    return {
        "service_code": code_of(category),
        "service_name": category.name,
        "description": " / ".join(parts),
        "metadata": True,
        "type": SERVICE_TYPE,
        "keywords": ",".join(parts),
        "group": parts[0],
    }


def services(session: Session) -> list[dict[str, Any]]:
    """Every category as a service, in path order."""
    return [service(category) for category in list_categories(session)]


def find(session: Session, code: str) -> Category | None:
    """The category whose code, or else id, is ``code``; None when there is none."""
    if not code:
        return None
    return session.scalar(select(Category).where(Category.code == code)) or session.get(Category, code)


def attributes() -> list[dict[str, Any]]:
    """The attributes of every service definition: ``PUBLIC`` only."""
    return [
        {
            "variable": True,
            "code": PUBLIC_ATTRIBUTE,
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": "1 = 公开 publish (masked), 0 = 不公开 keep private (the default)",
            "order": 1,
            "description": "是否同意在个人信息遮蔽后公开本诉求 / Publish this request, personal data masked?",
            "values": [{"key": "1", "name": "公开 Publish"}, {"key": "0", "name": "不公开 Keep private"}],
        }
    ]


def definition(category: Category) -> dict[str, Any]:
    """The service definition of ``category``."""
    return {"service_code": code_of(category), "attributes": attributes()}


def is_public(values: dict[str, str]) -> bool:
    """The ``PUBLIC`` choice of ``attribute[…]`` values; 400 on an unknown attribute or value."""
    for code in values:
        if code != PUBLIC_ATTRIBUTE:
            raise Open311Error(400, f"attribute[{code}]: no such attribute (this service takes PUBLIC)")
    raw = values.get(PUBLIC_ATTRIBUTE, "0").strip().lower()
    if raw not in PUBLIC_VALUES:
        raise Open311Error(400, f"attribute[{PUBLIC_ATTRIBUTE}]: use 1 (publish) or 0 (keep private)")
    return PUBLIC_VALUES[raw]
