"""Alembic is the only source of the schema: the models must match the migrations."""

from __future__ import annotations

from tests.conftest import fresh_database_url

from minyi.db.base import new_id
from minyi.schema import migrate


def test_models_and_migrations_agree(engine):
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert migrate.schema_differences(engine) == []


def test_downgrade_and_upgrade_again(tmp_path):
    from minyi.db.session import make_engine

    eng = make_engine(fresh_database_url(tmp_path, "minyi_test_migrations"))
    try:
        migrate.upgrade(eng)
        migrate.downgrade(eng, "base")
        assert migrate.current_revision(eng) is None
        migrate.upgrade(eng)
        assert migrate.is_up_to_date(eng)
    finally:
        eng.dispose()


def test_ids_are_unique_and_time_ordered():
    ids = [new_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    assert all(len(i) == 36 and i[14] == "7" for i in ids)
    assert ids == sorted(ids)
