"""``minyi issues``: find hot issues in a file of messages (offline, no database)."""

from __future__ import annotations

import functools
import gc
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import ParamSpec, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from minyi.cli.context import CliContext, pass_context, timezone_option, without_settings
from minyi.cli.i18n import domain_message, t, zh
from minyi.interop.tabular import ImportFileError
from minyi.issues.detect.cluster import IssueDetector
from minyi.issues.detect.heat import HeatWeights
from minyi.issues.detect.issue import IssueMessage, timestamp
from minyi.issues.detect.theme import rank_concrete
from minyi.issues.report import LoadedMessages, load_messages, write_report
from minyi.issues.weights import parse_weights

P = ParamSpec("P")
R = TypeVar("R")


def _parse_map(pairs: tuple[str, ...]) -> dict[str, str]:
    parsed = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(
                t(f"expected FIELD=COLUMN, got {pair!r}", f"应写成 字段=列名，实际是 {pair!r}"),
                param_hint="--map",
            )
        parsed[name.strip()] = value.strip()
    return parsed


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(
            t(f"unknown timezone {name!r}", f"未知的时区 {name!r}"), param_hint="--tz"
        ) from None


def _cyclic_gc_paused(function: Callable[P, R]) -> Callable[P, R]:
    """Run ``function`` with Python's cyclic garbage collector paused, then restore it.

    A run of ``issues detect`` makes next to no cyclic garbage (384 objects collected on
    附件3), but allocates enough for about 500 collections, which walk the messages and the
    detector's growing state again and again: 0.16 s of the command's 2.6 s of CPU on 附件3
    (timed with gc.callbacks), for the same peak memory without them. Reference counting
    still frees everything else as it goes.
    """

    @functools.wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return paused


@click.group()
@zh("热点问题：把说同一个具体问题的留言归为一组，按热度排序。")
def issues() -> None:
    """Hot issues: group messages about one concrete problem and rank them by heat."""


weight_option = click.option(
    "--weight",
    "weight_pairs",
    multiple=True,
    metavar=t("NAME=VALUE", "名称=值"),
    help=t(
        "Change one heat weight, e.g. authors=1.5 (repeatable; names in docs/cli.md).",
        "修改一项热度权重，如 authors=1.5（可重复；名称见 docs/cli.md）。",
    ),
)


@without_settings  # a file in, files out: see context.without_settings
@issues.command("detect")
@click.option(
    "--input",
    "input_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=t("CSV, TSV, XLSX or JSONL file of messages.", "留言文件：CSV、TSV、XLSX 或 JSONL。"),
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help=t("Output directory.", "输出目录。"),
)
@click.option(
    "--min-size",
    default=3,
    show_default=True,
    type=click.IntRange(1),
    help=t("Smallest issue ranked.", "参与排名的问题至少有几条留言。"),
)
@click.option(
    "--top",
    type=click.IntRange(1),
    help=t(
        "Keep only the N hottest issues (default: every issue ranked).",
        "只保留最热的 N 个问题（默认：全部）。",
    ),
)
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar=t("FIELD=COLUMN", "字段=列名"),
    help=t("Map a field to a column, e.g. body=内容.", "把字段对应到一列，如 body=内容。"),
)
@click.option("--sheet", help=t("XLSX sheet name (default: the first).", "XLSX 工作表名称（默认：第一张）。"))
@click.option(
    "--encoding",
    help=t("Text encoding (default: UTF-8, else GB18030).", "文本编码（默认 UTF-8，不行再试 GB18030）。"),
)
@timezone_option
@click.option(
    "--decay-days",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0),
    help=t(
        "Heat decay time τ in days (0: rank the file's whole period without decay).",
        "热度衰减时间 τ，单位天（0：不衰减，按文件的整个时段排名）。",
    ),
)
@weight_option
@_cyclic_gc_paused
@zh("找出文件中的热点问题并按热度排序；写出归属表、排名和一份 HTML 报告。")
def detect(
    input_path: Path,
    out_dir: Path,
    min_size: int,
    top: int | None,
    maps: tuple[str, ...],
    sheet: str | None,
    encoding: str | None,
    tz: str,
    decay_days: float,
    weight_pairs: tuple[str, ...],
) -> None:
    """Detect and rank the hot issues of a file; write assignments, ranking and an HTML report."""
    try:  # before the work, not after it: a folder that cannot be made is said at once
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise click.ClickException(
            t(f"{out_dir}: cannot be written ({exc.strerror})", f"{out_dir}：无法写入（{exc.strerror}）")
        ) from None
    zone = _zone(tz)
    weights = _weights(weight_pairs, replace(HeatWeights(), tau_days=decay_days))
    now = datetime.now(zone).replace(microsecond=0)
    try:
        loaded = load_messages(
            input_path, mapping=_parse_map(maps), zone=zone, now=now, sheet=sheet, encoding=encoding
        )
    except ImportFileError as exc:
        raise click.ClickException(domain_message(str(exc))) from exc
    if not loaded.messages:
        raise click.ClickException(
            t(
                f"{input_path.name}: no message with text to analyse ({loaded.rows} rows read)",
                f"{input_path.name}：没有可以分析的留言文字（读取了 {loaded.rows} 行）",
            )
        )
    detector = IssueDetector().reset()
    _assign_all(detector, sorted(loaded.messages, key=lambda m: timestamp(m.when)))
    detector.consolidate()
    found = detector.issues()
    # detector.assignments() from the issues already summarised (it would summarise them again)
    assignments = {message_id: issue.id for issue in found for message_id in issue.message_ids}
    dated = [m.when for m in loaded.messages if m.when is not now]
    eligible = [issue for issue in found if issue.size >= min_size]
    end = max(dated) if dated else None
    first_id = max((issue.id for issue in found), default=0) + 1  # parts of themes: ids no issue has
    ranking = rank_concrete(
        eligible, loaded.messages, min_size=min_size, period_end=end, weights=weights, first_id=first_id
    )
    ranked = ranking.ranked[:top]  # None: all
    assignments |= ranking.moved
    issues_found = len(found) + len(set(ranking.moved.values()))  # the parts split out of themes
    try:
        write_report(
            out_dir,
            loaded,
            {m.message_id: assignments[m.message_id] for m in loaded.messages},
            ranked,
            issues=issues_found,
            now=now,
            weights=weights,
            themes=ranking.themes,
        )
    except OSError as exc:
        raise click.ClickException(
            t(f"{out_dir}: cannot be written ({exc.strerror})", f"{out_dir}：无法写入（{exc.strerror}）")
        ) from None
    _summary(loaded, issues_found, len(ranked), out_dir)


