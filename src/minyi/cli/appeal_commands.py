"""``minyi model train-appeal``: retrain the kind-of-appeal model that intake ships with.

The labels are ids only (``file,message_id,kind[,split]``); the texts are looked up in the
message files of ``--data-dir``.  The model is written as a compact ``.npz`` of weights
(no message text); by default over the packaged ``minyi/pipeline/data/appeal_model.npz``,
which every process loads at start.  Bad input ends in one clear sentence, not a traceback.
"""

from __future__ import annotations

import time
from importlib import resources
from pathlib import Path

import click

from minyi.cli.context import CliContext, pass_context
from minyi.cli.i18n import domain_message, t, zh
from minyi.interop.safe_cells import SafeWriter
from minyi.pipeline.appeal_data import AppealDataError, read_corrections, read_label_file, training_set
from minyi.pipeline.appeal_model import DEFAULT_MODEL_RESOURCE
from minyi.pipeline.appeal_training import (
    AppealTrainingError,
    TrainSettings,
    label_weights,
    train_appeal_model,
)


def packaged_model_path() -> Path:
    """Where the packaged appeal model lives (the default ``--out``)."""
    return Path(str(resources.files("minyi.pipeline").joinpath("data", DEFAULT_MODEL_RESOURCE)))


@click.command("train-appeal")
@click.option(
    "--labels",
    "labels_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=t(
        "CSV with file,message_id,kind[,split] (ids only).",
        "列为 file,message_id,kind[,split] 的 CSV（只有编号）。",
    ),
)
@click.option(
    "--data-dir",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help=t(
        "Folder with the message files (附件2/3/4.xlsx, also in its official/ folder).",
        "放留言文件的目录（附件2/3/4.xlsx，也可在其 official/ 子目录中）。",
    ),
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help=t(
        "Model file to write (default: the packaged model that intake loads).",
        "要写入的模型文件（默认：受理时加载的随包模型）。",
    ),
)
@click.option(
    "--exclude",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=t(
        "Label CSV of an evaluation set: its messages (and copies) are never trained on.",
        "评估集的标注 CSV：其中的留言（及其副本）绝不用于训练。",
    ),
)
@click.option(
    "--all-splits",
    is_flag=True,
    help=t(
        "Train on the test split too (default: train split only).",
        "也用 test 部分训练（默认只用 train 部分）。",
    ),
)
@click.option(
    "--weak-weight",
    default=TrainSettings.weak_weight,
    show_default=True,
    type=click.FloatRange(0, 1),
    help=t("Weight of the weak labels.", "弱标注的权重。"),
)
@click.option(
    "--threshold",
    default=TrainSettings.threshold,
    show_default=True,
    type=click.FloatRange(0, 1),
    help=t(
        "Below this calibrated probability the kind is 未能判断 (undetermined).",
        "校准后的概率低于此值时，诉求类型记为 未能判断。",
    ),
)
@click.option(
    "--model",
    "model_name",
    default=TrainSettings.model,
    show_default=True,
    type=click.Choice(["lr", "nbsvm"]),
    help=t(
        "Logistic regression (lr) or linear SVMs on naive-Bayes scaled features (nbsvm).",
        "逻辑回归（lr），或基于朴素贝叶斯缩放特征的线性 SVM（nbsvm）。",
    ),
)
@click.option(
    "--boundary-weight",
    default=TrainSettings.boundary_weight,
    show_default=True,
    type=click.FloatRange(0, 1, min_open=True),
    help=t(
        "Weight of labels drawn where the model hesitated (sample=boundary…).",
        "在模型犹豫处抽取的标注的权重（sample=boundary…）。",
    ),
)
@click.option(
    "--unsure-weight",
    default=TrainSettings.unsure_weight,
    show_default=True,
    type=click.FloatRange(0, 1, min_open=True),
    help=t(
        "Weight of labels marked unsure (confidence=unsure); multiplies the boundary weight.",
        "标为不确定的标注的权重（confidence=unsure）；与边界权重相乘。",
    ),
)
@click.option(
    "--corrections",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=t(
        "Staff corrections of the kind (from `minyi model appeal-corrections`) to train on too.",
        "也用工作人员对诉求类型的更正训练（由 `minyi model appeal-corrections` 写出）。",
    ),
)
@zh("用带标注的留言编号训练诉求类型模型。")
def train_appeal(
    labels_path: Path,
    data_dir: Path,
    out: Path | None,
    exclude: tuple[Path, ...],
    all_splits: bool,
    weak_weight: float,
    threshold: float,
    model_name: str,
    boundary_weight: float,
    unsure_weight: float,
    corrections: tuple[Path, ...],
) -> None:
    """Train the kind-of-appeal model (诉求类型) on labelled message ids."""
    try:
        labels = read_label_file(labels_path)
        held = [row for path in exclude for row in read_label_file(path)]
        splits = ("train", "test", "") if all_splits else ("train", "")
        data = training_set(labels, data_dir, exclude=held, splits=splits)
        for path in corrections:
            pairs, kinds = read_corrections(path)
            data.pairs.extend(pairs)
            data.kinds.extend(kinds)
        settings = TrainSettings(
            model=model_name,
            weak_weight=weak_weight,
            threshold=threshold,
            boundary_weight=boundary_weight,
            unsure_weight=unsure_weight,
        )
        weights = label_weights([r.sample for r in data.rows], [r.confidence for r in data.rows], settings)
        weights += [1.0] * (len(data.kinds) - len(weights))  # the corrections: as sure as a label
        started = time.perf_counter()
        model, report = train_appeal_model(data.pairs, data.kinds, data.unlabelled, settings, weights)
    except (AppealDataError, AppealTrainingError) as exc:
        raise click.ClickException(domain_message(str(exc))) from exc
    target = out or packaged_model_path()
    try:
        model.save(target)
    except OSError as exc:
        raise click.ClickException(t(f"cannot write {target}: {exc}", f"无法写入 {target}：{exc}")) from exc
    seconds = time.perf_counter() - started
    click.echo(
        t(
            f"trained {model.version} on {len(data.kinds)} labelled messages"
            f" ({report['weak_labels']} weak labels, {data.skipped} rows held back)"
            f" in {seconds:.1f}s: {report['features']} features,"
            f" temperature {report['temperature']}, undetermined below {threshold} → {target}",
            f"已训练 {model.version}：{len(data.kinds)} 条带标注的留言"
            f"（弱标注 {report['weak_labels']} 条，留出 {data.skipped} 行），用时 {seconds:.1f} 秒："
            f"{report['features']} 个特征，温度 {report['temperature']}，"
            f"低于 {threshold} 记为未能判断 → {target}",
        )
    )


@click.command("appeal-corrections")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help=t("CSV file to write.", "要写入的 CSV 文件。"),
)
@pass_context
@zh(
    """把工作人员对诉求类型的更正写成训练数据（个人数据已打码）。

    列：title、body、kind（更正后的类型）、predicted（模型当时的判断）、corrected_at。
    ``minyi model train-appeal --corrections 文件`` 可以直接读这个文件。
    """
)
def appeal_corrections(ctx: CliContext, out: Path) -> None:
    """Write staff corrections of the kind of appeal as training data (personal data masked).

    Columns: title, body, kind (the corrected kind), predicted (what the model said),
    corrected_at.  ``minyi model train-appeal --corrections FILE`` reads the file as it is.
    """
    from minyi.cases import kind_corrections  # local: the database layer only for this command

    database = ctx.require_current_schema()
    with database.transaction() as session:
        rows = kind_corrections.correction_rows(session)
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = SafeWriter(handle)
        writer.writerow(["title", "body", "kind", "predicted", "corrected_at"])
        writer.writerows(rows)
    click.echo(
        t(f"wrote {len(rows)} corrections of the kind to {out}", f"已把 {len(rows)} 条诉求类型更正写到 {out}")
    )
