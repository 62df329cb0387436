"""message analyses and model registry

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 04:29:03.418063
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "ml_models",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("version", sa.String(length=80), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("training_size", sa.Integer(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ml_models")),
        sa.UniqueConstraint("version", name=op.f("uq_ml_models_version")),
    )
    with op.batch_alter_table("ml_models", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ml_models_kind"), ["kind"], unique=False)

    op.create_table(
        "message_analyses",
        sa.Column("message_id", sa.String(length=36), nullable=False),
        sa.Column("normalized_title", sa.Text(), nullable=False),
        sa.Column("normalized_body", sa.Text(), nullable=False),
        sa.Column("truncated", sa.Boolean(), nullable=False),
        sa.Column("original_length", sa.Integer(), nullable=False),
        sa.Column("pii_kinds", sa.JSON(), nullable=False),
        sa.Column("category_label", sa.String(length=200), nullable=True),
        sa.Column("category_id", sa.String(length=36), nullable=True),
        sa.Column("category_confidence", sa.Float(), nullable=True),
        sa.Column("category_top", sa.JSON(), nullable=False),
        sa.Column("category_model", sa.String(length=80), nullable=True),
        sa.Column("appeal_kind", sa.String(length=20), nullable=True),
        sa.Column("appeal_confidence", sa.Float(), nullable=True),
        sa.Column("appeal_reasons", sa.JSON(), nullable=False),
        sa.Column("appeal_model", sa.String(length=80), nullable=True),
        sa.Column("duplicate_of_id", sa.String(length=36), nullable=True),
        sa.Column("duplicate_kind", sa.String(length=10), nullable=True),
        sa.Column("duplicate_similarity", sa.Float(), nullable=True),
        sa.Column("duplicate_relation", sa.String(length=30), nullable=True),
        sa.Column("duplicate_status", sa.String(length=20), nullable=True),
        sa.Column("pipeline_version", sa.String(length=80), nullable=False),
        sa.Column("analysed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_message_analyses_category_id_categories"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of_id"],
            ["messages.id"],
            name=op.f("fk_message_analyses_duplicate_of_id_messages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_message_analyses_message_id_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_message_analyses")),
    )
    with op.batch_alter_table("message_analyses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_message_analyses_category_id"), ["category_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_message_analyses_category_model"), ["category_model"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_message_analyses_duplicate_of_id"), ["duplicate_of_id"], unique=False
        )

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("category_source", sa.String(length=20), nullable=True))


def downgrade() -> None:

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("category_source")

    with op.batch_alter_table("message_analyses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_analyses_duplicate_of_id"))
        batch_op.drop_index(batch_op.f("ix_message_analyses_category_model"))
        batch_op.drop_index(batch_op.f("ix_message_analyses_category_id"))

    op.drop_table("message_analyses")
    with op.batch_alter_table("ml_models", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ml_models_kind"))

    op.drop_table("ml_models")
