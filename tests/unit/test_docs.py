"""Keep the user documentation honest, in the manner of datasette's documentation tests.

Every setting, every command with its options and arguments, and every public API route
must be documented; the docs may not name a ``MINYI_*`` variable that nothing reads; the
architecture page keeps its Mermaid diagram; every page is reachable from the index.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from minyi.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
HEADING = re.compile(r"^(#{1,6})\s+(.*)$", re.MULTILINE)
ENV_NAME = re.compile(r"\bMINYI_[A-Z0-9_]*[A-Z0-9]\b")
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def read_doc(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, click.Command]]:
    """Every command and sub-command below ``group``, as ("db upgrade", command)."""
    ctx = click.Context(group)
    for name in sorted(group.list_commands(ctx)):  # the root group is lazy: get_command imports
        command = group.get_command(ctx, name)
        assert command is not None, name
        path = (*prefix, name)
        yield " ".join(path), command
        if isinstance(command, click.Group):
            yield from command_paths(command, path)


def section(text: str, title: str) -> str:
    """The text under the heading that contains ``title``, up to the next heading of any level."""
    headings = list(HEADING.finditer(text))
    for index, heading in enumerate(headings):
        if title in heading.group(2):
            end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
            return text[heading.end() : end]
    return ""


def root_cli() -> click.Group:
    from minyi.cli.main import cli  # local: needs every command module to import

    return cli


# --- settings ------------------------------------------------------------------------


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_every_setting_is_documented(field):
    assert f"`MINYI_{field.upper()}`" in read_doc("configuration.md")


def test_docs_name_only_variables_that_exist():
    """A ``MINYI_*`` name in the docs is a setting, or read by some script, test or module."""
    settings = {f"MINYI_{field.upper()}" for field in Settings.model_fields}
    code = "\n".join(
        path.read_text(encoding="utf-8", errors="replace")
        for folder in ("src", "scripts", "tests", ".ci")
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and path.suffix in {"", ".py", ".sh"} and path.name != "test_docs.py"
    )
    known = settings | set(ENV_NAME.findall(code))
    named = {
        name for page in DOCS.glob("*.md") for name in ENV_NAME.findall(page.read_text(encoding="utf-8"))
    }
    assert sorted(named - known) == []


# --- command line --------------------------------------------------------------------


def test_every_command_is_documented():
    text = read_doc("cli.md")
    missing = [path for path, _ in command_paths(root_cli()) if f"`minyi {path}`" not in text]
    assert missing == []


def test_every_option_and_argument_is_documented_under_its_command():
    text = read_doc("cli.md")
    missing = []
    for path, command in command_paths(root_cli()):
        body = section(text, f"`minyi {path}`")
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                names = [name for name in param.opts if name.startswith("--")] or param.opts
                if not any(re.search(f"`{re.escape(name)}[`\\s=]", body) for name in names):
                    missing.append(f"minyi {path} {'/'.join(param.opts)}")
            elif isinstance(param, click.Argument) and param.human_readable_name not in body:
                missing.append(f"minyi {path} {param.human_readable_name}")
    assert missing == []


def test_documented_commands_exist():
    headings = "\n".join(title for _, title in HEADING.findall(read_doc("cli.md")))
    documented = set(re.findall(r"`(minyi [a-z][a-z -]*[a-z])`", headings))
    real = {f"minyi {path}" for path, _ in command_paths(root_cli())}
    assert sorted(documented - real) == []


def test_global_options_are_documented():
    text = read_doc("cli.md")
    assert "`--version`" in text
    assert "`--help`" in text


# --- JSON API ------------------------------------------------------------------------


def test_every_api_route_is_documented(tmp_path):
    from minyi.server.app import create_app

    app = create_app(Settings(env="test", data_dir=tmp_path, secret_key="x" * 40))
    schema = app.openapi()
    routes = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        if path.startswith("/api/v1/") or path == "/healthz"
        for method in operations
    ]
    assert routes, "the OpenAPI schema lists no /api/v1 routes"
    text = read_doc("api.md")
    assert [route for route in routes if route not in text] == []


# --- pages ---------------------------------------------------------------------------


def test_architecture_has_a_mermaid_flowchart():
    text = read_doc("architecture.md")
    assert re.search(r"^```mermaid\n\s*flowchart\b.*?^```$", text, re.MULTILINE | re.DOTALL)


def test_index_links_every_page():
    text = read_doc("index.md")
    pages = sorted(page.name for page in DOCS.glob("*.md") if page.name != "index.md")
    assert [page for page in pages if f"({page})" not in text] == []


def test_relative_links_resolve():
    broken = [
        f"{page.name}: {target}"
        for page in DOCS.glob("*.md")
        for target in LINK.findall(page.read_text(encoding="utf-8"))
        if "://" not in target and not (page.parent / target).exists()
    ]
    assert broken == []
