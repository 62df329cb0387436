"""The top-10 goal of issue 16 as bench/issues_top10.py measures it, and its why-missing reasons."""

from __future__ import annotations

import importlib.util
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest

from minyi.issues.detect.heat import HeatWeights
from minyi.issues.detect.issue import Issue

BENCH_PATH = Path(__file__).resolve().parents[3] / "bench" / "issues_top10.py"
NOW = datetime(2019, 6, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def top10() -> ModuleType:
    spec = importlib.util.spec_from_file_location("issues_top10", BENCH_PATH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["issues_top10"] = module  # dataclasses look their module up while being made
    spec.loader.exec_module(module)
    return module


def _issue(issue_id: int, members: list[str], authors: int) -> Issue:
    return Issue(
        id=issue_id,
        title=f"issue {issue_id}",
        keywords=(),
        places=(),
        first_time=NOW,
        last_time=NOW,
        size=len(members),
        authors=authors,
        likes=0,
        dislikes=0,
        reposts=0,
        replies=0,
        timeline={NOW.date(): len(members)},
        representative_ids=(),
        message_ids=tuple(members),
    )


def test_largest_by_people_then_messages_then_name(top10: ModuleType) -> None:
    labels = {"a1": "A", "a2": "A", "a3": "A", "b1": "B", "b2": "B", "c1": "C", "c2": "C", "d1": "D"}
    # A: 3 messages from one person; B and C: 2 people each; D: 1 anonymous message.
    authors = {"a1": "x", "a2": "x", "a3": "x", "b1": "y", "b2": "z", "c1": "y", "c2": None, "d1": None}
    assert top10.largest(labels, authors, n=4) == ["B", "C", "A", "D"]
    assert top10.largest(labels, n=2) == ["A", "B"]  # by messages, ties by name


def test_goal_counts_the_whole_files_largest_and_each_halfs_part(top10: ModuleType) -> None:
    tune = {f"t{i}": f"T{i}" for i in range(12)}
    test = {f"s{i}": f"S{i}" for i in range(12)}
    for i in range(12):  # every issue has 12 - i people, tune a little larger than test
        tune |= {f"t{i}_{k}": f"T{i}" for k in range(11 - i)}
        test |= {f"s{i}_{k}": f"S{i}" for k in range(10 - i)}
    assign = tune | test
    clusters: dict[str, set[str]] = {}
    for m, label in assign.items():
        clusters.setdefault(label, set()).add(m)
    ranked = ["T0", "S0", "T1", "S1", "T2", "S2", "X", "Y", "T3", "Z", "S3"]  # X, Y, Z unlabelled
    position = {label: i for i, label in enumerate(ranked, start=1)}
    authors = {m: m for m in assign}
    goal = top10.top10({"tune": tune, "test": test}, assign, clusters, position, authors)
    # The 10 largest of both halves: T0 S0 T1 S1 T2 S2 T3 S3 T4 S4; in the top 10: T0-T3, S0-S2.
    assert goal["both"] == "7/10"
    assert goal["tune"] == "4/5"
    assert goal["test"] == "3/5"


def test_why_missing_names_split_merged_and_ranked_low(top10: ModuleType) -> None:
    labels = {
        "p1": "split",
        "p2": "split",
        "p3": "split",
        "q1": "merged",
        "q2": "merged",
        "r1": "low",
        "r2": "low",
    }
    assign = {"p1": 1, "p2": 1, "p3": 2, "q1": 3, "q2": 3, "r1": 4, "r2": 4, "x1": 3, "x2": 3, "x3": 3}
    clusters: dict[int, set[str]] = {}
    for m, c in assign.items():
        clusters.setdefault(c, set()).add(m)
    fillers = [(_issue(100 + i, [f"f{i}"] * 20, 20), 9.0 - i * 0.1) for i in range(10)]
    ranked = [
        *fillers,
        (_issue(1, ["p1", "p2"], 2), 2.0),
        (_issue(3, ["q1", "q2", "x1", "x2", "x3"], 5), 1.5),
        (_issue(4, ["r1", "r2"], 2), 1.0),
    ]
    output = top10.Output(assign, clusters, ranked)
    authors = {m: m for m in assign}
    rows = {
        row.label: row
        for row in top10.why_missing(
            labels, ["split", "merged", "low"], output, authors, HeatWeights(tau_days=0)
        )
    }
    assert rows["split"].reason.startswith("split: 2 parts 2 + 1")
    assert rows["split"].rank == 11
    assert rows["merged"].reason.startswith("merged: 2 of 5")
    assert rows["low"].reason == "ranked low: heat 1.00 < 8.10 (#10)"
    assert "people 2" in rows["low"].terms
