"""Import presets: 附件2, 附件3 and 附件4 layouts (and Minyi's export) need no flags.

Small fixture files in each layout are written by the tests; the optional last test
imports the real 附件4.xlsx when it is present.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import select
from tests.functional.conftest import cli_database
from tests.functional.test_import import count, db, messages, naive, run, write_csv

from minyi.cases.models import Case, CaseEvent, CaseStatus, Reply
from minyi.cli.main import cli
from minyi.flows.imports import ImportValidationError, detect_layout
from minyi.interop.presets import detect_preset
from minyi.interop.tabular import ImportFileError

__all__ = ["db"]  # the fixture, shared with test_import

HEAD = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情"]
ATTACHMENT2 = [*HEAD, "一级分类"]
ATTACHMENT3 = [*HEAD, "反对数", "点赞数"]
ATTACHMENT4 = [*HEAD, "答复意见", "答复时间"]
REAL_ATTACHMENT4 = Path("/work/shared/data/tipdm2020_smart_gov/official/附件4.xlsx")


def xlsx(path, rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def attachment4_rows():
    return [
        ATTACHMENT4,
        [
            2549,
            "A00045581",
            "A2区景蓉华苑物业管理有问题",
            naive(2019, 4, 25, 9, 32, 9),
            "小区物业扬言要退出小区，水电费收取不了",
            "现将网友在平台上反映的问题答复如下：经调查，物业公司已承诺继续服务。感谢您的监督。",
            naive(2019, 5, 10, 14, 56, 53),
        ],
        [
            2554,
            "A00023583",
            "A3区潇楚南路洋湖段怎么还没修好？",
            "2019/4/24 16:03:40",
            "潇楚南路洋湖段一直没有修好，出行不便",
            "网友您好，该路段计划于今年六月完工，请耐心等待。",
            "2019/5/9 9:49:10",
        ],
        [
            2555,
            "A00031618",
            "请加快提高民营幼儿园教师的待遇",
            "2019/4/24 15:40:04",
            "幼儿园教师待遇太低",
            "",
            "",
        ],
    ]


@pytest.mark.parametrize(
    ("columns", "name"),
    [
        (ATTACHMENT2, "附件2"),
        (ATTACHMENT3, "附件3"),
        (["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "点赞数", "反对数"], "附件3"),
        (ATTACHMENT4, "附件4"),
        ([" 留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "答复意见", "答复时间 "], "附件4"),
    ],
)
def test_the_layout_is_detected_from_the_header(columns, name):
    preset = detect_preset(columns)
    assert preset is not None
    assert preset.name == name


def test_an_unknown_header_is_read_generically():
    assert detect_preset(["内容", "时间"]) is None
    layout = detect_layout(["内容", "时间"])
    assert (layout.name, layout.label, layout.mapping["body"]) == ("", "generic (headers recognised)", "内容")


def test_a_named_layout_the_file_does_not_have_is_refused():
    with pytest.raises(ImportFileError, match="附件4"):
        detect_layout(ATTACHMENT2, layout="附件4")
    with pytest.raises(ImportFileError, match="unknown layout"):
        detect_layout(ATTACHMENT2, layout="附件9")


def test_attachment2_ignores_its_label_column(db, tmp_path):
    path = xlsx(
        tmp_path / "附件2.xlsx",
        [
            ATTACHMENT2,
            [1, "U0001196", "投诉物业违规收停车费", "2019/12/30 17:06:14", "物业滥收停车费", "城乡建设"],
        ],
    )
    report = run(db, path)
    assert (report.layout, report.imported, report.extra_columns) == ("附件2", 1, ["一级分类"])
    assert report.to_dict()["layout_label"] == "附件2 (messages labelled with 一级分类)"
    assert messages(db)[0].external_id == "1"


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_attachment3_as_csv_keeps_likes_and_dislikes(db, tmp_path, encoding):
    rows = [
        ATTACHMENT3,
        [188006, "A0102893", "体育场噪音扰民", "2019/2/28 11:25:05", "每天早上六点放音乐", 3, 17],
    ]
    report = run(db, write_csv(tmp_path / "附件3.csv", rows, encoding=encoding))
    assert (report.layout, report.imported, report.replies) == ("附件3", 1, 0)
    (message,) = messages(db)
    assert (message.likes, message.dislikes) == (17, 3)


def test_attachment4_replies_close_cases_with_historical_times(db, tmp_path):
    path = xlsx(tmp_path / "附件4.xlsx", attachment4_rows())
    report = run(db, path)
    assert (report.layout, report.rows_read, report.imported, report.replies) == ("附件4", 3, 3, 2)
    assert report.extra_columns == []
    with db.session() as session:
        cases = {c.messages[0].external_id: c for c in session.scalars(select(Case))}
        answered = cases["2549"]
        assert answered.status == CaseStatus.CLOSED
        assert answered.replied_at == datetime(2019, 5, 10, 6, 56, 53, tzinfo=UTC)
        assert answered.closed_at == answered.replied_at
        (reply,) = answered.replies
        assert (reply.is_public, reply.author_user_id) == (True, None)
        assert reply.body.startswith("现将网友")
        events = [(e.action, e.to_status, e.actor) for e in answered.events if e.payload.get("historical")]
        assert events == [
            ("replied", CaseStatus.REPLIED, "历史答复"),
            ("status", CaseStatus.CLOSED, "历史答复"),
        ]
        assert cases["2555"].status not in (CaseStatus.REPLIED, CaseStatus.CLOSED)
        assert cases["2555"].replies == []
    again = run(db, path)
    assert (again.imported, again.duplicates, again.replies) == (0, 3, 0)
    assert count(db, Reply) == 2


def test_attachment4_as_gbk_csv(db, tmp_path):
    rows = [
        [cell.strftime("%Y/%m/%d %H:%M:%S") if isinstance(cell, datetime) else cell for cell in row]
        for row in attachment4_rows()
    ]
    report = run(db, write_csv(tmp_path / "附件4.csv", rows, encoding="gbk"))
    assert (report.layout, report.imported, report.replies) == ("附件4", 3, 2)


def test_a_reply_without_its_time_is_a_bad_row(db, tmp_path):
    rows = attachment4_rows()
    rows[2][6] = ""
    path = xlsx(tmp_path / "附件4.xlsx", rows)
    with pytest.raises(ImportValidationError) as caught:
        run(db, path)
    assert [(e.row, e.field) for e in caught.value.errors] == [(3, "replied_at")]
    assert count(db) == 0
    report = run(db, path, skip_invalid=True)
    assert (report.imported, report.replies, report.invalid_rows) == (2, 1, 1)


def test_the_cli_prints_the_layout(tmp_path, monkeypatch):
    path = xlsx(tmp_path / "附件4.xlsx", attachment4_rows())
    with cli_database(tmp_path, monkeypatch, "cli_presets"):
        result = CliRunner().invoke(cli, ["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "layout: 附件4 (messages with official replies)" in result.output
    assert "2 historical replies" in result.output


@pytest.mark.skipif(not REAL_ATTACHMENT4.exists(), reason="the TipDM 附件4.xlsx is not on this machine")
def test_the_real_attachment4(db):
    report = run(db, REAL_ATTACHMENT4, skip_invalid=True)
    assert report.layout == "附件4"
    assert report.rows_read == 2816
    assert report.imported + report.invalid_rows + report.duplicates == report.rows_read
    assert report.imported > 2700
    assert report.replies > 2700
    assert count(db, Reply) == report.replies
    with db.session() as session:
        closed = session.scalar(select(CaseEvent).where(CaseEvent.actor == "历史答复").limit(1))
        assert closed is not None


def test_minyi_export_is_recognised(db, tmp_path):
    from minyi.interop.export_layout import HEADERS

    values = {
        "案件编号": "20260301-7K3QH2XP",
        "案件状态": "replied",
        "留言编号": "M-1",
        "渠道": "web",
        "留言主题": "路灯不亮",
        "留言详情": "小区门口的路灯坏了一个月",
        "留言时间": "2026-03-01T09:30:00+08:00",
        "点赞数": "4",
        "是否公开": "1",
        "答复记录": "[]",
        "办理记录": "[]",
    }
    rows = [list(HEADERS), [values.get(header, "") for header in HEADERS]]
    report = run(db, write_csv(tmp_path / "minyi-export.csv", rows, encoding="utf-8-sig"))
    assert (report.layout, report.imported) == ("minyi", 1)
    assert "案件编号" in report.extra_columns
    (message,) = messages(db)
    assert (message.external_id, message.likes, message.title) == ("M-1", 4, "路灯不亮")
    assert message.submitted_at == datetime(2026, 3, 1, 1, 30, tzinfo=UTC)


def test_the_cli_says_its_warnings_in_text_too(tmp_path, monkeypatch):
    path = tmp_path / "noid.csv"
    path.write_text("标题,内容\n路灯不亮,小区东门路灯坏了一周\n", encoding="utf-8")
    with cli_database(tmp_path, monkeypatch, "cli_noid"):
        result = CliRunner().invoke(cli, ["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "warning: the file has no id column" in result.output
