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
    #: The name on English pages (optional; the Chinese one stands in when empty).
    name_en: Mapped[str | None] = mapped_column(String(200))
    #: The centre's own code of the category (分类编码), optional: its Open311 ``service_code``.
    code: Mapped[str | None] = mapped_column(String(40), index=True, unique=True)
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

    def label(self, language: str = "zh") -> str:
        """The name in ``language``: the English one on English pages when it was given."""
        return self.name_en if language == "en" and self.name_en else self.name

    def path_label(self, language: str = "zh") -> str:
        """The path in ``language``, each level by :meth:`label` (交通运输 / Road maintenance)."""
        if language != "en":
            return self.path
        names: list[str] = []
        node: Category | None = self
        while node is not None:
            names.append(node.label(language))
            node = node.parent
        return self.PATH_SEPARATOR.join(reversed(names))
