"""Department and category-tree services."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from minyi.audit import services as audit
from minyi.core.errors import Conflict, InvalidInput
from minyi.departments.models import Category, Department

LEVEL_COLUMNS = ("一级分类", "二级分类", "三级分类")
LEVEL_COLUMNS_EN = ("level1", "level2", "level3")
#: Optional English names of each level (``level1_en``, or 一级分类英文名).
ENGLISH_NAME_COLUMNS = (
    ("level1_en", "一级分类英文名"),
    ("level2_en", "二级分类英文名"),
    ("level3_en", "三级分类英文名"),
)
DEPARTMENT_COLUMNS = ("部门", "承办部门", "department")
#: The centre's own code of the row's deepest category (its Open311 ``service_code``).
CODE_COLUMNS = ("分类编码", "code")


class CategoryImportError(ValueError):
    """A category file that cannot be imported; the text names the row and column."""


@dataclass(frozen=True)
class CategoryImportResult:
    """What an import of a category tree did."""

    created: int
    existing: int


#: A department code: what staff type in filters and files (JTJ, ZJJ-2, 0731_HB); no spaces.
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")
#: A public contact phone: digits with the separators people write (0731-88001234, 12345, +86 …, 转801).
_PHONE = re.compile(r"\+?[\d\s()\-]{3,40}(?:(?:转|ext\.?|x)\s*\d{1,6})?")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
_PHONE_DIGITS = 5  # 12345 is the shortest public number


@dataclass(frozen=True)
class NewDepartment:
    """A department as an operator typed it (the CLI, the admin page, the API)."""

    code: str
    name: str
    name_en: str | None = None
    parent_code: str | None = None
    phone: str | None = None
    email: str | None = None


def record_created(
    session: Session, department: Department, *, by: audit.Actor | None, address: str | None = None
) -> None:
    """A department added by ``by`` (None: the command line), in the audit trail."""
    details = {"name": department.name}
    audit.record_by(
        session, audit.DEPARTMENT_CREATED, by, subject=department.code, address=address, details=details
    )


def record_categories(
    session: Session,
    source: str | None,
    result: CategoryImportResult,
    *,
    by: audit.Actor | None,
    address: str | None = None,
) -> None:
    """A category tree imported from ``source`` (a file name), with what it created, in the trail."""
    details = {"created": result.created, "existing": result.existing}
    audit.record_by(
        session, audit.CATEGORIES_IMPORTED, by, subject=(source or "")[:300], address=address, details=details
    )


def create_department(session: Session, new: NewDepartment) -> Department:
    """Add a department after checking what was typed; each refusal names its field.

    One check for every way in: an empty code or name, a code with spaces, a phone number
    without digits or an e-mail without a domain would be shown to citizens and staff.
    """
    code, name = new.code.strip(), new.name.strip()
    if not _CODE.fullmatch(code):
        raise InvalidInput("code: letters, digits, - _ or . (such as JTJ), 40 at most", field="code")
    if not name:
        raise InvalidInput("name: write the department's name", field="name")
    phone, email = (new.phone or "").strip(), (new.email or "").strip()
    if phone and (not _PHONE.fullmatch(phone) or sum(c.isdigit() for c in phone) < _PHONE_DIGITS):
        raise InvalidInput("contact_phone: a phone number such as 0731-88001234", field="contact_phone")
    if email and not _EMAIL.fullmatch(email):
        raise InvalidInput(
            "contact_email: an e-mail address such as office@example.gov.cn", field="contact_email"
        )
    if session.scalar(select(Department).where(Department.code == code)) is not None:
        raise Conflict(f"department {code!r} already exists")
    parent = None
    if new.parent_code:
        parent = session.scalar(select(Department).where(Department.code == new.parent_code.strip()))
        if parent is None:
            raise InvalidInput(f"no department '{new.parent_code.strip()}'", field="parent")
    department = Department(
        code=code,
        name=name[:200],
        name_en=(new.name_en or "").strip() or None,
        parent=parent,
        contact_phone=phone or None,
        contact_email=email or None,
    )
    session.add(department)
    session.flush()
    return department


def get_or_create_department(session: Session, code: str, name: str, **fields: str | None) -> Department:
    """The department with ``code``, created with ``name`` when missing."""
    department = session.scalar(select(Department).where(Department.code == code))
    if department is None:
        department = Department(code=code, name=name, **fields)
        session.add(department)
        session.flush()
    return department


def _level_columns(header: Iterable[str]) -> list[str]:
    """The level columns present, in order; 一级分类 (or level1) is required."""
    names = set(header)
    for candidates in (LEVEL_COLUMNS, LEVEL_COLUMNS_EN):
        if candidates[0] in names:
            return [c for c in candidates if c in names]
    found = ", ".join(sorted(names)) or "(none)"
    msg = f"the file needs the columns 一级分类 (and 二级分类, 三级分类); found: {found}"
    raise CategoryImportError(msg)


def _english_names(row: Mapping[str, str], levels: int) -> list[str]:
    """The English names the row gives for its levels ("" where none)."""
    cells = [[str(row.get(c) or "").strip() for c in columns] for columns in ENGLISH_NAME_COLUMNS[:levels]]
    return [next((cell for cell in level if cell), "") for level in cells]


#: A slash with spaces around it inside a name: a level-2 name "A / B" read as the path
#: of level 3 "B" under "A" (seventh probe). Written "A/B", it stays one name.
_SLASH = re.compile(r"\s*/\s*")


def _parse_paths(rows: Sequence[Mapping[str, str]]) -> list[tuple[list[str], str | None]]:
    columns = _level_columns(rows[0].keys())
    dept_col = next((c for c in DEPARTMENT_COLUMNS if c in rows[0]), None)
    paths: list[tuple[list[str], str | None]] = []
    for number, row in enumerate(rows, start=2):
        names = [_SLASH.sub("/", str(row.get(c) or "").strip()) for c in columns]
        while names and not names[-1]:
            names.pop()
        if not names or "" in names:
            got = " / ".join(name or "—" for name in names) or "—"  # — an empty cell, in both languages
            msg = f"row {number}: a category path needs 一级分类 and no gaps (got {got})"
            raise CategoryImportError(msg)
        dept = str(row.get(dept_col) or "").strip() if dept_col else ""
        paths.append((names, dept or None))
    return paths


def _codes(rows: Sequence[Mapping[str, str]], paths: list[tuple[list[str], str | None]]) -> dict[str, str]:
    """The codes the file gives (``分类编码``), by category path; each checked and used once.

    A code is what an integrator types into a program (``service_code``): letters, digits,
    ``-``, ``_`` or ``.``, 40 at most, and one category's only.
    """
    column = next((c for c in CODE_COLUMNS if c in rows[0]), None)
    codes: dict[str, str] = {}
    owners: dict[str, str] = {}
    for number, ((names, _dept), row) in enumerate(zip(paths, rows, strict=True), start=2):
        code = str(row.get(column) or "").strip() if column else ""
        if not code:
            continue
        if not _CODE.fullmatch(code):
            msg = f"row {number}: 分类编码 {code[:60]!r}: letters, digits, - _ or . (40 at most)"
            raise CategoryImportError(msg)
        path = Category.PATH_SEPARATOR.join(names)
        if owners.setdefault(code, path) != path:
            raise CategoryImportError(f"row {number}: 分类编码 {code!r} is given to two categories")
        codes[path] = code
    return codes


def _check_codes(session: Session, codes: Mapping[str, str]) -> None:
    """Refuse a code another category holds (unless the file gives it another) or another's id."""
    if not codes:
        return
    wanting = {code: path for path, code in codes.items()}
    held = select(Category.code, Category.path).where(Category.code.in_(sorted(wanting)))
    for code, holder in session.execute(held):
        if holder != wanting.get(code or "") and holder not in codes:
            raise CategoryImportError(f"分类编码 {code!r} belongs to the category {holder}")
    # An Open311 client names a service by its code, else by its id: a code equal to another
    # category's id would take that category's requests (eleventh probe).
    ids = select(Category.id, Category.path).where(Category.id.in_(sorted(wanting)))
    for found, holder in session.execute(ids):
        if holder != wanting[found]:
            raise CategoryImportError(f"分类编码 {found!r} is the id of the category {holder}")


