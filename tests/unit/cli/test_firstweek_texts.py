"""The eleventh probe's command-line texts: a Chinese operator's first week.

`minyi import` said ``格式：附件4 (messages with official replies)`` and `minyi notify status`
printed ``pending  6`` and ``2026-12-07T18:16:29+00:00`` (UTC, ISO) on a Chinese command line.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from tests.unit.cli.test_i18n import minyi


def test_import_and_notify_status_speak_chinese(tmp_path: Path):
    assert minyi(tmp_path, "db", "upgrade", MINYI_CLI_LANG="zh").returncode == 0
    path = tmp_path / "附件4.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(
            [
                ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "答复意见", "答复时间"],
                [
                    "F-1",
                    "A1",
                    "路灯不亮",
                    "2019/4/25 9:32:09",
                    "门口路灯坏了",
                    "已修复。",
                    "2019/5/9 9:49:10",
                ],
            ]
        )
    dry = minyi(tmp_path, "import", str(path), "--dry-run", MINYI_CLI_LANG="zh")
    assert dry.returncode == 0, dry.stderr
    assert "格式：附件4（带官方答复的留言）" in dry.stdout
    assert "messages with official replies" not in dry.stdout
    status = minyi(tmp_path, "notify", "status", MINYI_CLI_LANG="zh", MINYI_TIMEZONE="Asia/Shanghai")
    assert status.returncode == 0, status.stderr
    assert "待发送（pending） 0" in status.stdout
    assert "已放弃（dead） 0" in status.stdout
    assert not re.search(r"^pending\s", status.stdout, re.MULTILINE)
    english = minyi(tmp_path, "notify", "status", MINYI_CLI_LANG="en")
    assert "pending  0" in english.stdout
    assert (
        "layout: 附件4 (messages with official replies)"
        in minyi(tmp_path, "import", str(path), "--dry-run", MINYI_CLI_LANG="en").stdout
    )


def test_notify_status_writes_the_office_s_time(monkeypatch):
    """The waiting item's times in the office's zone, as every page writes them."""
    from datetime import UTC, datetime

    from minyi.cli import notify_commands

    monkeypatch.setenv("MINYI_TIMEZONE", "Asia/Shanghai")
    when = datetime(2026, 12, 7, 18, 16, 29, tzinfo=UTC)
    assert notify_commands._when(when) == "2026-12-08 02:16:29"
    assert notify_commands._when(None) == "-"


def test_user_create_and_list_name_the_role_in_chinese(tmp_path: Path):
    """`已创建 staff zjj1` and `zjj1\tstaff\tZJJ` on a Chinese command line."""
    assert minyi(tmp_path, "db", "upgrade", MINYI_CLI_LANG="zh").returncode == 0
    assert (
        minyi(tmp_path, "department", "create", "ZJJ", "住房和城乡建设局", MINYI_CLI_LANG="zh").returncode
        == 0
    )
    made = minyi(
        tmp_path,
        "user",
        "create",
        "zjj1",
        "--department",
        "ZJJ",
        MINYI_CLI_LANG="zh",
        MINYI_NEW_USER_PASSWORD="Qz7!Lanterns-firstweek-2027",
    )
    assert made.returncode == 0, made.stderr
    assert "已创建承办人（staff）zjj1" in made.stdout
    listed = minyi(tmp_path, "user", "list", MINYI_CLI_LANG="zh").stdout
    assert "zjj1\t承办人（staff）\tZJJ" in listed
    assert "zjj1\tstaff\tZJJ" in minyi(tmp_path, "user", "list", MINYI_CLI_LANG="en").stdout


def test_alert_states_are_named_in_chinese():
    from minyi.cli.alert_commands import ALERT_STATES_ZH

    assert ALERT_STATES_ZH == {"open": "待处理", "acknowledged": "已确认"}  # as the alerts page says


def test_the_report_line_uses_the_scorecard_s_words(tmp_path: Path):
    """`minyi report` said 答复率 and 按时办结率 (no page says so), with ", " among "，"."""
    assert minyi(tmp_path, "db", "upgrade", MINYI_CLI_LANG="zh").returncode == 0
    out = tmp_path / "day.html"
    done = minyi(
        tmp_path, "report", "--period", "day", "--format", "html", "--out", str(out), MINYI_CLI_LANG="zh"
    )
    assert done.returncode == 0, done.stderr
    assert "0 件，响应率 —，按期办结率 —，满意率 —，答复用时中位数 —" in done.stdout
    assert "答复率" not in done.stdout.replace("响应率", "")
