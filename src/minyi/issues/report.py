"""Read a file of messages, detect and rank its issues, write CSV files and an HTML report.

:func:`load_messages` reads CSV/TSV/XLSX/JSONL with :func:`minyi.interop.xlsx_fast.read_table`
(:func:`minyi.interop.tabular.read_rows_once`, with a faster reader of plain .xlsx sheets)
and recognises the columns with :func:`minyi.interop.mapping.detect_mapping` (留言编号,
留言用户, 留言主题, 留言时间, 留言详情, 反对数, 点赞数 … without any flag).  Bad rows are
not fatal, they are counted: a message without a usable time gets the time of the run
(the report says how many), a repeated id keeps its first row, a row without text is
skipped.

:func:`write_report` writes into a directory:

* ``assignments.csv``: ``message_id, issue_id`` for every message read;
* ``hot_issues.csv``: ``rank, issue_id, title, heat, size, authors, likes, first_time,
  last_time, keywords`` and the heat's terms (``posts_counted`` — one author's ``n`` posts
  count ``√n`` —, ``volume_term``, ``authors_term``, ``engagement_term``) for every ranked
  issue (the CLI ranks every issue of ``--min-size`` messages; ``--top`` cuts; *themes*,
  clusters of one kind of question rather than one problem, come after every concrete issue:
  :func:`minyi.issues.detect.theme.rank_concrete`);
* ``report.html``: one self-contained page (inline CSS and SVG, no script, no network)
  with a bar chart of heat, the heat's terms and a daily timeline per issue (the first
  :data:`HTML_ISSUES` issues of the ranking).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from html import escape
from pathlib import Path

from minyi.interop import values
from minyi.interop.mapping import detect_mapping
from minyi.interop.safe_cells import SafeWriter
from minyi.interop.tabular import Record
from minyi.interop.xlsx_fast import read_table
from minyi.issues.detect.heat import HeatWeights, heat_terms
from minyi.issues.detect.issue import Issue, IssueMessage
from minyi.issues.svg import heat_bars, timeline_bars

__all__ = ["LoadedMessages", "load_messages", "write_report"]

HOT_COLUMNS = (
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
)
#: Issues shown in ``report.html`` (the CSV has them all).
HTML_ISSUES = 50


@dataclass
class LoadedMessages:
    """The messages read from a file, and what was wrong with the others.

    Attributes:
        messages: The usable messages, in file order.
        mapping: Field → column used.
        rows: Data rows read.
        empty: Rows without title or body text (skipped).
        duplicate_ids: Ids seen again (later rows skipped), in order.
        missing_time: Messages without a usable time (given the time of the run).
        bad_cells: Cells that could not be read (a count that is not a number …), as text.
    """

    messages: list[IssueMessage] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    rows: int = 0
    empty: int = 0
    duplicate_ids: list[str] = field(default_factory=list)
    missing_time: int = 0
    bad_cells: list[str] = field(default_factory=list)


def _text(record: Record, column: str | None) -> str:
    if column is None:
        return ""
    try:
        return values.parse_text(record.get(column)) or ""
    except values.CellValueError:
        return ""


def _count(record: Record, column: str | None, where: str, loaded: LoadedMessages) -> int:
    if column is None:
        return 0
    try:
        return values.parse_count(record.get(column)) or 0
    except values.CellValueError as exc:
        loaded.bad_cells.append(f"{where}, {column}: {exc}")
        return 0


def _time(
    record: Record, column: str | None, zone: tzinfo, where: str, loaded: LoadedMessages
) -> datetime | None:
    if column is None:
        return None
    try:
        return values.parse_time(record.get(column), zone)
    except values.CellValueError as exc:
        loaded.bad_cells.append(f"{where}, {column}: {exc}")
        return None


def _message(
    number: int, record: Record, loaded: LoadedMessages, zone: tzinfo, now: datetime
) -> IssueMessage | None:
    column = loaded.mapping.get
    title, body = _text(record, column("title")), _text(record, column("body"))
    if not title and not body:
        loaded.empty += 1
        return None
    where = f"row {number}"
    when = _time(record, column("submitted_at"), zone, where, loaded)
    if when is None:
        loaded.missing_time += 1
        when = now
    return IssueMessage(
        message_id=_text(record, column("external_id")) or f"row-{number}",
        title=title or " ".join(body.split())[:30],
        body=body,
        when=when,
        author=_text(record, column("author")) or None,
        likes=_count(record, column("likes"), where, loaded),
        dislikes=_count(record, column("dislikes"), where, loaded),
        reposts=_count(record, column("reposts"), where, loaded),
        replies=_count(record, column("replies_count"), where, loaded),
    )


def load_messages(  # noqa: PLR0913 - keyword options of the reader, as in minyi import
    path: Path,
    *,
    mapping: Mapping[str, str] | None = None,
    zone: tzinfo,
    now: datetime,
    sheet: str | None = None,
    encoding: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> LoadedMessages:
    """Read the messages of a CSV, TSV, XLSX or JSONL file.

    Raises:
        ImportFileError: The file cannot be read, or no column holds message text (the
            message lists the columns found and how to map one with ``--map``).
    """
    table = read_table(path, sheet=sheet, encoding=encoding)  # one pass: header, then rows
    loaded = LoadedMessages(mapping=detect_mapping(table.columns, mapping))
    seen: set[str] = set()
    for number, record in table.rows:
        loaded.rows += 1
        message = _message(number, record, loaded, zone, now)
        if message is None:
            continue
        if message.message_id in seen:
            loaded.duplicate_ids.append(message.message_id)
            continue
        seen.add(message.message_id)
        loaded.messages.append(message)
        if progress is not None:
            progress(loaded.rows)
    return loaded


# --- output ----------------------------------------------------------------------------


def _iso(when: datetime) -> str:
    return when.isoformat(sep=" ", timespec="seconds")


def _write_csvs(
    out: Path, assignments: Mapping[str, int], ranked: list[tuple[Issue, float]], weights: HeatWeights
) -> None:
    with (out / "assignments.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = SafeWriter(handle)
        writer.writerow(("message_id", "issue_id"))
        writer.writerows(assignments.items())
    with (out / "hot_issues.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = SafeWriter(handle)
        writer.writerow(HOT_COLUMNS)
        for position, (issue, value) in enumerate(ranked, start=1):
            terms = heat_terms(issue, weights)
            writer.writerow(
                (
                    position,
                    issue.id,
                    issue.title,
                    f"{value:.4f}",
                    issue.size,
                    issue.authors,
                    issue.likes,
                    _iso(issue.first_time),
                    _iso(issue.last_time),
                    " ".join(issue.keywords),
                    f"{terms['posts']:.2f}",
                    f"{terms['volume_term']:.4f}",
                    f"{terms['authors_term']:.4f}",
                    f"{terms['engagement_term']:.4f}",
                )
            )


_STYLE = """
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:2em;color:#222;
max-width:1000px}
h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.4em;text-align:left;vertical-align:top;font-size:.92em}
.note{background:#fff6e0;border-left:4px solid #e0a800;padding:.5em 1em;margin:1em 0}
.kw{color:#555}.num{text-align:right;white-space:nowrap}
"""


def _notes(loaded: LoadedMessages, now: datetime) -> list[str]:
    notes = []
    if loaded.missing_time:
        notes.append(f"{loaded.missing_time} 条留言没有可用的时间，按运行时间 {_iso(now)} 计入。")
    if loaded.duplicate_ids:
        shown = "、".join(loaded.duplicate_ids[:10])
        notes.append(f"{len(loaded.duplicate_ids)} 条留言编号重复，只保留第一条（{shown}）。")
    if loaded.empty:
        notes.append(f"{loaded.empty} 行没有留言内容，已跳过。")
    if loaded.bad_cells:
        notes.append(
            f"{len(loaded.bad_cells)} 个单元格无法读取（如 {loaded.bad_cells[0]}），按 0 或缺失处理。"
        )
    return notes


def _issue_rows(ranked: list[tuple[Issue, float]], weights: HeatWeights, themes: Collection[int]) -> str:
    rows = []
    for position, (issue, value) in enumerate(ranked, start=1):
        places = "、".join(issue.places) or "—"
        t = heat_terms(issue, weights)
        theme = "<span class=kw>［主题，非具体问题］</span>" if issue.id in themes else ""
        rows.append(
            f"<tr><td class=num>{position}</td><td><b>{escape(issue.title)}</b>{theme}"
            f"<div class=kw>地点：{escape(places)}；关键词：{escape('、'.join(issue.keywords))}</div>"
            f"<div class=kw>代表留言：{escape('、'.join(issue.representative_ids))}</div>"
            f"<div class=kw>热度构成：留言 {t['volume_term']:.2f}（计 {t['posts']:.1f} 条）＋ 人数 "
            f"{t['authors_term']:.2f} ＋ 互动 {t['engagement_term']:.2f}</div></td>"
            f"<td class=num>{value:.2f}</td><td class=num>{issue.size}</td><td class=num>{issue.authors}</td>"
            f"<td class=num>{issue.likes}</td><td class=num>{issue.first_time:%Y-%m-%d}<br>"
            f"{issue.last_time:%Y-%m-%d}</td><td>{timeline_bars(issue.timeline)}</td></tr>"
        )
    return "".join(rows)


def _theme_list(ranked: list[tuple[Issue, float]], themes: Collection[int]) -> str:
    """The themes of the whole ranking in a list of their own (they rank after the concrete issues)."""
    listed = [(position, issue) for position, (issue, _) in enumerate(ranked, start=1) if issue.id in themes]
    if not listed:
        return ""
    items = "".join(
        f"<li>第 {position} 名：{escape(issue.title)}（{issue.size} 条留言，{issue.authors} 人）</li>"
        for position, issue in listed
    )
    return (
        f"<h2>主题（一类问题，非具体问题）</h2><p class=kw>这 {len(listed)} 组留言说的是同一类问题而不是"
        f"同一个具体问题，排在所有具体问题之后。</p><ul>{items}</ul>"
    )


def _formula(w: HeatWeights) -> str:
    decay = f"exp(−距今天数/{w.tau_days:g})" if w.tau_days > 0 else "1（不衰减）"
    return (
        f"热度 = ({w.volume:g}·ln(1+计入留言数) + {w.authors:g}·ln(1+留言人数) + {w.engagement:g}·ln(1+点赞"
        f"+{w.dislikes:g}·反对+2·转发+评论) + {w.growth:g}·近{w.growth_days}日增长) × {decay}；"
        "同一人的 n 条留言计 √n 条，其点赞只计最高的一条；"
        "标为“主题”的是一类问题而非一个具体问题，排在具体问题之后"
    )


def _html(  # noqa: PLR0913 - the page shows all of these
    loaded: LoadedMessages,
    ranked: list[tuple[Issue, float]],
    issues: int,
    now: datetime,
    weights: HeatWeights,
    *,
    themes: Collection[int],
) -> str:
    notes = "".join(f"<p class=note>{escape(note)}</p>" for note in _notes(loaded, now))
    shown = ranked[:HTML_ISSUES]
    chart = heat_bars([(issue.title, value) for issue, value in shown[:10]])
    more = f"（本页列出前 {len(shown)} 个，完整排行见 hot_issues.csv）" if len(ranked) > len(shown) else ""
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>热点问题报告</title><style>{_STYLE}</style></head><body>"
        f"<h1>热点问题报告</h1><p>共读取 {loaded.rows} 行，{len(loaded.messages)} 条留言，"
        f"归为 {issues} 个问题；排行 {len(ranked)} 个{more}。生成时间 {_iso(now)}。</p>{notes}"
        f"<h2>热度排行</h2>{chart}<h2>热点问题</h2><table><thead><tr><th>排名</th><th>问题</th>"
        "<th>热度</th><th>留言数</th><th>留言人数</th><th>点赞数</th><th>起止时间</th><th>每日留言</th>"
        f"</tr></thead><tbody>{_issue_rows(shown, weights, themes)}</tbody></table>"
        f"{_theme_list(ranked, themes)}"
        f"<p class=kw>{escape(_formula(weights))}；见 docs/cli.md（minyi issues detect）。</p></body></html>"
    )


def write_report(  # noqa: PLR0913 - everything the three files are made of
    out: Path,
    loaded: LoadedMessages,
    assignments: Mapping[str, int],
    ranked: list[tuple[Issue, float]],
    *,
    issues: int,
    now: datetime,
    weights: HeatWeights | None = None,
    themes: Collection[int] = (),
) -> None:
    """Write ``assignments.csv``, ``hot_issues.csv`` and ``report.html`` into ``out``.

    ``themes``: ids of the ranked issues that are themes (marked as such in the page).
    """
    out.mkdir(parents=True, exist_ok=True)
    _write_csvs(out, assignments, ranked, weights or HeatWeights())
    (out / "report.html").write_text(
        _html(loaded, ranked, issues, now, weights or HeatWeights(), themes=themes), encoding="utf-8"
    )
