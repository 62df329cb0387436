"""Load labelled messages, train, evaluate and cross-validate the category classifier.

These are the library functions behind the command line.  They never write
anything: a bad file raises :class:`TrainingDataError` with a message that names
the file, the row or line, and the columns found, and the caller saves a model
(atomically, see :meth:`CategoryClassifier.save`) only after training succeeded.

Formats read by :func:`load_labelled`:

* CSV in UTF-8 (with or without BOM) or GB18030/GBK, with a header row, or
  without one when it has exactly two columns ``label,text`` (the layout of
  exports such as ``dev.csv``);
* XLSX (first sheet, first row is the header);
* JSONL (one JSON object per line).

Columns are found by the names given, or else by common names
(``label``/``category``/``一级分类``, ``text``/``content``/``留言详情``,
``title``/``留言主题``).  Title and text are joined, title first: that is the
form the classifier is trained on.
"""

from __future__ import annotations

import csv
import io
import json
import statistics
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from minyi.pipeline.classify import CategoryClassifier

__all__ = [
    "CVReport",
    "EvaluationReport",
    "TrainingDataError",
    "cross_validate",
    "dedup_groups",
    "evaluate",
    "load_labelled",
    "train",
]

_LABEL_NAMES = (
    "label",
    "labels",
    "category",
    "class",
    "department",
    "一级分类",
    "一级标签",
    "分类",
    "类别",
    "部门",
)
_TEXT_NAMES = ("text", "content", "body", "message", "留言详情", "留言内容", "内容", "详情", "正文")
_TITLE_NAMES = ("title", "subject", "留言主题", "主题", "标题")


class TrainingDataError(ValueError):
    """A labelled file cannot be used for training; the message says where and why."""


Row = tuple[int, list[str]]


def _decode(path: Path, data: bytes) -> str:
    """Decode CSV bytes as UTF-8 (BOM optional) or GB18030, or name the first bad line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            line = data.count(b"\n", 0, utf8_error.start) + 1
            raise TrainingDataError(
                f"{path}: line {line} is neither UTF-8 nor GB18030/GBK text; save the file as UTF-8"
            ) from None


def _csv_rows(path: Path) -> Iterator[Row]:
    """Rows of a CSV file with their line numbers."""
    reader = csv.reader(io.StringIO(_decode(path, path.read_bytes()), newline=""))
    for row in reader:
        if any(cell.strip() for cell in row):
            yield reader.line_num, row


def _xlsx_rows(path: Path) -> Iterator[Row]:
    """Rows of the first sheet of an XLSX file with their row numbers."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise TrainingDataError(f"{path}: not a readable XLSX file ({exc})") from exc
    try:
        sheet = book.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            row = ["" if v is None else str(v) for v in values]
            if any(cell.strip() for cell in row):
                yield number, row
    finally:
        book.close()


def _jsonl_rows(path: Path) -> Iterator[Row]:
    """JSONL objects as rows: a header row of keys first, then values, with line numbers."""
    text = _decode(path, path.read_bytes())
    keys: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise TrainingDataError(f"{path}: line {number} is not valid JSON ({exc.msg})") from None
        if not isinstance(record, dict):
            raise TrainingDataError(f"{path}: line {number} is not a JSON object")
        if not keys:
            keys = [str(k) for k in record]
            yield 0, keys
        yield number, ["" if record.get(k) is None else str(record.get(k)) for k in keys]


def _find(header: list[str], wanted: str | None, aliases: Sequence[str]) -> int | None:
    """Index of column ``wanted`` (or of the first alias found); ``None`` when absent."""
    cleaned = [h.strip().lstrip("\ufeff").lower() for h in header]
    for name in [wanted] if wanted else aliases:
        if name.strip().lower() in cleaned:
            return cleaned.index(name.strip().lower())
    return None


def _columns(
    path: Path, header: list[str], text_col: str | None, label_col: str | None, title_col: str | None
) -> tuple[int, int, int | None, bool]:
    """Resolve (text, label, title) column indexes and whether ``header`` is a header row."""
    text_i, label_i = _find(header, text_col, _TEXT_NAMES), _find(header, label_col, _LABEL_NAMES)
    title_i = _find(header, title_col, _TITLE_NAMES)
    if title_col and title_i is None:
        raise TrainingDataError(f"{path}: no title column {title_col!r}; columns found: {header}")
    if text_i is not None and label_i is not None:
        return text_i, label_i, title_i, True
    if text_col or label_col or title_col or len(header) != 2:  # noqa: PLR2004 - label,text
        missing = [
            f"{kind} column {name!r}"
            for kind, name, i in (("text", text_col, text_i), ("label", label_col, label_i))
            if i is None
        ]
        raise TrainingDataError(f"{path}: no {' and no '.join(missing)}; columns found: {header}")
    return 1, 0, None, False


