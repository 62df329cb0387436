"""The ``minyi`` entry point is light: commands are imported only when they run."""

from __future__ import annotations

import json
import subprocess
import sys

import click
from click.testing import CliRunner

from minyi.cli.main import COMMANDS, cli

HEAVY = ("fastapi", "starlette", "sqlalchemy", "sklearn", "numpy", "pydantic", "minyi.settings")


def loaded_after(code: str) -> list[str]:
    """The heavy modules loaded by a fresh interpreter after running ``code``."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)  # noqa: S603 - our own code
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def test_importing_the_entry_point_loads_no_framework() -> None:
    assert loaded_after("import minyi.cli.main") == []


def test_help_loads_no_framework() -> None:
    code = (
        "from click.testing import CliRunner\nfrom minyi.cli.main import cli\n"
        "result = CliRunner().invoke(cli, ['--help'])\nassert result.exit_code == 0, result.output"
    )
    assert loaded_after(code) == []


def test_help_lists_every_command_with_its_own_short_help() -> None:
    ctx = click.Context(cli)
    for name, (_, short_help) in COMMANDS.items():
        command = cli.get_command(ctx, name)
        assert command is not None
        assert command.get_short_help_str(1000) == short_help, (
            f"update COMMANDS[{name!r}] in minyi/cli/main.py"
        )
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert f"  {name} " in result.output


def test_a_command_help_loads_that_command() -> None:
    result = CliRunner().invoke(cli, ["issues", "detect", "--help"])
    assert result.exit_code == 0
    assert "--input" in result.output


def test_unknown_command_is_refused() -> None:
    result = CliRunner().invoke(cli, ["no-such-command"])
    assert result.exit_code == 2
    assert "No such command" in result.output