def _assign_all(detector: IssueDetector, ordered: Sequence[IssueMessage]) -> None:
    """Assign the messages in time order, with a progress bar on a terminal.

    Off a terminal rich draws nothing for a transient bar, so it is not imported there
    (0.05 s of start-up, e.g. in scripts and benchmarks).
    """
    if not (sys.stdout.isatty() or os.environ.get("FORCE_COLOR") or os.environ.get("FORCE_TERMINAL")):
        for message in ordered:
            detector.assign(message)
        return
    from rich.progress import (  # local: see above
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = [TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task(t("assigning messages to issues", "正在把留言归入问题"), total=len(ordered))
        for message in ordered:
            detector.assign(message)
            bar.advance(task)


def _weights(pairs: tuple[str, ...], base: HeatWeights) -> HeatWeights:
    try:
        return parse_weights(pairs, base)
    except ValueError as exc:
        raise click.BadParameter(domain_message(str(exc)), param_hint="--weight") from exc


def _summary(loaded: LoadedMessages, issues_found: int, ranked: int, out_dir: Path) -> None:
    messages = len(loaded.messages)
    click.echo(
        t(
            f"{loaded.rows} rows read, {messages} messages, {issues_found} issues, {ranked} ranked",
            f"读取 {loaded.rows} 行，{messages} 条留言，{issues_found} 个问题，{ranked} 个参与排名",
        )
    )
    if loaded.missing_time:
        missing = loaded.missing_time
        click.echo(
            t(
                f"  {missing} messages had no usable time: the time of this run was used",
                f"  {missing} 条留言没有可用的时间：按本次运行的时间计",
            )
        )
    if loaded.duplicate_ids:
        shown, count = ", ".join(loaded.duplicate_ids[:10]), len(loaded.duplicate_ids)
        click.echo(
            t(
                f"  warning: {count} duplicate ids, first row kept: {shown}",
                f"  警告：{count} 个编号重复，保留第一行：{shown}",
            )
        )
    if loaded.empty:
        click.echo(t(f"  {loaded.empty} rows without text skipped", f"  跳过 {loaded.empty} 行没有文字的行"))
    files = f"{out_dir / 'assignments.csv'}, {out_dir / 'hot_issues.csv'}, {out_dir / 'report.html'}"
    click.echo(t(f"written: {files}", f"已写出：{files}"))


@issues.command("refresh")
@click.option(
    "--days",
    default=90,
    show_default=True,
    type=click.IntRange(1, 3650),
    help=t("Messages of this many days.", "取最近这么多天的留言。"),
)
@click.option(
    "--min-size",
    default=3,
    show_default=True,
    type=click.IntRange(2, 10_000),
    help=t("Smallest stored issue.", "保存的问题至少有几条留言。"),
)
@weight_option
@pass_context
@zh("在已保存的留言中找出热点问题并保存（编号稳定，按热度排序）。")
def refresh(ctx: CliContext, days: int, min_size: int, weight_pairs: tuple[str, ...]) -> None:
    """Detect hot issues among stored messages and store them (stable ids, ranked by heat)."""
    from minyi.issues.services import refresh as run_refresh  # local: the database layer, only here

    weights = _weights(weight_pairs, parse_weights(ctx.settings.heat_weights))
    database = ctx.require_current_schema()
    with database.transaction() as session:
        report = run_refresh(session, days=days, min_size=min_size, weights=weights)
    click.echo(
        t(
            f"{report.issues} hot issues from {report.messages} messages "
            f"({report.created} new, {report.archived} archived)",
            f"从 {report.messages} 条留言中得到 {report.issues} 个热点问题"
            f"（新增 {report.created} 个，归档 {report.archived} 个）",
        )
    )
