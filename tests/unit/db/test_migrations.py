"""Alembic is the only source of the schema: the models must match the migrations."""

from __future__ import annotations

from tests.conftest import TEST_SECRET, fresh_database_url

from minyi.db.base import new_id
from minyi.schema import migrate
from minyi.settings import Settings


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


def test_0022_unpublishes_shells_that_merges_left_public(tmp_path):
    """A case with no consenting message (a merge's absorbed case) leaves /public and its index."""
    from sqlalchemy.orm import Session

    from minyi.accountability.search_models import PublicSearchDoc
    from minyi.cases.models import Case
    from minyi.db.session import make_engine
    from minyi.demo import factories

    eng = make_engine(fresh_database_url(tmp_path, "minyi_test_migration_0022"))
    try:
        migrate.upgrade(eng)
        with Session(eng) as session:
            dept = factories.make_department(session)
            kept = factories.make_case(session, status="replied", department=dept, is_public=True)
            shell = factories.make_case(session, status="replied", department=dept, is_public=True)
            for message in list(shell.messages):
                message.case = kept  # as merges before 0022 left them: public, no message
            session.commit()
            assert session.query(PublicSearchDoc).filter_by(case_id=shell.id).count() == 1
            ids = (kept.id, shell.id)
        migrate.downgrade(eng, "0021")
        migrate.upgrade(eng)
        with Session(eng) as session:
            assert session.get(Case, ids[0]).is_public
            assert not session.get(Case, ids[1]).is_public
            assert session.query(PublicSearchDoc).filter_by(case_id=ids[1]).count() == 0
            assert session.query(PublicSearchDoc).filter_by(case_id=ids[0]).count() == 1
    finally:
        eng.dispose()


def test_0023_clears_written_times_no_message_can_have(tmp_path):
    """Year 1 or 2099 as a written time broke the public statistics: the arrival counts instead."""
    from datetime import UTC, datetime

    from sqlalchemy.orm import Session

    from minyi.db.session import make_engine
    from minyi.demo import factories
    from minyi.intake.models import Message

    eng = make_engine(fresh_database_url(tmp_path, "minyi_test_migration_0023"))
    try:
        migrate.upgrade(eng)
        written = {
            "ancient": datetime(1, 1, 1, tzinfo=UTC),
            "future": datetime(2099, 6, 15, 2, tzinfo=UTC),
            "fine": datetime(2019, 3, 1, 8, tzinfo=UTC),
        }
        with Session(eng) as session:
            ids = {}
            for name, moment in written.items():
                message = factories.make_message(session, process=False, title=name)
                message.submitted_at = moment  # as intake stored them before it checked
                ids[name] = message.id
            session.commit()
        migrate.downgrade(eng, "0022")
        migrate.upgrade(eng)
        with Session(eng) as session:
            assert session.get(Message, ids["ancient"]).submitted_at is None
            assert session.get(Message, ids["future"]).submitted_at is None
            kept = session.get(Message, ids["fine"]).submitted_at
            assert kept is not None
            assert kept.replace(tzinfo=UTC) == written["fine"]
    finally:
        eng.dispose()


def test_what_stops_a_release_from_serving_a_database_is_said_with_its_command(tmp_path, monkeypatch):
    """Behind: upgrade. Unknown (a newer release migrated it): not upgrade, which would fail."""
    import pytest
    from sqlalchemy import text

    from minyi.db.session import make_engine
    from minyi.server import app as server_app

    url = f"sqlite:///{tmp_path / 'revisions.db'}"
    eng = make_engine(url)
    try:
        assert "no schema yet" in migrate.schema_problem(eng)
        migrate.upgrade(eng, "0024")
        assert "(revision 0024, newest 0030): run `minyi db upgrade`" in migrate.schema_problem(eng)
        settings = Settings(env="test", data_dir=tmp_path, database_url=url, secret_key=TEST_SECRET)
        monkeypatch.setattr(server_app, "get_settings", lambda: settings)
        with pytest.raises(SystemExit, match="minyi db upgrade"):  # uvicorn --factory refuses it
            server_app.app_factory()
        migrate.upgrade(eng)
        assert migrate.schema_problem(eng) is None
        with eng.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
        problem = migrate.schema_problem(eng)
        assert "0099" in problem
        assert "newer Minyi" in problem
        assert "db upgrade" not in problem
    finally:
        eng.dispose()


def test_0027_fills_the_staff_word_index_of_the_cases_already_there(tmp_path):
    """An old database's cases are found by words after the upgrade, without a reindex."""
    from sqlalchemy import delete, text
    from sqlalchemy.orm import Session

    from minyi.accounts.models import Role
    from minyi.cases.queries import CaseFilter, list_cases
    from minyi.cases.word_models import CaseWords
    from minyi.db.session import make_engine
    from minyi.demo import factories

    eng = make_engine(fresh_database_url(tmp_path, "minyi_test_search_migration_0027"))
    try:
        migrate.upgrade(eng)
        with Session(eng) as session:
            case = factories.make_case(session, title="井盖丢失", body="人民路口的井盖不见了")
            session.commit()
            case_id = case.id
            session.execute(delete(CaseWords))  # as before 0027: no index
            if eng.dialect.name == "sqlite":
                session.execute(text("DELETE FROM case_words_fts"))
            session.commit()
        migrate.downgrade(eng, "0026")
        migrate.upgrade(eng)
        with Session(eng) as session:
            admin = factories.make_user(session, role=Role.ADMIN.value)
            for words in ("井盖", "人民路口", "盖不见"):
                found, total = list_cases(session, admin, CaseFilter(query=words))
                assert ([c.id for c in found], total) == ([case_id], 1), words
    finally:
        eng.dispose()


def test_0030_stores_the_rules_deadline_of_the_cases_waiting_at_the_desk(tmp_path, monkeypatch):
    """An old database's cases never accepted get ``desk_due_at`` by the rules, batch after batch."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update
    from sqlalchemy.orm import Session

    from minyi.cases import desk_due
    from minyi.cases.models import Case
    from minyi.cases.rules import rules_deadlines
    from minyi.db.session import make_engine
    from minyi.demo import factories

    monkeypatch.setattr(desk_due, "BATCH", 2)  # several batches of a few cases
    eng = make_engine(fresh_database_url(tmp_path, "minyi_test_desk_migration_0030"))
    try:
        migrate.upgrade(eng)
        now = datetime.now(UTC)
        with Session(eng) as session:
            desk = [
                factories.make_case(
                    session,
                    status="received",
                    category=None,
                    key=f"d{n}",
                    received_at=now - timedelta(days=9 * n),
                )
                for n in range(5)
            ]
            accepted = factories.make_case(session, key="accepted")
            session.commit()
            expected = rules_deadlines(session)
            ids, accepted_id = [case.id for case in desk], accepted.id
            session.execute(update(Case).values(desk_due_at=None))  # as before 0030
            session.commit()
        migrate.downgrade(eng, "0029")
        migrate.upgrade(eng)
        with Session(eng) as session:
            stored = {case.id: case.desk_due_at for case in session.query(Case)}
            assert set(expected) == set(ids)
            assert {ident: stored[ident] for ident in ids} == expected
            assert stored[accepted_id] is None  # it has its own due_at
    finally:
        eng.dispose()
