"""``minyi issues detect`` end to end on a small 附件3-style workbook."""

from __future__ import annotations

import csv
import zipfile
from datetime import datetime

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from tests.conftest import TEST_SECRET

from minyi.cli.main import cli
from minyi.settings import get_settings

HEADER = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "反对数", "点赞数"]
MIXING = [
    ("投诉A2区丽发新城附近建搅拌站噪音扰民", "丽发新城旁边的搅拌站晚上施工，噪音粉尘严重，无法休息。"),
    ("丽发新城小区旁边的搅拌站严重影响生活", "搅拌站离丽发新城小区不到百米，粉尘和噪音污染严重。"),
    ("A2区丽发新城附近修建搅拌厂，粉尘噪音污染", "丽发新城附近的混凝土搅拌厂日夜生产，居民苦不堪言。"),
    ("丽发新城旁违建混凝土搅拌站彻夜施工", "请查处丽发新城附近违建的混凝土搅拌站，噪音扰民。"),
]
PARKING = [
    ("A市伊景园滨河苑捆绑销售车位", "伊景园滨河苑开发商要求买房必须购买车位，否则不签合同。"),
    ("投诉伊景园滨河苑强制购买车位", "购买伊景园滨河苑商品房被强制捆绑车位，是否违规？"),
    ("伊景园滨河苑车位捆绑销售侵害购房者权益", "伊景园滨河苑捆绑销售车位，价格十几万，请住建部门调查。"),
]


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("MINYI_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("MINYI_SECRET_KEY", TEST_SECRET)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def write_workbook(path, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def sample_rows():
    rows = []
    for index, (title, body) in enumerate(MIXING * 2):
        when = f"2019/11/{index + 1} 9:32:09" if index % 2 else datetime(2019, 11, index + 1, 10, 0)  # noqa: DTZ001 - Excel cells are naive
        rows.append([1000 + index, f"A90{index}", title, when, f"\n\t\t{body}\n\t", 0, index])
    for index, (title, body) in enumerate(PARKING * 2):
        rows.append([2000 + index, f"B{index}", title, f"2019-08-{index + 10} 08:00:00", body, 1, 3])
    rows.append([3000, "C1", "A市人才购房补贴申请不通过", None, "人才购房补贴申请为什么不通过？", 0, 0])
    rows.append([1000, "A999", "重复的编号", "2019/11/20 9:00:00", "这条留言编号重复，应被跳过。", 0, 0])
    rows.append([3001, "C2", "", "2019/11/21 9:00:00", "   ", 0, 0])
    return rows


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def read_csv(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_detect_writes_assignments_ranking_and_report(env):
    source = write_workbook(env / "附件3.xlsx", sample_rows())
    out = env / "out"
    result = run("issues", "detect", "--input", str(source), "--out", str(out), "--top", "5")
    assert result.exit_code == 0, result.output
    assert "1 messages had no usable time" in result.output
    assert "duplicate ids" in result.output
    assert "1000" in result.output
    assert "1 rows without text skipped" in result.output

    assignments = read_csv(out / "assignments.csv")
    assert list(assignments[0]) == ["message_id", "issue_id"]
    by_id = {row["message_id"]: row["issue_id"] for row in assignments}
    assert len(by_id) == len(assignments) == 15
    assert "3001" not in by_id
    assert len({by_id[str(1000 + i)] for i in range(8)}) == 1
    assert len({by_id[str(2000 + i)] for i in range(6)}) == 1
    assert by_id["1000"] != by_id["2000"]

    hot = read_csv(out / "hot_issues.csv")
    assert list(hot[0]) == [
        "rank",
        "issue_id",
        "title",
        "heat",
        "size",
        "authors",
        "likes",
        "first_time",
        "last_time",
        "keywords",
        "posts_counted",
        "volume_term",
        "authors_term",
        "engagement_term",
    ]
    assert [row["rank"] for row in hot] == ["1", "2"]  # the lone message is below --min-size 3
    assert "热度构成" in (out / "report.html").read_text(encoding="utf-8")
    assert {row["issue_id"] for row in hot} == {by_id["1000"], by_id["2000"]}
    assert {row["size"] for row in hot} == {"8", "6"}

    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<svg" in page
    assert "热点问题报告" in page
    assert "没有可用的时间" in page
    assert "编号重复" in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<script" not in page


def test_keywords_in_the_ranking_and_the_report_are_whole_words_as_written(env):
    # The eleventh probe read `a2 · 区丽发` (from A2区丽发新城): segmenter tokens, lower-cased.
    source = write_workbook(env / "附件3.xlsx", sample_rows())
    out = env / "out"
    assert run("issues", "detect", "--input", str(source), "--out", str(out)).exit_code == 0
    hot = read_csv(out / "hot_issues.csv")
    (mixing,) = [row for row in hot if row["size"] == "8"]
    keywords = mixing["keywords"].split()
    assert "搅拌站" in keywords
    assert not {"a2", "区丽发", "丽发"} & set(keywords)
    titles = " ".join(title + body for title, body in MIXING)
    assert all(word in titles for word in keywords), keywords
    parking = next(row for row in hot if row["size"] == "6")["keywords"].split()
    assert not {"市伊", "a"} & set(parking)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert f"关键词：{'、'.join(keywords)}" in page


def test_unknown_columns_give_a_clear_error(env):
    book = Workbook()
    book.active.append(["编码", "甲", "乙"])
    book.active.append(["1", "x", "y"])
    book.save(env / "odd.xlsx")
    result = CliRunner().invoke(
        cli, ["issues", "detect", "--input", str(env / "odd.xlsx"), "--out", str(env / "o")]
    )
    assert result.exit_code == 1
    assert "columns found: 编码, 甲, 乙" in result.output
    assert "--map body=" in result.output
    assert "Traceback" not in result.output


def test_map_option_names_the_text_column(env):
    book = Workbook()
    book.active.append(["编码", "内容X"])
    for index, (title, _) in enumerate(MIXING):
        book.active.append([str(index), title])
    book.save(env / "mapped.xlsx")
    result = run(
        "issues",
        "detect",
        "--input",
        str(env / "mapped.xlsx"),
        "--out",
        str(env / "o"),
        "--map",
        "body=内容X",
        "--map",
        "external_id=编码",
    )
    assert result.exit_code == 0, result.output
    assert "4 messages had no usable time" in result.output
    assert {row["message_id"] for row in read_csv(env / "o" / "assignments.csv")} == {"0", "1", "2", "3"}


def test_heat_weights_change_the_ranking_and_bad_ones_are_named(env):
    source = write_workbook(env / "附件3.xlsx", sample_rows())
    out = env / "weighted"
    result = run("issues", "detect", "--input", str(source), "--out", str(out), "--weight", "volume=0")
    assert result.exit_code == 0, result.output
    plain = run("issues", "detect", "--input", str(source), "--out", str(env / "plain"))
    assert plain.exit_code == 0, plain.output
    weighted = {row["size"]: float(row["heat"]) for row in read_csv(out / "hot_issues.csv")}
    default = {row["size"]: float(row["heat"]) for row in read_csv(env / "plain" / "hot_issues.csv")}
    assert weighted["8"] < default["8"]
    bad = CliRunner().invoke(
        cli, ["issues", "detect", "--input", str(source), "--out", str(out), "--weight", "warmth=2"]
    )
    assert bad.exit_code == 2
    assert "warmth" in bad.output
    assert "Traceback" not in bad.output


def test_detect_opens_the_workbook_once(env, monkeypatch):
    opened = []
    real = zipfile.ZipFile
    monkeypatch.setattr(zipfile, "ZipFile", lambda *a, **k: opened.append(a) or real(*a, **k))
    monkeypatch.setattr(
        openpyxl, "load_workbook", lambda *_a, **_k: pytest.fail("a plain workbook is read without openpyxl")
    )
    source = write_workbook(env / "附件3.xlsx", sample_rows())
    result = run("issues", "detect", "--input", str(source), "--out", str(env / "out"))
    assert result.exit_code == 0, result.output
    assert len(opened) == 1
    assert "rows read" in result.output


def test_detect_reads_an_odd_workbook_with_openpyxl(env, monkeypatch):
    opened = []
    real = openpyxl.load_workbook
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: opened.append(a) or real(*a, **k))
    monkeypatch.setattr("minyi.interop.xlsx_fast.MAX_PART_BYTES", 10)  # too large for the fast reader
    source = write_workbook(env / "附件3.xlsx", sample_rows())
    result = run("issues", "detect", "--input", str(source), "--out", str(env / "out"))
    assert result.exit_code == 0, result.output
    assert len(opened) == 1
    assert "rows read" in result.output


def test_detect_writes_formulas_as_inert_text(env):
    formula = '=HYPERLINK("http://x","y")'
    rows = [
        [
            f"@{index}",
            f"A{index}",
            f"{formula}丽发新城搅拌站噪音扰民",
            f"2019/11/{index + 1} 9:00:00",
            formula + body,
            0,
            1,
        ]
        for index, (_title, body) in enumerate(MIXING)
    ]
    source = env / "formulas.csv"  # openpyxl would store the text as a formula
    with source.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    out = env / "out"
    result = run("issues", "detect", "--input", str(source), "--out", str(out))
    assert result.exit_code == 0, result.output
    hot = read_csv(out / "hot_issues.csv")
    assert hot[0]["title"].startswith(f"'{formula}")
    assignments = read_csv(out / "assignments.csv")
    assert {row["message_id"] for row in assignments} == {f"'@{index}" for index in range(len(MIXING))}


def test_detect_ranks_every_issue_of_min_size_and_top_cuts(env):
    source = write_workbook(env / "附件3.xlsx", sample_rows())
    every = run("issues", "detect", "--input", str(source), "--out", str(env / "all"))
    assert every.exit_code == 0, every.output
    assert len(read_csv(env / "all" / "hot_issues.csv")) == 2  # both issues of ≥ 3 messages, no --top
    cut = run("issues", "detect", "--input", str(source), "--out", str(env / "one"), "--top", "1")
    assert cut.exit_code == 0, cut.output
    assert [row["rank"] for row in read_csv(env / "one" / "hot_issues.csv")] == ["1"]
    small = run("issues", "detect", "--input", str(source), "--out", str(env / "small"), "--min-size", "1")
    assert small.exit_code == 0, small.output
    issues = {row["issue_id"] for row in read_csv(env / "small" / "assignments.csv")}
    # every issue in the file's period; the lone message has no time (dated at the run) and falls after it
    assert len(read_csv(env / "small" / "hot_issues.csv")) == len(issues) - 1


def test_one_author_repeating_himself_ranks_below_many_people(env):
    from datetime import UTC, datetime

    from minyi.issues.detect.heat import HeatWeights, heat
    from minyi.issues.detect.issue import Issue, people_counts

    def issue(authors, size):
        posts, likes = people_counts((f"u{i % authors}", 0) for i in range(size))
        when = datetime(2019, 8, 1, tzinfo=UTC)
        return Issue(
            1,
            "t",
            (),
            (),
            when,
            when,
            size,
            authors,
            0,
            0,
            0,
            0,
            {when.date(): size},
            (),
            (),
            weighted_posts=posts,
            people_likes=likes,
        )

    flat = HeatWeights(tau_days=0)
    at = datetime(2019, 8, 2, tzinfo=UTC)
    assert heat(issue(1, 55), at, flat) < heat(issue(12, 12), at, flat)


def test_an_output_folder_that_cannot_be_made_is_said_at_once(env):
    (env / "a_file.csv").write_text("x", "utf-8")
    result = CliRunner().invoke(
        cli,
        ["issues", "detect", "--input", str(env / "a_file.csv"), "--out", str(env / "a_file.csv" / "sub")],
    )
    assert result.exit_code == 1
    assert "cannot be written" in result.output
    assert not isinstance(result.exception, OSError)
