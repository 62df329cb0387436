"""A restore file whose 案件编号 comes back after another case's rows is refused (eleventh probe).

The second group of rows was restored as another case under a new number and counted as
restored, without a word. An export writes each case's rows together, so such a file was
sorted or pasted in a spreadsheet: it is refused before anything is written, naming the
file, row and column in the reader's language, as the other restore checks do.
"""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from tests.functional.test_export_roundtrip import KEY, _export, _source, empty  # noqa: F401 - a fixture

from minyi.cases.models import Case
from minyi.cli.main import cli
from minyi.flows.export import ExportFormat
from minyi.flows.imports import import_messages
from minyi.flows.restore import restore_cases
from minyi.interop.tabular import ImportFileError
from minyi.settings import get_settings


def _with_split_case(session, empty, tmp_path):  # noqa: F811 - the round trip's fixture
    numbers = _source(session)
    session.commit()
    path = tmp_path / "export.csv"
    path.write_bytes(_export(session, ExportFormat.CSV))
    import_messages(empty, path, key=KEY, settings=None)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    # the replied case (two messages) first: move one of its rows after the other cases'
    rows = [rows[0], *sorted(rows[1:], key=lambda cells: cells[0] != numbers[0])]
    rows = [rows[0], rows[2], *rows[3:], rows[1]]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path, numbers[0], len(rows)


def test_a_number_repeated_after_another_case_is_refused_before_anything_is_written(
    session,
    empty,  # noqa: F811 - the round trip's fixture
    tmp_path,
):
    path, number, last = _with_split_case(session, empty, tmp_path)
    with empty.session() as target:
        before = {case.id: (case.status, case.number) for case in target.scalars(select(Case))}
    message = f"export.csv, row {last}, 案件编号: {number} comes again after other cases' rows"
    with pytest.raises(ImportFileError, match=message + r" \(its rows began on row 2\)"):
        restore_cases(empty, path, batch_size=1)
    with empty.session() as target:
        assert {case.id: (case.status, case.number) for case in target.scalars(select(Case))} == before


def test_the_command_says_it_in_chinese(session, empty, tmp_path, monkeypatch):  # noqa: F811
    path, number, last = _with_split_case(session, empty, tmp_path)
    monkeypatch.setenv("MINYI_DATABASE_URL", empty.url)
    monkeypatch.setenv("MINYI_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    try:
        done = CliRunner().invoke(cli, ["restore", str(path)])
    finally:
        get_settings.cache_clear()
    assert done.exit_code == 1, done.output
    assert f"row {last}, 案件编号: {number} comes again" in done.output  # English here (conftest)


def test_the_refusal_in_chinese():
    from minyi.web.domain_texts import domain_text

    said = domain_text(
        "a.csv, row 9, 案件编号: 20260101-0001 comes again after other cases' rows (its rows began on row 2)",
        "zh",
    )
    assert said.startswith(
        "a.csv 第 9 行“案件编号”：20260101-0001 在其他案件的行之后再次出现（该案件的行从第 2 行开始）"
    )
    assert "未恢复任何案件" in said