def _set_codes(session: Session, codes: Mapping[str, str], existing: Mapping[str, Category]) -> None:
    """Give each category its code: the changed ones cleared first, so that codes can move."""
    changing = [existing[path] for path, code in codes.items() if existing[path].code != code]
    if not changing:
        return
    for category in changing:
        category.code = None
    session.flush()  # one flush cannot order the updates of two categories trading codes
    for category in changing:
        category.code = codes[category.path]
    session.flush()


def _add_path(
    session: Session,
    names: list[str],
    existing: dict[str, Category],
    defaults: Mapping[str, Department],
) -> tuple[Category, int]:
    """Create the missing nodes of one path; returns the leaf and how many were created."""
    parent: Category | None = None
    created = 0
    for level, name in enumerate(names, start=1):
        path = Category.PATH_SEPARATOR.join(names[:level])
        node = existing.get(path)
        if node is None:
            node = Category(name=name, level=level, path=path, parent=parent)
            node.default_department = defaults.get(name) or (parent.default_department if parent else None)
            session.add(node)
            existing[path] = node
            created += 1
        parent = node
    assert parent is not None  # names is never empty
    return parent, created


def import_category_tree(
    session: Session,
    rows: Sequence[Mapping[str, str]],
    default_departments: Mapping[str, str] | None = None,
) -> CategoryImportResult:
    """Add the categories in ``rows`` (one path per row), keeping those that exist.

    ``default_departments`` maps a category name (any level) to a department code; a
    ``部门``/``department`` column in the file does the same for its row's deepest level.
    Nothing is written when any row is invalid.
    """
    if not rows:
        raise CategoryImportError("the file has no rows")
    paths = _parse_paths(rows)
    codes = _codes(rows, paths)
    _check_codes(session, codes)
    mapping = dict(default_departments or {})
    departments = {d.code: d for d in session.scalars(select(Department))}
    for code in {c for _, c in paths if c} | set(mapping.values()):
        if code not in departments:
            raise CategoryImportError(f"unknown department code {code!r}")
    defaults = {name: departments[code] for name, code in mapping.items()}
    existing = {c.path: c for c in session.scalars(select(Category))}
    created = 0
    for (names, dept_code), row in zip(paths, rows, strict=True):
        leaf, added = _add_path(session, names, existing, defaults)
        created += added
        if dept_code:
            leaf.default_department = departments[dept_code]
        for level, english in enumerate(_english_names(row, len(names)), start=1):
            if english:  # given: kept, also for a category that exists (an update)
                existing[Category.PATH_SEPARATOR.join(names[:level])].name_en = english[:200]
    session.flush()
    _set_codes(session, codes, existing)
    return CategoryImportResult(created=created, existing=len(existing) - created)


