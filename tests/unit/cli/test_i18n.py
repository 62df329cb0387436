"""The command line speaks Chinese by default and English on request (minyi.cli.i18n).

The language is chosen once per process, so the Chinese command line runs in subprocesses:
this process speaks English (tests/conftest.py sets MINYI_CLI_LANG=en).
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import TEST_SECRET

from minyi.cli import cjk_text, click_zh
from minyi.cli.i18n import CLICK_MODULES, choose_language

CHINESE = re.compile(r"[\u4e00-\u9fff]")
SRC = Path(__file__).resolve().parents[3] / "src"
HEAVY = ("fastapi", "starlette", "sqlalchemy", "sklearn", "numpy", "pydantic", "minyi.settings")


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """This environment without any language setting, with a data folder of its own, plus ``extra``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"MINYI_CLI_LANG", "LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE", "MINYI_DEFAULT_LANGUAGE"}
        and not key.startswith("MINYI_DATABASE")
    }
    pythonpath = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH", "")]))
    return env | {"MINYI_DATA_DIR": str(tmp_path / "var"), "PYTHONPATH": pythonpath} | extra


def minyi(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m minyi ARGS`` in a fresh process with this environment."""
    return subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "minyi", *args],
        capture_output=True,
        text=True,
        env=clean_env(tmp_path, **env),
        timeout=120,
        check=False,
    )


# -- the rule -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "zh"),
        ({"MINYI_CLI_LANG": "en"}, "en"),
        ({"MINYI_CLI_LANG": "zh", "LANG": "en_US.UTF-8"}, "zh"),
        ({"MINYI_CLI_LANG": "EN"}, "en"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "zh_CN.UTF-8", "MINYI_DEFAULT_LANGUAGE": "en"}, "zh"),
        ({"LC_MESSAGES": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LC_ALL": "zh_TW.UTF-8", "LC_MESSAGES": "en_GB.UTF-8"}, "zh"),
        ({"LC_ALL": "C", "LANG": "en_US.UTF-8"}, "zh"),  # LC_ALL wins, and names no language
        ({"LANG": "C.UTF-8"}, "zh"),
        ({"LANG": "C.UTF-8", "MINYI_DEFAULT_LANGUAGE": "en"}, "en"),
        ({"LANG": "fr_FR.UTF-8", "MINYI_DEFAULT_LANGUAGE": "en"}, "en"),
        ({"MINYI_DEFAULT_LANGUAGE": "zh"}, "zh"),
        ({"LANG": "english"}, "zh"),  # not a locale name we read
    ],
)
def test_the_language_rule(environ, expected):
    assert choose_language(environ) == (expected, None)


def test_an_unknown_minyi_cli_lang_is_said_and_ignored():
    language, warning = choose_language({"MINYI_CLI_LANG": "fr", "LANG": "en_US.UTF-8"})
    assert language == "en"
    assert warning is not None
    assert "MINYI_CLI_LANG='fr'" in warning


def test_an_unknown_minyi_cli_lang_does_not_stop_the_command(tmp_path):
    done = minyi(tmp_path, "--help", MINYI_CLI_LANG="klingon")
    assert done.returncode == 0
    assert "MINYI_CLI_LANG='klingon'" in done.stderr
    assert "用法:" in done.stdout


# -- the command line in Chinese and in English ------------------------------------------------


def test_help_follows_the_locale(tmp_path):
    chinese = minyi(tmp_path, "--help", LANG="C.UTF-8")
    assert chinese.returncode == 0, chinese.stderr
    for word in (
        "用法: minyi [选项] 命令 [参数]...",
        "选项:",
        "命令:",
        "显示本帮助并退出。",
        "运行市民门户",
    ):
        assert word in chinese.stdout
    assert "..." not in chinese.stdout.split("命令:")[1]  # no Chinese help cut short by click
    english = minyi(tmp_path, "--help", LANG="en_US.UTF-8")
    assert english.returncode == 0, english.stderr
    for word in ("Usage: minyi", "Options:", "Commands:", "Show this message and exit.", "Serve the portal"):
        assert word in english.stdout
    assert not CHINESE.search(english.stdout.replace("民意", "").replace("简报", "").replace("知识库", ""))


def test_the_console_script_speaks_chinese_by_default(tmp_path):
    script = shutil.which("minyi", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("no minyi console script beside this Python (not installed)")
    done = subprocess.run(  # noqa: S603 - our own command
        [script, "db", "--help"], capture_output=True, text=True, env=clean_env(tmp_path), check=False
    )
    assert done.returncode == 0, done.stderr
    assert "创建、迁移和检查数据库结构。" in done.stdout
    assert "把数据库结构升级到最新" in done.stdout


def test_a_command_help_in_chinese(tmp_path):
    done = minyi(tmp_path, "user", "create", "--help", MINYI_CLI_LANG="zh")
    assert done.returncode == 0, done.stderr
    assert "用法: minyi user create [选项] 用户名" in done.stdout
    assert "创建一个工作人员账号。" in done.stdout
    assert "[默认：staff]" in done.stdout


def test_type_names_and_usage_words_in_chinese(tmp_path):
    """``--days INTEGER RANGE`` and ``[OPTIONS]`` were English beside Chinese help."""
    done = minyi(tmp_path, "retention", "run", "--help", MINYI_CLI_LANG="zh")
    assert done.returncode == 0, done.stderr
    assert "用法: minyi retention run [选项]" in done.stdout
    assert re.search(r"--days 整数 +", done.stdout)
    assert "[1<=x<=36500]" in done.stdout  # the bounds stay said
    rule = minyi(tmp_path, "alerts", "add-rule", "--help", MINYI_CLI_LANG="zh")
    assert "--keyword 文字" in rule.stdout
    group = minyi(tmp_path, "cases", "--help", MINYI_CLI_LANG="zh")
    assert "用法: minyi cases [选项] 命令 [参数]..." in group.stdout
    for text in (done.stdout, rule.stdout, group.stdout):
        assert not re.search(r"\b(TEXT|INTEGER|FLOAT|RANGE|OPTIONS|COMMAND|ARGS)\b", text)
    english = minyi(tmp_path, "retention", "run", "--help", MINYI_CLI_LANG="en")
    assert "--days INTEGER RANGE" in english.stdout
    assert "[OPTIONS]" in english.stdout


def test_two_chinese_arguments_keep_their_space(tmp_path):
    """The usage line joined 部门代码名称: a Chinese sentence's line-break rule applied to words."""
    done = minyi(tmp_path, "department", "create", "--help", MINYI_CLI_LANG="zh")
    assert "用法: minyi department create [选项] 部门代码 名称" in done.stdout
    unlock = minyi(tmp_path, "user", "unlock", "--help", MINYI_CLI_LANG="zh")
    assert "用法: minyi user unlock [选项] 类别 对象" in unlock.stdout
    assert "tracking_code_all" in unlock.stdout


def test_the_version_in_chinese(tmp_path):
    done = minyi(tmp_path, "--version", MINYI_CLI_LANG="zh")
    assert done.stdout.startswith("minyi，版本 ")


def test_usage_errors_in_chinese(tmp_path):
    missing = minyi(tmp_path, "export", "--out", str(tmp_path / "x.csv"), MINYI_CLI_LANG="zh")
    assert missing.returncode == 2
    assert "错误：缺少选项 '--format'" in missing.stderr
    assert "运行 'minyi export --help' 查看帮助。" in missing.stderr
    bad = minyi(tmp_path, "serve", "--port", "0", MINYI_CLI_LANG="zh")
    assert bad.returncode == 2
    assert "错误：'--port' 的取值无效：0 不在范围 1<=x<=65535 内。" in bad.stderr
    choice = minyi(tmp_path, "export", "--format", "pdf", "--out", "x", MINYI_CLI_LANG="zh")
    assert "'pdf' 不在可选值 'csv', 'xlsx', 'jsonl' 中。" in choice.stderr
    unknown = minyi(tmp_path, "db", "upgrade", "--nosuch", MINYI_CLI_LANG="zh")
    assert "错误：没有选项 '--nosuch'。" in unknown.stderr
    extra = minyi(tmp_path, "db", "current", "extra", MINYI_CLI_LANG="zh")
    assert "多余的参数（extra）" in extra.stderr
    command = minyi(tmp_path, "nosuch", MINYI_CLI_LANG="zh")
    assert "没有命令 'nosuch'。" in command.stderr


def test_our_own_errors_in_chinese(tmp_path):
    production = {"MINYI_ENV": "production", "MINYI_COOKIE_SECURE": "true", "MINYI_SECRET_KEY": TEST_SECRET}
    production["MINYI_DATABASE_URL"] = "postgresql://postgres@127.0.0.1:1/minyi_never_reached"
    done = minyi(tmp_path, "demo", MINYI_CLI_LANG="zh", **production)
    assert done.returncode == 1
    assert (
        "\n错误：演示数据不能载入生产环境（MINYI_ENV=production）" in done.stderr
    )  # after the log's warnings
    settings = minyi(tmp_path, "db", "current", MINYI_CLI_LANG="zh", MINYI_PROCESSING="nonsense")
    assert settings.returncode == 1
    assert settings.stderr.startswith("错误：设置无效：MINYI_PROCESSING")
    english = minyi(tmp_path, "db", "current", MINYI_CLI_LANG="en", MINYI_PROCESSING="nonsense")
    assert english.stderr.startswith("Error: invalid settings: MINYI_PROCESSING")


def test_domain_refusals_reuse_the_web_pages_words(tmp_path):
    code = "from minyi.cli.i18n import domain_message\nprint(domain_message(\"user 'x' already exists\"))"
    for language, expected in (("zh", "用户名“x”已存在。"), ("en", "user 'x' already exists")):
        done = subprocess.run(  # noqa: S603 - our own code
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env=clean_env(tmp_path, MINYI_CLI_LANG=language),
            check=True,
        )
        assert done.stdout.strip() == expected


def test_chinese_help_loads_no_framework(tmp_path):
    code = (
        "from click.testing import CliRunner\nfrom minyi.cli.main import cli\n"
        "result = CliRunner().invoke(cli, ['--help'])\nassert '用法' in result.output, result.output\n"
        f"import json, sys\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    done = subprocess.run(  # noqa: S603 - our own code
        [sys.executable, "-c", code], capture_output=True, text=True, env=clean_env(tmp_path), check=True
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


# -- every text in both languages ---------------------------------------------------------------

WALK = r"""
import json, click
from minyi.cli.main import COMMANDS, cli

def walk(command, path, ctx):
    rows = [{"what": path, "help": command.help or "", "short": command.get_short_help_str(60)}]
    for param in command.params:
        name = f"{path} {param.opts[0] if isinstance(param, click.Option) else param.name}"
        if isinstance(param, click.Option) and not param.hidden:
            rows.append({"what": name, "help": param.help or ""})
            if isinstance(param.show_default, str):
                rows.append({"what": name + " (default)", "help": param.show_default})
        elif isinstance(param, click.Argument):
            rows.append({"what": name, "metavar": param.make_metavar(ctx)})
    if isinstance(command, click.Group):
        for sub_name in command.list_commands(ctx):
            sub = command.get_command(ctx, sub_name)
            rows += walk(sub, f"{path} {sub_name}", click.Context(sub, info_name=sub_name, parent=ctx))
    return rows

rows = walk(cli, "minyi", click.Context(cli, info_name="minyi"))
rows += [{"what": f"COMMANDS[{name!r}]", "listed": short} for name, (_, short) in COMMANDS.items()]
print(json.dumps(rows, ensure_ascii=False))
"""


def walked(tmp_path: Path, language: str) -> dict[str, dict[str, str]]:
    """Every command's, option's and argument's texts in ``language``, by where they are."""
    done = subprocess.run(  # noqa: S603 - our own code
        [sys.executable, "-c", WALK],
        capture_output=True,
        text=True,
        env=clean_env(tmp_path, MINYI_CLI_LANG=language),
        check=True,
    )
    return {row["what"]: row for row in json.loads(done.stdout)}


def test_every_command_and_option_speaks_both_languages(tmp_path):
    chinese, english = walked(tmp_path, "zh"), walked(tmp_path, "en")
    assert chinese.keys() == english.keys()
    problems = []
    for what, zh_row in chinese.items():
        en_row = english[what]
        for key in ("help", "listed"):
            if key in zh_row:
                if not en_row[key].strip() or not zh_row[key].strip():
                    problems.append(f"{what}: no {key}")
                elif not CHINESE.search(zh_row[key]) or zh_row[key] == en_row[key]:
                    problems.append(f"{what}: {key} not in Chinese: {zh_row[key]!r}")
        if "short" in zh_row and zh_row["short"].endswith("..."):
            problems.append(
                f"{what}: the Chinese first paragraph is too long for a list: {zh_row['short']!r}"
            )
        if "metavar" in zh_row and zh_row["metavar"] == en_row["metavar"] and zh_row["metavar"].isalpha():
            problems.append(f"{what}: argument {zh_row['metavar']} has no Chinese name")
    assert problems == []


def test_the_listed_short_helps_match_the_commands_in_chinese(tmp_path):
    chinese = walked(tmp_path, "zh")
    for what, row in chinese.items():
        if what.startswith("COMMANDS["):
            name = what.removeprefix("COMMANDS['").removesuffix("']")
            help_text = chinese[f"minyi {name}"]["help"]
            first = " ".join(help_text.strip().partition("\n\n")[0].split())
            assert first == row["listed"], f"update COMMANDS[{name!r}] in minyi/cli/main.py"


# -- click's own words ---------------------------------------------------------------------------

# click's words only a programmer sees (a command declared wrongly): they stay English.
PROGRAMMERS_WORDS = {
    "Could not determine name for option with declarations {decls!r}",
    "Name '{name}' defined twice",
    "Boolean option {decl!r} cannot use the same flag for true/false.",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}",
    "Invalid start character for option ({option})",
    "Choice({choices})",
    "Unknown color {colour!r}",
    "Unknown standard stream '{name}'",
    (
        "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? "
        "Did you mean to pass '--{name}'?"
    ),
}


def click_words() -> tuple[set[str], set[str]]:
    """The texts click's modules pass to ``gettext`` and the singulars they pass to ``ngettext``."""
    words, plurals = set(), set()
    for name in CLICK_MODULES:
        module = importlib.import_module(name)
        tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    if node.func.id == "_":
                        words.add(first.value)
                    elif node.func.id == "ngettext":
                        plurals.add(first.value)
    return words | {"required"}, plurals  # "required" reaches _() through a variable


def test_the_catalog_has_every_word_of_click_and_no_other():
    words, plurals = click_words()
    assert set(click_zh.WORDS) - words == set(), "click no longer says these: update minyi/cli/click_zh.py"
    assert set(click_zh.PLURALS) - plurals == set()
    assert words - PROGRAMMERS_WORDS - set(click_zh.WORDS) == set(), "click says new words: translate them"
    assert plurals - set(click_zh.PLURALS) == set()


def test_the_catalog_keeps_every_placeholder():
    def fields(text: str) -> set[str]:
        return set(re.findall(r"\{(\w+)", text)) | set(re.findall(r"%\((\w+)\)", text))

    for english, chinese in click_zh.WORDS.items():
        assert fields(chinese) == fields(english), english
    for english, chinese in click_zh.PLURALS.items():
        assert fields(chinese) <= fields(english) | {"nargs", "len", "choices", "formats", "possibilities"}


def test_english_leaves_click_alone():
    import click.core

    assert click.core._("Usage:") == "Usage:"


# -- Chinese help pages laid out in terminal columns ----------------------------------------


def test_columns_count_wide_characters_twice():
    assert cjk_text.columns("abc") == 3
    assert cjk_text.columns("用法：a") == 7
    assert cjk_text.columns("\033[1m粗\033[0m") == 2


def test_chinese_breaks_between_characters_but_not_before_closing_marks():
    chunks = cjk_text.split_chunks(["删除其联系方式，", " ", "去掉（可选）", " ", "--text", " ", "时"])
    assert "".join(chunks) == "删除其联系方式，去掉（可选） --text 时"  # no space left between 式， and 去
    assert chunks[:3] == ["删", "除", "其"]
    assert "式，" in chunks  # a closing mark stays with the character before it
    assert "（可" in chunks  # an opening one with the character after it
    assert cjk_text.split_chunks(["[必填]"]) == ["[必", "填]"]


def test_chinese_help_fits_the_terminal_and_keeps_its_columns(tmp_path):
    done = minyi(tmp_path, "model", "train", "--help", MINYI_CLI_LANG="zh", COLUMNS="80")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert max(cjk_text.columns(line) for line in lines) <= 80
    helps_start = set()
    for line in lines:
        if line.startswith("  --") and "  " in line[4:]:
            name, _, rest = line[2:].partition("  ")
            if rest.strip():
                helps_start.add(2 + cjk_text.columns(name) + 2 + len(rest) - len(rest.lstrip()))
    assert len(helps_start) == 1, done.stdout  # every option's help begins in the same column
