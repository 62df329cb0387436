"""Bulk import end to end, on a database of its own (SQLite, or PostgreSQL when configured).

The import commits per batch, so these tests cannot run inside the shared rolled-back
transaction: each gets a fresh, migrated database (PostgreSQL: ``minyi_test_import_<pid>``,
dropped afterwards).
"""

from __future__ import annotations

import csv
import json
import os
from datetime import UTC, datetime

import openpyxl
import pytest
from sqlalchemy import create_engine, func, make_url, select, text

from minyi.cases.models import Case
from minyi.db.session import Database
from minyi.flows import import_batch, imports, processing
from minyi.flows.imports import ImportReport, ImportValidationError, import_messages
from minyi.intake import identity
from minyi.intake.models import Message
from minyi.interop.tabular import ImportFileError
from minyi.schema import migrate

KEY = "import-test-secret-0123456789-abcdefghij"
# One database per test process, so that two runs of the suite at once do not collide.
PG_DATABASE = f"minyi_test_import_{os.getpid()}"
ATTACHMENT3 = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "反对数", "点赞数"]


def naive(*parts: int) -> datetime:
    """A time as Excel stores it: without a timezone."""
    return datetime(*parts)  # noqa: DTZ001 - Excel cells hold naive times


def _admin(base: str):
    url = make_url(base.replace("postgresql://", "postgresql+psycopg://", 1))
    return url, create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")


def _fresh_postgres(base: str) -> str:
    url, admin = _admin(base)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{PG_DATABASE}"'))
    admin.dispose()
    return url.set(database=PG_DATABASE).render_as_string(hide_password=False)


def _drop_postgres(base: str) -> None:
    _, admin = _admin(base)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def db(tmp_path):
    base = os.environ.get("MINYI_TEST_DATABASE_URL", "")
    on_postgres = base.startswith("postgresql")
    url = _fresh_postgres(base) if on_postgres else f"sqlite:///{tmp_path / 'import.db'}"
    database = Database(url)
    migrate.upgrade(database.engine)
    yield database
    database.engine.dispose()
    if on_postgres:
        _drop_postgres(base)


def run(db, path, **options) -> ImportReport:
    return import_messages(db, path, key=KEY, **options)


def messages(db) -> list[Message]:
    with db.session() as session:
        return list(session.scalars(select(Message).order_by(Message.external_id, Message.received_at)))


def count(db, model=Message) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def write_csv(path, rows, encoding="utf-8"):
    with path.open("w", encoding=encoding, newline="") as stream:
        csv.writer(stream).writerows(rows)
    return path


