"""Read appeal labels (ids only) and the message texts they point to.

Label files hold ``file,message_id,kind[,split]``; the texts stay in the message files
(``附件2/3/4.xlsx`` of a data directory, with ``留言编号``, ``留言主题``, ``留言详情``) and
are never copied next to the labels.  Every problem is a :class:`AppealDataError` naming
the file, the line and what was found, never a traceback.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from minyi.pipeline.appeal import KINDS

__all__ = [
    "AppealDataError",
    "LabelRow",
    "find_message_file",
    "read_corrections",
    "read_label_file",
    "read_messages",
]

_ID, _TITLE, _BODY = "留言编号", "留言主题", "留言详情"
_REQUIRED = ("file", "message_id", "kind")
_ALIASES = {
    "附件2": ("附件2", "附件2（测试数据）"),
    "附件2测试": ("附件2（测试数据）", "附件2测试"),
}
_SPLITS = ("train", "test", "")


class AppealDataError(ValueError):
    """A label or message file that cannot be used; the text says why."""


@dataclass(frozen=True)
class LabelRow:
    """One labelled message: which file, which id, which kind, which split, how it was drawn."""

    file: str
    message_id: str
    kind: str
    split: str
    line: int
    sample: str = "random"  # how it was drawn: "keyword" rows are not a random sample
    confidence: str = "sure"  # the annotator's "unsure": another kind was defensible


def read_label_file(path: Path) -> list[LabelRow]:
    """The rows of a label CSV (UTF-8), checked.

    Raises:
        AppealDataError: unreadable file, missing columns, an unknown kind or split.
    """
    rows = _checked_rows(path, _REQUIRED, "file,message_id,kind and optionally split", "label")
    return list(_label_rows(path, rows))


#: (line, row) pairs of a CSV file, keys and values stripped.
Rows = list[tuple[int, dict[str, str]]]


def _checked_rows(path: Path, required: tuple[str, ...], expected: str, what: str) -> Rows:
    """(line, row with stripped keys and values) of a UTF-8 CSV that has the ``required`` columns.

    Both files ``train-appeal`` reads refuse the same way: the missing columns with those
    found and what was expected, or the reason the file cannot be read.
    """
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            columns = [c.strip() for c in reader.fieldnames or []]
            missing = [c for c in required if c not in columns]
            if missing:
                raise AppealDataError(
                    f"{path}: columns {', '.join(missing)} missing; found {', '.join(columns) or 'none'}"
                    f" (expected {expected})"
                )
            return [
                (line, {(k or "").strip(): (v or "").strip() for k, v in raw.items()})
                for line, raw in enumerate(reader, start=2)
            ]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise AppealDataError(f"{path}: cannot read the {what} file ({exc})") from exc


def _label_rows(path: Path, rows: Rows) -> Iterator[LabelRow]:
    for line, row in rows:
        kind, split = row.get("kind", ""), row.get("split", "")
        if kind not in KINDS:
            raise AppealDataError(
                f"{path}, line {line}: unknown kind {kind!r}; the kinds are {', '.join(KINDS)}"
            )
        if split not in _SPLITS:
            raise AppealDataError(f"{path}, line {line}: split is train or test, not {split!r}")
        if not row["file"] or not row["message_id"]:
            raise AppealDataError(f"{path}, line {line}: file and message_id are required")
        yield LabelRow(
            row["file"],
            row["message_id"],
            kind,
            split,
            line,
            row.get("sample") or "random",
            row.get("confidence") or "sure",
        )


def find_message_file(data_dir: Path, name: str) -> Path:
    """``name.xlsx`` in ``data_dir`` or its ``official/`` folder (附件2 also as 附件2（测试数据）)."""
    for candidate in _ALIASES.get(name, (name,)):
        for folder in (data_dir / "official", data_dir):
            path = folder / f"{candidate}.xlsx"
            if path.is_file():
                return path
    raise AppealDataError(f"no message file {name}.xlsx in {data_dir} or {data_dir / 'official'}")


def read_messages(path: Path) -> dict[str, tuple[str, str]]:
    """留言编号 → (留言主题, 留言详情) of one XLSX file (first sheet, header in the first row)."""
    import openpyxl  # local: only training and benchmarks read spreadsheets

    try:
        book = openpyxl.load_workbook(path, read_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad file
        raise AppealDataError(f"{path}: not a readable XLSX file ({exc})") from exc
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
        if any(c not in header for c in (_ID, _TITLE, _BODY)):
            raise AppealDataError(
                f"{path}: needs columns {_ID}, {_TITLE}, {_BODY}; found {', '.join(header)}"
            )
        i_id, i_title, i_body = (header.index(c) for c in (_ID, _TITLE, _BODY))
        out: dict[str, tuple[str, str]] = {}
        for row in rows:
            if row[i_id] is None:
                continue
            out[str(row[i_id]).strip()] = (str(row[i_title] or "").strip(), str(row[i_body] or "").strip())
        return out
    finally:
        book.close()


@dataclass
class TrainingSet:
    """Normalised texts for :func:`~minyi.pipeline.appeal_training.train_appeal_model`.

    Attributes:
        pairs: ``(title, body)`` of the labelled messages used for training.
        kinds: their labels.
        unlabelled: the other messages of the same files (for weak labels), without the
            excluded ones and without exact copies of them.
        skipped: labelled rows left out (not in ``splits``, or a copy of an excluded text).
        rows: the label rows of ``pairs``, in order (how each was drawn, how sure it is).
    """

    pairs: list[tuple[str, str]]
    kinds: list[str]
    unlabelled: list[tuple[str, str]]
    skipped: int
    rows: list[LabelRow] = field(default_factory=list)


def _text_key(pair: tuple[str, str]) -> str:
    return "".join((pair[0] + pair[1]).split())


def training_set(
    labels: list[LabelRow],
    data_dir: Path,
    *,
    exclude: list[LabelRow] = [],  # noqa: B006 - read only
    splits: tuple[str, ...] = ("train", ""),
) -> TrainingSet:
    """The labelled rows of ``splits`` with their normalised texts, and the unlabelled rest.

    Messages in ``exclude`` (evaluation sets) and in the labelled rows of other splits are
    never trained on, nor are exact copies of their texts under another id.

    Raises:
        AppealDataError: a missing message file or a label pointing to no message.
    """
    from minyi.pipeline.normalize import TextNormalizer

    normalizer = TextNormalizer().fit()
    names = sorted({r.file for r in labels} | {r.file for r in exclude})
    corpus: dict[tuple[str, str], tuple[str, str]] = {}
    for name in names:
        for mid, (title, body) in read_messages(find_message_file(data_dir, name)).items():
            corpus[(name, mid)] = (normalizer.transform_one(title).text, normalizer.transform_one(body).text)
    for row in labels:
        if (row.file, row.message_id) not in corpus:
            raise AppealDataError(f"line {row.line}: no message {row.message_id} in {row.file}")
    held = [r for r in labels if r.split not in splits] + list(exclude)
    held_texts = {_text_key(corpus[(r.file, r.message_id)]) for r in held if (r.file, r.message_id) in corpus}
    held_texts.discard("")
    used = [r for r in labels if r.split in splits]
    kept = [r for r in used if _text_key(corpus[(r.file, r.message_id)]) not in held_texts]
    labelled = {(r.file, r.message_id) for r in labels}
    unlabelled = [p for k, p in corpus.items() if k not in labelled and _text_key(p) not in held_texts]
    return TrainingSet(
        [corpus[(r.file, r.message_id)] for r in kept],
        [r.kind for r in kept],
        unlabelled,
        len(labels) - len(kept),
        kept,
    )


CORRECTION_COLUMNS = ("title", "body", "kind")


def read_corrections(path: Path) -> tuple[list[tuple[str, str]], list[str]]:
    """The (title, body) pairs and kinds of a corrections file (``minyi model appeal-corrections``).

    Unlike a label file it carries the texts (masked), because they come from the office's
    own database, not from shared message files.

    Raises:
        AppealDataError: unreadable file, missing columns, an unknown kind, an empty text.
    """
    expected = "title,body,kind as `minyi model appeal-corrections` writes them"
    pairs, kinds = [], []
    for line, row in _checked_rows(path, CORRECTION_COLUMNS, expected, "corrections"):
        if row["kind"] not in KINDS:
            raise AppealDataError(
                f"{path}, line {line}: unknown kind {row['kind']!r}; the kinds are {', '.join(KINDS)}"
            )
        if not row["title"] and not row["body"]:
            raise AppealDataError(f"{path}, line {line}: title and body are both empty")
        pairs.append((row["title"], row["body"]))
        kinds.append(row["kind"])
    return pairs, kinds
