"""Where the CPU of `minyi issues detect` goes: import, settings, read, set-up, featurise, detect, rank, write.

Usage: .venv/bin/python bench/bench_issues_cli.py INPUT OUT_DIR  (run it under /work/notes/quiet_run)

Runs the click command as ``minyi issues detect --input INPUT --out OUT_DIR`` runs it, in this
process, and times the stages by wrapping the functions the command calls: ``load_context``
(the group's settings: 0 since round ten, none are loaded for this command), ``load_messages``
(reading the file and its rows), ``IssueDetector.reset`` (rjieba's dictionary),
``Featurizer.transform_one`` (inside ``assign``), ``rank_concrete`` and ``write_report``;
*detect* is the rest of the command (assigning without featurising, consolidating,
summarising). *import* is the start-up up to the command's module. Prints one line of CPU
seconds (``time.process_time``) to stderr, the wall and the peak RSS.
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable
from typing import Any

STAGES = ("settings", "read", "setup", "featurise", "rank", "write")


def timed(spent: dict[str, float], name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        began = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] += time.process_time() - began

    return wrapper


def main(input_path: str, out_dir: str) -> None:
    cpu0, wall0 = time.process_time(), time.perf_counter()
    from minyi.cli.main import cli

    cli.get_command(None, "issues")  # type: ignore[arg-type]  # the lazy group imports the command
    import minyi.cli.issues_commands as command
    from minyi.cli import context
    from minyi.issues.detect import cluster, features

    imported = time.process_time() - cpu0
    spent = dict.fromkeys(STAGES, 0.0)
    patches = [
        (context, "load_context", "settings"),
        (command, "load_messages", "read"),
        (command, "write_report", "write"),
        (command, "rank_concrete", "rank"),
        (cluster.IssueDetector, "reset", "setup"),
        (features.Featurizer, "transform_one", "featurise"),
    ]
    for owner, attribute, name in patches:
        setattr(owner, attribute, timed(spent, name, getattr(owner, attribute)))
    began = time.process_time()
    cli.main(["issues", "detect", "--input", input_path, "--out", out_dir], standalone_mode=False)
    detect = time.process_time() - began - sum(spent.values())
    parts = {"import": imported, **spent, "detect": detect}
    shown = " ".join(f"{name} {value:.3f}" for name, value in parts.items())
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    total = time.process_time() - cpu0
    wall = time.perf_counter() - wall0
    print(f"{shown} | total {total:.3f} s CPU, wall {wall:.3f} s, peak RSS {rss:.0f} MB", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:  # input and output
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