def attachment3_xlsx(path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(ATTACHMENT3)
    sheet.append(
        [
            188006,
            "A0102893",
            "A市经济学院体育场噪音扰民",
            naive(2019, 2, 28, 11, 25, 5),
            "\n\t体育场每天早上六点放音乐\n",
            0,
            0,
        ]
    )
    sheet.append(
        [188007, "A909164", "建议增加公交线路", "2019/4/25 9:32:09", "希望开通到高铁站的公交", "2", 5]
    )
    sheet.append([188008, "A1204455", "道路积水", "2019-05-01 08:00", "下雨天积水严重", None, "1,234"])
    book.save(path)
    return path


def test_xlsx_with_attachment3_headers_is_imported_and_processed(db, tmp_path):
    report = run(db, attachment3_xlsx(tmp_path / "附件3.xlsx"))
    assert (report.rows_read, report.imported, report.duplicates, report.failed_processing) == (3, 3, 0, 0)
    assert report.invalid == []
    assert report.source == "附件3.xlsx"
    assert report.mapping["body"] == "留言详情"
    assert report.warnings == []
    first, second, third = messages(db)
    assert (first.external_id, first.title, first.body) == (
        "188006",
        "A市经济学院体育场噪音扰民",
        "体育场每天早上六点放音乐",
    )
    assert first.submitted_at == datetime(2019, 2, 28, 3, 25, 5, tzinfo=UTC)
    assert second.submitted_at == datetime(2019, 4, 25, 1, 32, 9, tzinfo=UTC)
    assert (second.dislikes, second.likes, third.likes, third.dislikes) == (2, 5, 1234, 0)
    assert first.author_pseudonym
    assert "A0102893" not in first.author_pseudonym
    assert {m.channel for m in (first, second, third)} == {"import"}
    assert {m.state for m in (first, second, third)} == {"processed"}
    assert all(m.case_id for m in (first, second, third))
    assert count(db, Case) == 3


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_each_encoding(db, tmp_path, encoding):
    body = "路灯不亮" + ("，𠮷野家门口" if encoding == "gb18030" else "")
    path = write_csv(tmp_path / "m.csv", [["编号", "标题", "内容"], ["1", "路灯", body]], encoding)
    assert run(db, path).imported == 1
    assert messages(db)[0].body == body


def test_jsonl_posts_without_titles(db, tmp_path):
    posts = [
        {
            "id": "p1",
            "user": {"id": "u1", "screen_name": "某网友"},
            "text": "地铁站出口的电梯已经停运两周了，老人上下楼很不方便，请尽快维修",
            "created_at": "2024-03-01T08:00:00+08:00",
            "reposts": 12,
            "replies": "3",
            "likes": "1.2万",
        },
        {
            "id": "p2",
            "user": {"id": "u2"},
            "text": "公园路灯不亮",
            "created_at": "Fri Mar 01 21:15:00 +0800 2024",
        },
    ]
    path = tmp_path / "weibo.jsonl"
    path.write_text("\n".join(json.dumps(p, ensure_ascii=False) for p in posts) + "\n", encoding="utf-8")
    report = run(db, path, source="weibo-2024-03")
    assert report.imported == 2
    assert report.mapping["author"] == "user.id"
    first, second = messages(db)
    assert first.title == "地铁站出口的电梯已经停运两周了，老人上下楼很不方便，请尽快维修"[:30]
    assert first.body.startswith("地铁站出口")
    assert (first.reposts, first.replies_count, first.likes) == (12, 3, 12000)
    assert first.submitted_at == datetime(2024, 3, 1, 0, 0, tzinfo=UTC)
    assert first.source == "weibo-2024-03"
    assert first.author_pseudonym
    assert first.author_pseudonym != second.author_pseudonym
    assert second.title == "公园路灯不亮"
    assert second.submitted_at == datetime(2024, 3, 1, 13, 15, tzinfo=UTC)


def test_a_bad_row_writes_nothing_and_names_row_and_field(db, tmp_path):
    path = write_csv(
        tmp_path / "m.csv",
        [
            ATTACHMENT3,
            ["1", "A1", "主题一", "2019/4/25 9:32:09", "正文一", "0", "0"],
            ["2", "A2", "主题二", "2019/4/25 9:33:00", "  \n ", "0", "0"],
        ],
    )
    with pytest.raises(ImportValidationError) as info:
        run(db, path)
    assert info.value.errors[0].row == 3
    assert info.value.errors[0].field == "body"
    assert "row 3, field body: must not be empty (column 留言详情)" in str(info.value)
    assert "nothing was imported" in str(info.value)
    assert info.value.report.imported == 0
    assert count(db) == 0


def test_errors_shown_are_capped_at_twenty(db, tmp_path):
    rows = [["id", "title", "body"]] + [[str(i), "t", ""] for i in range(25)]
    with pytest.raises(ImportValidationError) as info:
        run(db, write_csv(tmp_path / "m.csv", rows))
    assert len(info.value.errors) == 25
    assert "row 21, field body" in str(info.value)
    assert "row 22, field body" not in str(info.value)
    assert "… and 5 more" in str(info.value)


def test_skip_invalid_imports_the_rest_and_writes_rejects(db, tmp_path):
    path = write_csv(
        tmp_path / "m.csv",
        [
            ["id", "title", "body", "likes"],
            ["1", "t1", "b1", "1"],
            ["2", "t2", "", "x"],
            ["3", "t3", "b3", "-1"],
            ["4", "t4", "b4", ""],
        ],
    )
    rejects = tmp_path / "rejects.csv"
    report = run(db, path, skip_invalid=True, rejects=rejects)
    assert (report.rows_read, report.imported, report.invalid_rows) == (4, 2, 2)
    assert [(e.row, e.field) for e in report.invalid] == [(3, "likes"), (3, "body"), (4, "likes")]
    assert [m.external_id for m in messages(db)] == ["1", "4"]
    with rejects.open(encoding="utf-8-sig", newline="") as stream:
        rejected = list(csv.reader(stream))
    assert rejected[0] == ["row", "errors", "id", "title", "body", "likes"]
    assert [row[0] for row in rejected[1:]] == ["3", "4"]
    assert rejected[1][1].startswith("likes: expected a whole number, found 'x'; body: must not be empty")
    assert report.to_dict()["invalid"][0] == {
        "row": 3,
        "field": "likes",
        "message": "expected a whole number, found 'x'",
        "column": "likes",
    }


def test_rerun_is_idempotent_and_the_first_repeat_in_a_file_wins(db, tmp_path):
    path = write_csv(
        tmp_path / "m.csv",
        [["id", "title", "body"], ["1", "first", "b"], ["2", "t", "b"], ["1", "second", "b"]],
    )
    first = run(db, path, batch_size=1)
    assert (first.imported, first.duplicates) == (2, 1)
    assert [m.title for m in messages(db)] == ["first", "t"]
    again = run(db, path)
    assert (again.rows_read, again.imported, again.duplicates) == (3, 0, 3)
    assert count(db) == 2
    elsewhere = run(db, path, source="another-export.csv")
    assert elsewhere.imported == 2


def test_explicit_mapping(db, tmp_path):
    path = write_csv(
        tmp_path / "m.csv",
        [["No.", "Subject col", "Text", "标题"], ["7", "Pothole", "A deep pothole", "ignored"]],
    )
    report = run(db, path, mapping={"external_id": "No.", "title": "Subject col", "body": "Text"})
    assert report.mapping == {"external_id": "No.", "title": "Subject col", "body": "Text"}
    message = messages(db)[0]
    assert (message.external_id, message.title, message.body) == ("7", "Pothole", "A deep pothole")


def test_no_recognisable_columns(db, tmp_path):
    path = write_csv(tmp_path / "m.csv", [["序号", "摘要"], ["1", "x"]])
    with pytest.raises(ImportFileError) as info:
        run(db, path)
    assert "columns found: 序号, 摘要" in str(info.value)
    assert "--map body=<column>" in str(info.value)
    assert count(db) == 0


def test_dry_run_writes_nothing_but_counts(db, tmp_path):
    path = attachment3_xlsx(tmp_path / "附件3.xlsx")
    seen = []
    report = run(db, path, dry_run=True, progress=seen.append)
    assert report.dry_run
    assert (report.rows_read, report.imported, report.duplicates) == (3, 3, 0)
    assert seen[-1] == 3
    assert count(db) == 0
    assert count(db, Case) == 0
    run(db, path)
    assert run(db, path, dry_run=True).duplicates == 3
    assert count(db) == 3


def test_batches_commit_and_report_progress(db, tmp_path):
    rows = [["id", "body"]] + [[str(i), f"body {i}"] for i in range(5)]
    seen = []
    report = run(db, write_csv(tmp_path / "m.csv", rows), batch_size=2, progress=seen.append)
    assert report.imported == 5
    assert seen == [2, 4, 5, 5]
    assert report.warnings == []


def test_a_crash_mid_import_keeps_committed_batches_and_a_rerun_finishes(db, tmp_path, monkeypatch):
    rows = [["id", "body"]] + [[str(i), f"body {i}"] for i in range(5)]
    path = write_csv(tmp_path / "m.csv", rows)
    real_prepare = import_batch.prepare_messages

    def prepare_until_the_third(session, rows, **kwargs):
        if any(data.external_id == "2" for data in rows):
            raise RuntimeError("power cut")
        return real_prepare(session, rows, **kwargs)

    monkeypatch.setattr(imports, "prepare_messages", prepare_until_the_third)
    with pytest.raises(RuntimeError, match="power cut"):
        run(db, path, batch_size=2)
    assert [(m.external_id, m.state) for m in messages(db)] == [("0", "processed"), ("1", "processed")]
    monkeypatch.undo()
    report = run(db, path, batch_size=2)
    assert (report.imported, report.duplicates) == (3, 2)
    assert count(db) == 5


def test_a_processing_failure_marks_only_that_message(db, tmp_path, monkeypatch):
    path = write_csv(
        tmp_path / "m.csv", [["id", "body"], ["1", "fine"], ["2", "breaks the pipeline"], ["3", "fine too"]]
    )
    real_process = processing.process

    def process(session, message, pipeline=None, result=None, **options):
        if message.body == "breaks the pipeline":
            raise ValueError("classifier unavailable")
        return real_process(session, message, pipeline, result, **options)

    def process_together(session, messages, *args):
        if any(message.body == "breaks the pipeline" for message in messages):
            raise ValueError("classifier unavailable")  # the batch fails: row by row, in savepoints

    monkeypatch.setattr(processing, "process", process)
    monkeypatch.setattr(import_batch, "_process_together", process_together)
    report = run(db, path)
    assert (report.imported, report.failed_processing) == (3, 1)
    states = {m.external_id: (m.state, m.processing_error) for m in messages(db)}
    assert states["2"] == ("failed", "ValueError: classifier unavailable")
    assert states["1"] == states["3"] == ("processed", None)


def test_a_row_stored_meanwhile_by_another_import_is_a_duplicate(db, tmp_path, monkeypatch):
    """Between reading a batch and storing it, another import stores one of its rows."""
    path = write_csv(tmp_path / "m.csv", [["id", "body"], ["1", "first"], ["2", "second"], ["3", "third"]])
    real_prepare = imports._prepare_batch

    def prepare_then_race(session, job, batch):
        pending = real_prepare(session, job, batch)
        with db.session() as other:  # the concurrent import stores row 2 first
            import_batch.store_messages(other, [batch[1][1]], channel=job.channel, source=job.source, key=KEY)
            other.commit()
        return pending

    monkeypatch.setattr(imports, "_prepare_batch", prepare_then_race)
    report = run(db, path)
    assert (report.imported, report.duplicates, report.failed_processing) == (2, 1, 0)
    states = {m.external_id: (m.state, m.case_id is not None) for m in messages(db)}
    assert states == {"1": ("processed", True), "2": ("received", False), "3": ("processed", True)}


def test_times_without_offset_use_the_given_timezone(db, tmp_path):
    path = write_csv(
        tmp_path / "m.csv",
        [["id", "body", "time"], ["1", "b", "2019/4/25 9:32:09"], ["2", "b", "2019-04-25T09:32:09+00:00"]],
    )
    run(db, path, tz="Europe/Berlin")
    first, second = messages(db)
    assert first.submitted_at == datetime(2019, 4, 25, 7, 32, 9, tzinfo=UTC)
    assert second.submitted_at == datetime(2019, 4, 25, 9, 32, 9, tzinfo=UTC)


def test_a_file_without_ids_is_imported_with_a_warning(db, tmp_path):
    report = run(db, write_csv(tmp_path / "m.csv", [["内容"], ["路灯不亮"]]))
    assert report.imported == 1
    assert "no id column" in report.warnings[0]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"tz": "Mars/Olympus"}, "unknown timezone 'Mars/Olympus'"),
        ({"batch_size": 0}, "batch size must be at least 1"),
        ({"channel": ""}, "channel must be 1 to 20 characters"),
        ({"source": "x" * 121}, "at most 120 characters"),
        ({"mapping": {"body": "正文"}}, "no column '正文'"),
    ],
)
def test_bad_options_are_clear_errors(db, tmp_path, options, expected):
    path = write_csv(tmp_path / "m.csv", [["内容"], ["路灯不亮"]])
    with pytest.raises(ImportFileError, match=expected):
        run(db, path, **options)
    assert count(db) == 0