def _reader(path: Path) -> Iterator[Row]:
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return _xlsx_rows(path)
    if suffix in {".jsonl", ".ndjson"}:
        return _jsonl_rows(path)
    return _csv_rows(path)


def load_labelled(
    path: str | Path, text_col: str | None = None, label_col: str | None = None, title_col: str | None = None
) -> tuple[list[str], list[str]]:
    """Read labelled messages from CSV, XLSX or JSONL.

    Returns:
        ``(texts, labels)``; a text is the title (if any) and the body joined by a newline.

    Raises:
        TrainingDataError: unreadable file or bytes, missing columns (the message
            lists the columns found), an empty label or text (the row is named),
            or fewer than two distinct labels.
    """
    source = Path(path)
    if not source.is_file():
        raise TrainingDataError(f"{source}: no such file")
    rows = _reader(source)
    first = next(rows, None)
    if first is None:
        raise TrainingDataError(f"{source}: the file holds no rows")
    text_i, label_i, title_i, has_header = _columns(source, first[1], text_col, label_col, title_col)
    texts: list[str] = []
    labels: list[str] = []
    for number, row in rows if has_header else _chain(first, rows):
        label = _cell(row, label_i)
        if not label:
            raise TrainingDataError(f"{source}: row {number} has an empty label")
        body = _cell(row, text_i)
        title = _cell(row, title_i) if title_i is not None else ""
        if not body and not title:
            raise TrainingDataError(f"{source}: row {number} has an empty text")
        texts.append(f"{title}\n{body}" if title else body)
        labels.append(label)
    if len(set(labels)) < 2:  # noqa: PLR2004 - a classifier needs two classes
        raise TrainingDataError(f"{source}: need at least two different labels, found {sorted(set(labels))}")
    return texts, labels


def _chain(first: Row, rest: Iterator[Row]) -> Iterator[Row]:
    yield first
    yield from rest


def _cell(row: list[str], index: int) -> str:
    return row[index].strip() if index < len(row) else ""


def dedup_groups(texts: Sequence[str]) -> list[int]:
    """Group ids such that texts equal up to whitespace share one id (keeps copies on one side)."""
    seen: dict[str, int] = {}
    return [seen.setdefault("".join(text.split()), len(seen)) for text in texts]