def department_for_category(category: Category | None) -> Department | None:
    """The department that answers ``category``: its own default, else its nearest ancestor's.

    Failing both, the one department that every subcategory of ``category`` goes to. A tree
    imported with departments on its deepest level (as the docs' example does) left the
    first-level categories, which the keyword rules pick, without one: nothing was routed.
    """
    node = category
    while node is not None:
        if node.default_department is not None:
            return node.default_department
        node = node.parent
    return _one_department_below(category) if category is not None else None


def _one_department_below(category: Category) -> Department | None:
    """The department all the subcategories of ``category`` answer to, when it is one and the same."""
    session = object_session(category)
    if session is None:
        return None
    prefix = category.path + Category.PATH_SEPARATOR
    rows = session.execute(
        select(Category.path, Category.default_department_id).where(
            Category.path.startswith(prefix, autoescape=True)
        )
    ).all()
    own = {str(path): department for path, department in rows}
    leaves = [
        path for path in own if not any(other.startswith(path + Category.PATH_SEPARATOR) for other in own)
    ]
    found: set[str | None] = set()
    for leaf in leaves:  # a leaf's department, else its nearest ancestor's inside the subtree
        parts = leaf.split(Category.PATH_SEPARATOR)
        chain = (Category.PATH_SEPARATOR.join(parts[:n]) for n in range(len(parts), 0, -1))
        found.add(next((own[p] for p in chain if own.get(p)), None))
    if len(found) != 1 or None in found:
        return None
    return session.get(Department, found.pop())


def list_departments(session: Session) -> list[Department]:
    """All departments by code."""
    return list(session.scalars(select(Department).order_by(Department.code)))


def list_categories(session: Session, max_level: int = 3) -> list[Category]:
    """Categories up to ``max_level``, in path order."""
    query = select(Category).where(Category.level <= max_level).order_by(Category.path)
    return list(session.scalars(query))
