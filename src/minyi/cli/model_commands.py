"""``minyi model``: train, evaluate, register and activate the category classifier."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import click
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from minyi.analysis import services
from minyi.analysis.provider import PipelineProvider
from minyi.cases import routing as routing_corrections
from minyi.cli.context import CliContext, pass_context
from minyi.cli.i18n import cli_language, domain_message, t, zh
from minyi.core.localtime import format_time
from minyi.flows import reclassify
from minyi.interop.safe_cells import SafeWriter
from minyi.pipeline.classify import CategoryClassifier
from minyi.pipeline.routing import DEFAULT_TARGET
from minyi.pipeline.training import TrainingDataError, cross_validate, evaluate, load_labelled, train


def _data_options(function: click.decorators.FC) -> click.decorators.FC:
    for option in reversed(
        [
            click.option(
                "--data",
                "data",
                required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path),
                help=t("Labelled messages (CSV, XLSX or JSONL).", "带标注的留言文件（CSV、XLSX 或 JSONL）。"),
            ),
            click.option(
                "--text-col",
                help=t(
                    "Column with the text (default: recognised, e.g. 留言详情, text).",
                    "正文所在的列（默认自动识别，如 留言详情、text）。",
                ),
            ),
            click.option(
                "--label-col",
                help=t(
                    "Column with the label (default: recognised, e.g. 一级分类, label).",
                    "标注所在的列（默认自动识别，如 一级分类、label）。",
                ),
            ),
            click.option(
                "--title-col",
                help=t(
                    "Column with the title, joined before the text (optional).",
                    "标题所在的列，拼在正文前（可选）。",
                ),
            ),
        ]
    ):
        function = option(function)
    return function


def _load(
    data: Path, text_col: str | None, label_col: str | None, title_col: str | None
) -> tuple[list[str], list[str]]:
    try:
        return load_labelled(data, text_col=text_col, label_col=label_col, title_col=title_col)
    except TrainingDataError as exc:
        raise click.ClickException(domain_message(str(exc))) from exc
    except (OSError, ValueError) as exc:  # anything else about the file: still a message, not a traceback
        raise click.ClickException(
            t(
                f"{data}: cannot be read as labelled messages ({exc})",
                f"{data}：无法作为带标注的留言读取（{exc}）",
            )
        ) from exc


format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help=t("Output format (json: the text, then one JSON line).", "输出格式（json：先文字，再一行 JSON）。"),
)
out_option = click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help=t("The CSV file to write.", "要写入的 CSV 文件。"),
)


@click.group()
@zh("训练、评估和启用分类/承办部门模型。")
def model() -> None:
    """Train, evaluate and activate the category/department classifier."""


@model.command("train")
@_data_options
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help=t("Model file (default: in MINYI_DATA_DIR/models).", "模型文件（默认放在 MINYI_DATA_DIR/models）。"),
)
@click.option(
    "--holdout",
    default=0.2,
    show_default=True,
    type=click.FloatRange(0, 0.5),
    help=t("Share scored before the final fit (0: none).", "最终训练前留出来评分的比例（0：不留）。"),
)
@click.option(
    "--target-precision",
    default=DEFAULT_TARGET,
    show_default=True,
    type=click.FloatRange(0.5, 1, min_open=False, max_open=True),
    help=t(
        "Precision the automatic routing must reach; its threshold is chosen by cross-validation.",
        "自动分派必须达到的准确率；其阈值由交叉验证选定。",
    ),
)
@click.option(
    "--routing-folds",
    default=5,
    show_default=True,
    type=click.IntRange(0, 20),
    help=t(
        "Folds for choosing the routing threshold (0: choose none, route by MINYI_ROUTE_CONFIDENCE).",
        "选择分派阈值用的折数（0：不选，按 MINYI_ROUTE_CONFIDENCE 分派）。",
    ),
)
@click.option(
    "--activate",
    is_flag=True,
    help=t("Register the model and make it the active one.", "登记模型并把它设为当前模型。"),
)
@pass_context
@zh(
    """用带标注的 CSV、XLSX 或 JSONL 文件训练分类器并保存。

    ``--target-precision`` 的分派阈值按训练数据的折外置信度选定（多训练 5 次：约为训练时间的 5 倍）。
    """
)
def train_command(
    ctx: CliContext,
    data: Path,
    text_col: str | None,
    label_col: str | None,
    title_col: str | None,
    out: Path | None,
    holdout: float,
    target_precision: float,
    routing_folds: int,
    activate: bool,
) -> None:
    """Train a classifier on a labelled CSV, XLSX or JSONL file and save it.

    The routing threshold for ``--target-precision`` is chosen on out-of-fold
    confidences of the training data (5 more fits: about 5 times the training time).
    """
    texts, labels = _load(data, text_col, label_col, title_col)
    started = time.perf_counter()
    try:
        classifier = train(
            texts,
            labels,
            holdout=holdout,
            target_precision=target_precision if routing_folds >= 2 else None,  # noqa: PLR2004
            routing_folds=routing_folds,
        )
    except ValueError as exc:
        raise click.ClickException(
            t(f"{data}: cannot train on this file ({exc})", f"{data}：无法用这个文件训练（{exc}）")
        ) from exc
    seconds = time.perf_counter() - started
    target = out or ctx.settings.data_dir / "models" / f"category-{classifier.version_}.skops"
    target.parent.mkdir(parents=True, exist_ok=True)
    meta_path = classifier.save(target)
    version, classes = classifier.version_, len(set(labels))
    click.echo(
        t(
            f"trained {version} on {len(texts)} messages, {classes} classes in {seconds:.1f}s → {target}",
            f"已训练 {version}：{len(texts)} 条留言，{classes} 个类别，用时 {seconds:.1f} 秒 → {target}",
        )
    )
    holdout_scores = (classifier.metrics_ or {}).get("holdout")
    if holdout_scores:
        f1, accuracy = holdout_scores["macro_f1"], holdout_scores["accuracy"]
        click.echo(
            t(
                f"held-out macro-F1 {f1:.4f}, accuracy {accuracy:.4f}",
                f"留出集 macro-F1 {f1:.4f}，准确率 {accuracy:.4f}",
            )
        )
    _echo_routing(classifier.routing_)
    if activate:
        _register_and_activate(ctx, target, meta_path)
    else:
        click.echo(
            t(
                f"not activated: `minyi model evaluate --model {version}`, then train with --activate",
                f"未启用：先运行 `minyi model evaluate --model {version}`，再加 --activate 训练",
            )
        )


def _echo_routing(routing: dict[str, Any] | None) -> None:
    if not routing:
        return
    target = routing["target_precision"]
    if routing["threshold"] is None:
        click.echo(
            t(
                f"routing: no threshold reaches precision {target:.2%} in cross-validation; "
                "nothing is routed",
                f"分派：交叉验证中没有阈值能达到准确率 {target:.2%}；不自动分派",
            )
        )
        return
    threshold, coverage, precision = routing["threshold"], routing["cv_coverage"], routing["cv_precision"]
    click.echo(
        t(
            f"routing threshold {threshold:.4f} for precision {target:.2%}: in cross-validation "
            f"{coverage:.1%} routed automatically at precision {precision:.2%}",
            f"分派阈值 {threshold:.4f}（目标准确率 {target:.2%}）：交叉验证中 {coverage:.1%} 自动分派，"
            f"准确率 {precision:.2%}",
        )
    )
    if "expected_coverage" in routing:  # models trained before it was measured lack it
        coverage, precision = routing["expected_coverage"], routing["expected_precision"]
        click.echo(
            t(
                "expected on new messages (the threshold chosen without them, nested cross-validation): "
                f"{coverage:.1%} routed at precision {precision:.2%}",
                "新留言上的预期（阈值在没有它们时选定，嵌套交叉验证）："
                f"{coverage:.1%} 自动分派，准确率 {precision:.2%}",
            )
        )


def _register_and_activate(ctx: CliContext, target: Path, meta_path: Path) -> None:
    metadata = json.loads(meta_path.read_text(encoding="utf-8"))
    database = ctx.require_current_schema()
    with database.transaction() as session:
        record = services.register(session, target, metadata)
        services.activate(session, record.version)
    click.echo(t(f"active model: {record.version}", f"当前模型：{record.version}"))
    _reclassify(ctx, batch=500)


def _resolve_model(ctx: CliContext, name: str) -> Path:
    path = Path(name)
    if path.exists():
        return path
    database = ctx.require_current_schema()
    with database.transaction() as session:
        matches = [Path(r.path) for r in services.list_models(session) if r.version.startswith(name)]
    if not matches:  # trained without --activate: its file is in the models folder, named by version
        matches = sorted((ctx.settings.data_dir / "models").glob(f"category-{name}*.skops"))
    if len(matches) != 1:
        raise click.ClickException(
            t(
                f"{name!r} is neither a model file nor one trained version "
                "(`minyi model list` shows the registered ones; a .skops file can be given by its path)",
                f"{name!r} 既不是模型文件，也不是唯一的一个已训练版本"
                "（`minyi model list` 列出已登记的版本；.skops 文件可以直接给路径）",
            )
        )
    return matches[0]


@model.command("evaluate")
@click.option(
    "--model",
    "model_name",
    required=True,
    help=t("Model file, or a registered version.", "模型文件或已登记的版本。"),
)
@_data_options
@format_option
@pass_context
@zh("在带标注的数据上为模型评分：各类的 P/R/F1、macro-F1、准确率、混淆矩阵。")
def evaluate_command(
    ctx: CliContext,
    model_name: str,
    data: Path,
    text_col: str | None,
    label_col: str | None,
    title_col: str | None,
    fmt: str,
) -> None:
    """Score a model on labelled data: per-class P/R/F1, macro-F1, accuracy, confusion matrix."""
    classifier = _load_model(_resolve_model(ctx, model_name))
    texts, labels = _load(data, text_col, label_col, title_col)
    report = evaluate(classifier, texts, labels)
    click.echo(report.format_text(cli_language()))
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False))


def _load_model(path: Path | str) -> CategoryClassifier:
    """The model at ``path``, or a clear error (wrong format, missing file) instead of a traceback."""
    try:
        return CategoryClassifier.load(path)
    except FileNotFoundError as exc:  # a file that is not a model has no metadata beside it
        name, missing = Path(path).name, Path(exc.filename or path).name
        raise click.ClickException(
            t(
                f"{name} is not a model (a .skops file written by `minyi model train`): {missing} is missing",
                f"{name} 不是模型（应是 `minyi model train` 写出的 .skops 文件）：缺少 {missing}",
            )
        ) from exc
    except (OSError, ValueError) as exc:
        raise click.ClickException(domain_message(str(exc))) from exc


@model.command("cross-validate")
@_data_options
@click.option(
    "--folds", default=5, show_default=True, type=click.IntRange(2, 20), help=t("Folds.", "交叉验证的折数。")
)
@format_option
@zh("交叉验证训练方法（重复的留言放在同一折里）。")
def cross_validate_command(
    data: Path, text_col: str | None, label_col: str | None, title_col: str | None, folds: int, fmt: str
) -> None:
    """Cross-validate the training recipe (duplicates kept within one fold)."""
    texts, labels = _load(data, text_col, label_col, title_col)
    report = cross_validate(texts, labels, folds=folds)
    click.echo(
        f"macro-F1 {report.macro_f1_mean:.4f} ± {report.macro_f1_sd:.4f}, "
        + t("accuracy", "准确率")
        + f" {report.accuracy_mean:.4f} ± {report.accuracy_sd:.4f} "
        + t(f"over {folds} folds", f"（{folds} 折）")
    )
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False))


@model.command("list")
@pass_context
@zh("列出已登记的模型；* 标出当前模型。")
def list_command(ctx: CliContext) -> None:
    """List registered models; * marks the active one."""
    database = ctx.require_current_schema()
    with database.transaction() as session:
        records = services.list_models(session)
        if not records:
            click.echo(
                t(
                    "no registered model: keyword rules from the category tree route (`minyi model train`)",
                    "没有已登记的模型：按分类树的关键词规则分派（`minyi model train`）",
                )
            )
        for record in records:
            mark = "*" if record.is_active else " "
            f1 = (record.metrics.get("holdout") or {}).get("macro_f1")
            score = f"macro-F1 {f1:.4f}" if isinstance(f1, float) else ""
            click.echo(
                f"{mark} {record.version}\t{format_time(record.created_at)}\t"
                f"n={record.training_size}\t{score}\t{record.path}"
            )


@model.command("activate")
@click.argument("model_name", metavar=t("MODEL_NAME", "模型"))
@click.option(
    "--reclassify/--no-reclassify",
    default=True,
    show_default=True,
    help=t("Re-classify stored messages.", "重新分类已保存的留言。"),
)
@pass_context
@zh("把参数“模型”（模型文件或已登记的版本）设为当前分类器。")
def activate_command(ctx: CliContext, model_name: str, reclassify: bool) -> None:
    """Make MODEL_NAME (a model file, or a registered version) the active classifier."""
    path = Path(model_name)
    if path.exists():
        meta_path = path.with_name(path.name + ".json")
        if not meta_path.exists():
            raise click.ClickException(
                t(f"{meta_path} (the model's metadata) is missing", f"缺少 {meta_path}（模型的元数据）")
            )
        metadata = json.loads(meta_path.read_text(encoding="utf-8"))
        database = ctx.require_current_schema()
        with database.transaction() as session:
            model_name = services.register(session, path, metadata).version
    database = ctx.require_current_schema()
    with database.transaction() as session:
        try:
            record = services.activate(session, model_name)
        except services.ModelRegistryError as exc:
            raise click.ClickException(domain_message(str(exc))) from exc
        click.echo(t(f"active model: {record.version}", f"当前模型：{record.version}"))
    if reclassify:
        _reclassify(ctx, batch=500)


def _reclassify(ctx: CliContext, batch: int) -> None:
    database = ctx.require_current_schema()
    provider = PipelineProvider(ctx.settings)
    after, total = "", 0
    columns = [
        TextColumn(t("[bold]re-classifying", "[bold]正在重新分类")),
        BarColumn(),
        TextColumn(t("{task.completed}/{task.total} messages", "{task.completed}/{task.total} 条留言")),
        TimeElapsedColumn(),
    ]
    with database.transaction() as session:
        todo = reclassify.pending(session, provider.get(session))
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("reclassify", total=todo or None)
        while True:
            with database.transaction() as session:
                done, after = reclassify.reclassify_batch(session, provider.get(session), after, batch)
            total += done
            bar.update(task, completed=total)
            if done < batch:
                break
    click.echo(t(f"re-classified {total} messages", f"重新分类了 {total} 条留言"))


@model.command("reclassify")
@click.option(
    "--batch",
    default=500,
    show_default=True,
    type=click.IntRange(1, 10_000),
    help=t("Messages per transaction.", "每个事务处理的留言数。"),
)
@pass_context
@zh("分批重新分类那些由非当前模型分类的已保存留言。")
def reclassify_command(ctx: CliContext, batch: int) -> None:
    """Re-classify, in batches, stored messages classified by another model than the active one."""
    _reclassify(ctx, batch)


@model.command("export-training")
@out_option
@pass_context
@zh("把人定下的分类（工作人员的更正、市民的选择）写成训练数据。")
def export_training(ctx: CliContext, out: Path) -> None:
    """Write the categories people set (staff corrections, citizens' choices) as training data."""
    database = ctx.require_current_schema()
    with database.transaction() as session:
        rows = reclassify.training_rows(session)
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = SafeWriter(handle)
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    click.echo(
        t(f"wrote {len(rows)} labelled messages to {out}", f"已把 {len(rows)} 条带标注的留言写到 {out}")
    )


@model.command("corrections")
@out_option
@pass_context
@zh(
    """把分派员对自动分派的更正写成训练数据（个人数据已打码）。

    列：text、label（更正后的一级分类）、predicted（模型当时的判断）、corrected_at。
    ``minyi model train`` 可以直接读这个文件。
    """
)
def corrections_command(ctx: CliContext, out: Path) -> None:
    """Write dispatchers' corrections of automatic routing as training data (personal data masked).

    Columns: text, label (the corrected first-level category), predicted (what the model
    said), corrected_at.  ``minyi model train`` reads the file as it is.
    """
    database = ctx.require_current_schema()
    with database.transaction() as session:
        rows = routing_corrections.correction_rows(session)
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = SafeWriter(handle)
        writer.writerow(["text", "label", "predicted", "corrected_at"])
        writer.writerows(rows)
    click.echo(t(f"wrote {len(rows)} routing corrections to {out}", f"已把 {len(rows)} 条分派更正写到 {out}"))


from minyi.cli.appeal_commands import appeal_corrections, train_appeal  # noqa: E402 - its own module

model.add_command(train_appeal)
model.add_command(appeal_corrections)
