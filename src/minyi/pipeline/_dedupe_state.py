"""Saving and restoring the index of :class:`~minyi.pipeline.dedupe.DuplicateDetector`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from minyi.pipeline._dedupe_types import Group

if TYPE_CHECKING:
    from minyi.pipeline.dedupe import DuplicateDetector

__all__ = ["STATE_VERSION", "check_version", "load", "restore", "save", "state_dict"]

STATE_VERSION = 1
_META = ("version", "settings", "ids", "authors", "keys", "newest", "next_group")
_ARRAYS = ("when", "key_hash", "group", "signatures")

D = TypeVar("D", bound="DuplicateDetector")


def check_version(state: dict[str, Any]) -> None:
    """Refuse a state written by another version of the format."""
    if state.get("version") != STATE_VERSION:
        raise ValueError(f"unsupported dedupe state version {state.get('version')!r}")


def state_dict(detector: DuplicateDetector) -> dict[str, Any]:
    """Settings, live items in insertion order and groups of a ready ``detector``."""
    ring = detector.ring_
    order = sorted(detector.seq_of_, key=detector.seq_of_.__getitem__)
    slots = np.asarray([ring.slot(detector.seq_of_[item_id]) for item_id in order], dtype=np.int64)
    return {
        "version": STATE_VERSION,
        "settings": detector.get_params(),
        "ids": [detector.ids_[slot] for slot in slots.tolist()],
        "authors": [detector.authors_[slot] for slot in slots.tolist()],
        "keys": [detector.keys_[slot] for slot in slots.tolist()],
        "when": ring.when[slots].copy(),
        "key_hash": ring.key_hash[slots].copy(),
        "group": ring.group[slots].copy(),
        "signatures": ring.signatures[slots].copy(),
        "newest": detector.newest_,
        "next_group": detector.next_group_,
    }


def restore(detector: D, state: dict[str, Any]) -> D:
    """Fill the freshly reset ``detector`` from ``state`` (see :func:`state_dict`)."""
    count = len(state["ids"])
    ring = detector.ring_
    while ring.capacity < count:
        ring._grow()  # noqa: SLF001 - same package, empty ring
    detector.ids_ = [*state["ids"], *[None] * (ring.capacity - count)]
    detector.authors_ = [*state["authors"], *[None] * (ring.capacity - count)]
    detector.keys_ = [*state["keys"], *[""] * (ring.capacity - count)]
    ring.signatures[:count] = state["signatures"]
    ring.when[:count], ring.key_hash[:count] = state["when"], state["key_hash"]
    ring.group[:count], ring.alive[:count] = state["group"], True
    ring.next = count
    ring.relink()
    detector.seq_of_ = {item_id: seq for seq, item_id in enumerate(state["ids"])}
    detector.exact_ = {int(h): seq for seq, h in enumerate(state["key_hash"].tolist())}
    for seq, group_id in enumerate(state["group"].tolist()):
        if group_id >= 0:
            detector.groups_.setdefault(group_id, Group()).add(state["ids"][seq], state["authors"][seq])
    detector.newest_, detector.next_group_ = float(state["newest"]), int(state["next_group"])
    return detector


def save(state: dict[str, Any], path: Path) -> None:
    """Write ``state`` to ``path`` (numpy ``.npz``; no pickles)."""
    text = json.dumps({k: state[k] for k in _META})
    with path.open("wb") as handle:
        np.savez_compressed(handle, meta=np.asarray(text), **{k: state[k] for k in _ARRAYS})


def load(path: Path) -> dict[str, Any]:
    """The state written to ``path`` by :func:`save`."""
    with np.load(path, allow_pickle=False) as data:
        state: dict[str, Any] = json.loads(str(data["meta"]))
        state.update({k: data[k] for k in _ARRAYS})
    return state