@dataclass(frozen=True)
class EvaluationReport:
    """Scores of a model on labelled texts."""

    labels: list[str]
    precision: dict[str, float]
    recall: dict[str, float]
    f1: dict[str, float]
    support: dict[str, int]
    macro_f1: float
    accuracy: float
    confusion: list[list[int]]
    n: int

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-friendly dictionary."""
        return asdict(self)

    def format_text(self) -> str:
        """Readable table: per-class scores, the averages, then the confusion matrix."""
        width = max([len(label) for label in self.labels] + [8])
        lines = [f"{'class':<{width}}  precision  recall    f1  support"]
        for c in self.labels:
            scores = f"{self.precision[c]:9.3f}  {self.recall[c]:6.3f}  {self.f1[c]:.3f}"
            lines.append(f"{c:<{width}}  {scores}  {self.support[c]:7d}")
        lines.append(f"macro-F1 {self.macro_f1:.4f}   accuracy {self.accuracy:.4f}   n={self.n}")
        lines.append("confusion (rows: true, columns: predicted, same order as above)")
        lines += [" ".join(f"{v:5d}" for v in row) for row in self.confusion]
        return "\n".join(lines)


def evaluate(model: CategoryClassifier, texts: Sequence[str], labels: Sequence[str]) -> EvaluationReport:
    """Score ``model`` on ``texts`` against ``labels``."""
    from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

    truth = [str(label) for label in labels]
    predicted = model.predict(texts)
    names = sorted(set(truth) | set(model.classes_))
    p, r, f, s = precision_recall_fscore_support(truth, predicted, labels=names, zero_division=0)
    present = [i for i, name in enumerate(names) if name in set(truth)]
    return EvaluationReport(
        labels=names,
        precision={n: float(v) for n, v in zip(names, p, strict=True)},
        recall={n: float(v) for n, v in zip(names, r, strict=True)},
        f1={n: float(v) for n, v in zip(names, f, strict=True)},
        support={n: int(v) for n, v in zip(names, s, strict=True)},
        macro_f1=float(sum(f[i] for i in present) / max(len(present), 1)),
        accuracy=float(accuracy_score(truth, predicted)),
        confusion=confusion_matrix(truth, predicted, labels=names).tolist(),
        n=len(truth),
    )


def train(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    holdout: float = 0.0,
    random_state: int = 0,
    **settings: Any,
) -> CategoryClassifier:
    """Fit a :class:`CategoryClassifier` on all the data.

    With ``holdout`` in (0, 1) a stratified share of the (deduplicated) data is
    first held out, scored, and the scores kept in ``model.metrics_`` (and so in
    the saved metadata) before the final fit on everything.
    """
    metrics: dict[str, Any] | None = None
    if 0 < holdout < 1:
        from sklearn.model_selection import StratifiedGroupKFold

        splitter = StratifiedGroupKFold(
            n_splits=max(2, round(1 / holdout)), shuffle=True, random_state=random_state
        )
        fit_idx, test_idx = next(splitter.split(texts, labels, dedup_groups(texts)))
        probe = CategoryClassifier(random_state=random_state, **settings)
        probe.fit([texts[i] for i in fit_idx], [labels[i] for i in fit_idx])
        report = evaluate(probe, [texts[i] for i in test_idx], [labels[i] for i in test_idx])
        metrics = {"holdout": report.to_dict()}
    model = CategoryClassifier(random_state=random_state, **settings).fit(texts, labels)
    model.metrics_ = metrics
    return model


@dataclass(frozen=True)
class CVReport:
    """Cross-validated scores: one value per fold and their mean ± sample standard deviation."""

    macro_f1: list[float]
    accuracy: list[float]
    train_seconds: list[float]
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def macro_f1_mean(self) -> float:
        """Mean macro-F1 over the folds."""
        return statistics.fmean(self.macro_f1)

    @property
    def macro_f1_sd(self) -> float:
        """Sample standard deviation of macro-F1 over the folds."""
        return statistics.stdev(self.macro_f1) if len(self.macro_f1) > 1 else 0.0

    @property
    def accuracy_mean(self) -> float:
        """Mean accuracy over the folds."""
        return statistics.fmean(self.accuracy)

    @property
    def accuracy_sd(self) -> float:
        """Sample standard deviation of accuracy over the folds."""
        return statistics.stdev(self.accuracy) if len(self.accuracy) > 1 else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-friendly dictionary, with the means and deviations."""
        out = asdict(self)
        out.update(
            macro_f1_mean=self.macro_f1_mean,
            macro_f1_sd=self.macro_f1_sd,
            accuracy_mean=self.accuracy_mean,
            accuracy_sd=self.accuracy_sd,
        )
        return out

    def format_text(self) -> str:
        """One readable line."""
        return (
            f"{len(self.macro_f1)}-fold macro-F1 {self.macro_f1_mean:.4f} ± {self.macro_f1_sd:.4f}, "
            f"accuracy {self.accuracy_mean:.4f} ± {self.accuracy_sd:.4f}, "
            f"train {statistics.fmean(self.train_seconds):.1f} s per fold"
        )


def cross_validate(
    texts: Sequence[str],
    labels: Sequence[str],
    folds: int = 5,
    *,
    groups: Sequence[int] | None = None,
    random_state: int = 0,
    **settings: Any,
) -> CVReport:
    """Stratified k-fold cross-validation that keeps duplicates in one fold.

    ``groups`` (e.g. near-duplicate clusters) keep related texts on one side of
    each split; by default exact duplicates (up to whitespace) are grouped.
    """
    from sklearn.model_selection import StratifiedGroupKFold

    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=random_state)
    group_ids = list(groups) if groups is not None else dedup_groups(texts)
    f1s, accs, seconds = [], [], []
    for fit_idx, test_idx in splitter.split(texts, labels, group_ids):
        start = time.perf_counter()
        model = CategoryClassifier(random_state=random_state, **settings)
        model.fit([texts[i] for i in fit_idx], [labels[i] for i in fit_idx])
        seconds.append(time.perf_counter() - start)
        report = evaluate(model, [texts[i] for i in test_idx], [labels[i] for i in test_idx])
        f1s.append(report.macro_f1)
        accs.append(report.accuracy)
    return CVReport(macro_f1=f1s, accuracy=accs, train_seconds=seconds, settings=dict(settings))