def test_a_header_without_rows(db, tmp_path):
    with pytest.raises(ImportFileError, match="no data rows below the header"):
        run(db, write_csv(tmp_path / "m.csv", [["id", "内容"]]))


def test_values_no_database_can_store_are_row_errors(db, tmp_path):
    path = write_csv(
        tmp_path / "m.csv",
        [
            ["id", "body", "likes", "time"],
            ["1", "nul \x00 here", "1", ""],
            ["2", "ok", "99999999999", "0219-4-25"],
        ],
    )
    with pytest.raises(ImportValidationError) as info:
        run(db, path)
    assert sorted((e.row, e.field) for e in info.value.errors) == [
        (2, "body"),
        (3, "likes"),
        (3, "submitted_at"),
    ]
    assert count(db) == 0


def test_undecodable_file_is_a_clear_error(db, tmp_path):
    path = tmp_path / "m.csv"
    path.write_bytes("id,内容\n1,你好\n".encode() + b"2,\xff\n")
    with pytest.raises(ImportFileError, match=r"m\.csv: byte 0xFF at offset \d+ \(line 3\)"):
        run(db, path)
    assert count(db) == 0


def test_a_tracking_code_drawn_twice_is_drawn_again_and_no_row_is_lost(db, tmp_path, monkeypatch):
    """31**8 codes meet about once in a million messages: such a row was once counted as a duplicate."""
    run(db, write_csv(tmp_path / "a.csv", [["id", "body"], ["1", "first"]]))
    (taken,) = [message.tracking_code for message in messages(db)]
    real_draw = identity.new_tracking_code
    draws = iter([taken, taken])  # the second row draws the stored code, then the first row's

    monkeypatch.setattr(identity, "new_tracking_code", lambda: next(draws, None) or real_draw())
    rows = [["id", "body"], ["2", "second"], ["3", "third"], ["4", "fourth"]]
    report = run(db, write_csv(tmp_path / "b.csv", rows), source="b.csv")
    assert (report.imported, report.duplicates, report.failed_processing) == (3, 0, 0)
    stored = messages(db)
    assert [m.external_id for m in stored] == ["1", "2", "3", "4"]
    assert len({m.tracking_code for m in stored}) == 4
    assert all(m.state == "processed" for m in stored)
