"""Department and Category models."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from minyi.db.base import ID_LENGTH, Base, IdMixin, TimestampMixin


class Department(IdMixin, TimestampMixin, Base):
    """A government department or unit that answers cases."""

    __tablename__ = "departments"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    parent_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("departments.id", ondelete="SET NULL"), index=True
    )
    contact_phone: Mapped[str | None] = mapped_column(String(60))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    contact_address: Mapped[str | None] = mapped_column(String(300))

    parent: Mapped[Department | None] = relationship(remote_side="Department.id")


class Category(IdMixin, TimestampMixin, Base):
    """A node of the three-level category tree (一级/二级/三级分类)."""

    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("parent_id", "name", name="parent_name"),)

    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[int] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(String(700), unique=True)
    parent_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("categories.id", ondelete="CASCADE"), index=True
    )
    default_department_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("departments.id", ondelete="SET NULL"), index=True
    )

    parent: Mapped[Category | None] = relationship(remote_side="Category.id")
    default_department: Mapped[Department | None] = relationship()

    PATH_SEPARATOR = " / "
