"""click's own words in Chinese: the catalog :class:`minyi.cli.i18n.ClickCatalog` reads.

The keys are click's English texts exactly as its source passes them to ``gettext`` (placeholders
included); ``tests/unit/cli/test_i18n.py`` checks that each is still in click's source, so an
upgrade that rewords one is noticed. Words only a programmer sees (a command declared twice…)
are left out and stay English. A Python module rather than a ``.po``/``.mo`` pair: it needs no
compile step and no package data, and mypy and ruff read it.
"""

from __future__ import annotations

WORDS: dict[str, str] = {
    # help pages
    "Usage:": "用法:",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "env var: {var}": "环境变量：{var}",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "(dynamic)": "（运行时决定）",
    "deprecated": "已弃用",
    "Do you want to continue?": "确定继续吗？",
    "Confirm the action without prompting.": "不询问，直接确认。",
    "Repeat for confirmation": "再输入一次以确认",
    "Press any key to continue...": "按任意键继续……",
    # errors
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行 '{command} {option}' 查看帮助。",
    "Aborted!": "已中止！",
    "Missing command.": "缺少命令。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Invalid value: {message}": "取值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效：{message}",
    "Option {name!r} does not take a value.": "选项 {name!r} 不接受取值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Value must be an iterable.": "取值必须是多个值。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "unknown error": "未知错误",
    "Error: The two entered values do not match.": "错误：两次输入的不一致。",
    "Error: invalid input": "错误：输入无效",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": (
        "{value!r} 不是有效的是/否值。可用：{states}"
    ),
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的数值（{number_type}）。",
    "{value!r} is not a valid UUID.": "{value!r} 不是有效的 UUID。",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是目录。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 不可执行。",
}

# click's words that have a plural, by their singular; Chinese says both the same way.
PLURALS: dict[str, str] = {
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，只给了 {len} 个。",
    "Did you mean {possibility}?": "您是不是想输入 {possibility}？",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要 {nargs} 个取值。",
    "{value!r} is not {choice}.": "{value!r} 不在可选值 {choices} 中。",
    "{value!r} does not match the format {format}.": "{value!r} 不符合格式 {formats}。",
    "{len_type} values are required, but {len_value} was given.": (
        "需要 {len_type} 个值，只给了 {len_value} 个。"
    ),
}

# The metavars click makes from a type's name or its usage line's defaults, in a Chinese
# process (``--days INTEGER RANGE`` read as English beside Chinese help). A range's bounds are
# said in the help's ``[x>=1]``, so a range is named as its number.
METAVARS: dict[str, str] = {
    "TEXT": "文字",
    "INTEGER": "整数",
    "INTEGER RANGE": "整数",
    "FLOAT": "数值",
    "FLOAT RANGE": "数值",
    "BOOLEAN": "是/否",
    "FILENAME": "文件",
    "FILE": "文件",
    "PATH": "路径",
    "DIRECTORY": "目录",
    "[OPTIONS]": "[选项]",
    "COMMAND [ARGS]...": "命令 [参数]...",
    "[COMMAND] [ARGS]...": "[命令] [参数]...",
}
