"""``minyi issues detect`` starts without the modules only other commands need."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# Loaded by other commands (web, database, settings, bulk import), or only on a terminal (rich)
# or for an odd workbook (openpyxl): none of them for `issues detect` on a plain file.
NOT_AT_START = (
    "sqlalchemy",
    "pydantic",
    "pydantic_settings",
    "minyi.settings",
    "openpyxl",
    "rich",
    "fastapi",
)


def loaded_after(code: str) -> list[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps([m for m in {NOT_AT_START!r} if m in sys.modules]))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)  # noqa: S603 - our own code
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_command_module_loads_none_of_them() -> None:
    assert loaded_after("import minyi.cli.issues_commands") == []


def test_reading_a_workbook_and_its_columns_loads_none_of_them(tmp_path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["留言编号", "留言主题", "留言时间", "留言详情", "点赞数"])
    book.active.append([1, "路灯不亮", "2019/4/25 9:32:09", "小区门口路灯坏了", 3])
    path = tmp_path / "m.xlsx"
    book.save(path)
    code = (
        "from datetime import datetime, timezone\nfrom pathlib import Path\n"
        "from minyi.cli.issues_commands import _weights\nfrom minyi.issues.detect.heat import HeatWeights\n"
        "from minyi.issues.report import load_messages\n"
        "_weights((), HeatWeights())\n"
        f"loaded = load_messages(Path({str(path)!r}), zone=timezone.utc, now=datetime.now(timezone.utc))\n"
        "assert len(loaded.messages) == 1, loaded"
    )
    assert loaded_after(code) == []


def _workbook(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["留言编号", "留言主题", "留言时间", "留言详情"])
    for number in range(3):
        book.active.append([number, "路灯不亮", "2019/4/25 9:32:09", "小区门口路灯坏了"])
    path = tmp_path / "m.xlsx"
    book.save(path)
    return path


def test_the_whole_command_loads_no_settings_and_ignores_a_bad_one(tmp_path) -> None:
    """The group loads no settings for ``issues detect`` (0.12-0.17 s of pydantic): a file in, files out."""
    code = (
        "import os\nos.environ['MINYI_PROCESSING'] = 'nonsense'\nfrom minyi.cli.main import cli\n"
        f"cli.main(['issues', 'detect', '--input', {str(_workbook(tmp_path))!r}, '--out', "
        f"{str(tmp_path / 'out')!r}], standalone_mode=False)"
    )
    assert loaded_after(code) == []
    assert (tmp_path / "out" / "hot_issues.csv").is_file()


def test_the_other_commands_still_refuse_a_bad_setting(tmp_path) -> None:
    from click.testing import CliRunner

    from minyi.cli.main import cli
    from minyi.settings import get_settings

    get_settings.cache_clear()
    try:
        refused = CliRunner().invoke(cli, ["issues", "refresh"], env={"MINYI_PROCESSING": "nonsense"})
    finally:
        get_settings.cache_clear()
    assert refused.exit_code == 1
    assert "MINYI_PROCESSING" in refused.output


def test_the_tz_default_is_the_settings_timezone(monkeypatch) -> None:
    from minyi.cli.context import _default_timezone
    from minyi.settings import current_timezone

    for value in ("", "  ", "Europe/Paris", " UTC "):
        monkeypatch.setenv("MINYI_TIMEZONE", value)
        assert _default_timezone() == current_timezone()
    monkeypatch.delenv("MINYI_TIMEZONE")
    assert _default_timezone() == current_timezone() == "Asia/Shanghai"


def test_the_collector_is_paused_during_the_run_and_restored_after() -> None:
    import gc

    from minyi.cli.issues_commands import _cyclic_gc_paused

    seen = []
    paused = _cyclic_gc_paused(lambda: seen.append(gc.isenabled()) or 1 / 0)
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError):
        paused()
    assert seen == [False]
    assert gc.isenabled()  # restored, after an error too
    gc.disable()
    try:
        _cyclic_gc_paused(lambda: None)()
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()
