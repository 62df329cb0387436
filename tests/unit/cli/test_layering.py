"""The import contracts audit every package, the CLI's included.

import-linter checks only what ``pyproject.toml`` names: a new top-level package left out
of the layers would escape every check, and the CLI's commands are imported by name
(``main.LazyGroup`` through ``importlib``), which no import graph sees. These tests close
both gaps: every package is named, and every lazily loaded command lives in ``minyi.cli``.
"""

from __future__ import annotations

import importlib
import pkgutil
import tomllib
from pathlib import Path
from typing import Any

import minyi
from minyi.cli.main import COMMANDS

PYPROJECT = Path(__file__).resolve().parents[3] / "pyproject.toml"
INTERFACES = {"minyi.cli", "minyi.server", "minyi.web", "minyi.api", "minyi.open311", "minyi.http"}


def contracts() -> dict[str, dict[str, Any]]:
    """The import-linter contracts by name."""
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    return {c["name"]: c for c in config["tool"]["importlinter"]["contracts"]}


def packages() -> set[str]:
    """Every top-level package of minyi (the compiled helper module is a leaf, not a layer)."""
    return {f"minyi.{info.name}" for info in pkgutil.iter_modules(minyi.__path__) if info.ispkg} | {
        "minyi.settings"
    }


def layered() -> set[str]:
    """Every package the layers contract names."""
    layers = next(c for c in contracts().values() if c["type"] == "layers")["layers"]
    return {name.strip() for layer in layers for name in layer.split("|")}


def test_every_package_is_in_the_layers() -> None:
    assert packages() - layered() == set()
    assert layered() - packages() == set()


def test_every_package_below_the_interfaces_may_import_no_interface() -> None:
    forbidding = [
        c
        for c in contracts().values()
        if c["type"] == "forbidden" and set(c["forbidden_modules"]) >= INTERFACES
    ]
    assert len(forbidding) == 1
    assert set(forbidding[0]["source_modules"]) == packages() - INTERFACES


def test_the_lazy_commands_live_in_the_cli_package() -> None:
    for name, (target, _) in COMMANDS.items():
        module_name, _, attribute = target.partition(":")
        assert module_name.startswith("minyi.cli."), name
        assert hasattr(importlib.import_module(module_name), attribute), name
