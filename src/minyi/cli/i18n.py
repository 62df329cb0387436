"""The command line's language: Chinese by default, English on request.

The operators who deploy Minyi read Chinese first, so ``minyi`` speaks Chinese unless told
otherwise. The language is chosen once per process, the first time a text is needed, by
:func:`choose_language`:

1. ``MINYI_CLI_LANG`` (``zh`` or ``en``), when set; another value is said on stderr and
   ignored;
2. else the locale, the first of ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that is set, when it
   names ``zh`` or ``en`` (``zh_CN.UTF-8``, ``en_US.UTF-8``; ``C.UTF-8`` names neither);
3. else ``MINYI_DEFAULT_LANGUAGE``, the portal's default language (``zh`` or ``en``);
4. else Chinese.

A terminal that cannot write Chinese (its encoding is Latin-1, as ``LANG=de_DE.ISO-8859-1``
makes it) gets English unless ``MINYI_CLI_LANG`` asks for Chinese, and what it cannot
write is replaced (``?``) instead of ending the command: every command died there with a
``UnicodeEncodeError`` traceback, the data's Chinese (titles, names) too (eleventh probe).

Each text is written in both languages where it is defined, English first:
``t("English", "中文")`` for an option's help or a message, and ``@zh("中文")`` right above a
command's function for its help, whose English is the docstring. Choosing the language also
puts click's own words (``Usage:``, ``Missing option``, ``Show this message and exit.``…)
into it, from :mod:`minyi.cli.click_zh`.

Only the environment is read: neither pydantic nor the settings load, so ``minyi --help``
stays fast. Log lines stay English, for whoever greps them.
"""

from __future__ import annotations

import gettext
import importlib
import os
import sys
from collections.abc import Callable, Mapping
from functools import cache
from typing import Literal, TypeVar

Language = Literal["zh", "en"]
F = TypeVar("F", bound=Callable[..., object])

# click's modules that look their words up with ``_`` (gettext) or ``ngettext``.
CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
    "click.utils",
)


def _named(value: str) -> Language | None:
    """``zh`` or ``en`` when a language or locale name starts with it (``zh_CN.UTF-8``, ``en-GB``)."""
    lowered = value.strip().lower()
    for language in ("zh", "en"):
        if lowered == language or lowered.startswith((f"{language}_", f"{language}-", f"{language}.")):
            return language
    return None


def choose_language(environ: Mapping[str, str]) -> tuple[Language, str | None]:
    """The language of the command line for this environment, and a warning to print, if any."""
    warning = None
    asked = environ.get("MINYI_CLI_LANG", "").strip()
    if asked:
        chosen = _named(asked)
        if chosen is not None:
            return chosen, None
        # said in both languages: which one the reader wants is what is unknown
        warning = f"minyi: MINYI_CLI_LANG={asked!r} 不是 zh 或 en，已忽略 / is neither zh nor en; ignored"
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        locale_name = environ.get(variable, "")
        if locale_name:
            chosen = _named(locale_name)
            if chosen is not None:
                return chosen, warning
            break  # the locale that applies names no language we speak: go on to the default
    return _named(environ.get("MINYI_DEFAULT_LANGUAGE", "")) or "zh", warning


def writes_chinese(stream: object) -> bool:
    """Whether ``stream``'s encoding can write Chinese (a stream without one is taken to)."""
    encoding = getattr(stream, "encoding", None)
    try:
        "中文".encode(encoding or "utf-8")
    except (UnicodeError, LookupError):
        return False
    return True


def _forgiving(stream: object) -> None:
    """Let ``stream`` replace what its encoding cannot write (a text file's ``errors="replace"``)."""
    reconfigure = getattr(stream, "reconfigure", None)
    if callable(reconfigure) and not writes_chinese(stream):
        reconfigure(errors="replace")


@cache
def cli_language() -> Language:
    """This process's language, chosen once; click speaks it from then on."""
    language, warning = choose_language(os.environ)
    if warning is not None:
        sys.stderr.write(warning + "\n")
    if (
        language == "zh"
        and not writes_chinese(sys.stdout)
        and _named(os.environ.get("MINYI_CLI_LANG", "")) != "zh"
    ):
        language = "en"  # Chinese was only the default: say it in words this terminal can show
    _forgiving(sys.stdout)
    _forgiving(sys.stderr)
    if language == "zh":
        install_click_catalog()
    return language


def t(en: str, zh: str) -> str:
    """The text in this process's language: the English one, or the Chinese one."""
    return zh if cli_language() == "zh" else en


def zh(text: str) -> Callable[[F], F]:
    """A command's Chinese help; its English help is its docstring.

    Put it right above the ``def``, under click's decorators: click reads the help from the
    function's docstring when it builds the command, after this has run.
    """

    def decorate(function: F) -> F:
        if cli_language() == "zh":
            function.__doc__ = text
        return function

    return decorate


class ClickCatalog(gettext.NullTranslations):
    """click's words in Chinese (:mod:`minyi.cli.click_zh`); a word it lacks stays English."""

    def __init__(self) -> None:
        super().__init__()
        from minyi.cli.click_zh import PLURALS, WORDS  # local: only a Chinese process needs it

        self.words = WORDS
        self.plurals = PLURALS

    def gettext(self, message: str) -> str:
        """The Chinese of one of click's words."""
        return self.words.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        """The Chinese of one of click's words that has a plural (Chinese has none)."""
        return self.plurals.get(msgid1) or (msgid1 if n == 1 else msgid2)


def install_click_catalog() -> None:
    """Make click say its words in Chinese, in this process.

    click looks them up with ``from gettext import gettext as _`` (and ``ngettext``), which
    read the process-wide ``messages`` domain under the locale's name: installing a catalog
    there would follow ``LANG`` rather than our rule, and change every library using that
    domain. So each click module's own ``_`` and ``ngettext`` are pointed at our catalog
    instead; nothing else in the process changes. The help pages are also laid out in
    terminal columns (:mod:`minyi.cli.cjk_text`).
    """
    from minyi.cli import cjk_text  # local: only a Chinese process needs it

    cjk_text.install()
    _install_metavars()
    catalog = ClickCatalog()
    for name in CLICK_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = catalog.gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = catalog.ngettext  # type: ignore[attr-defined]


def _install_metavars() -> None:
    """Say click's type metavars (``TEXT``, ``INTEGER RANGE``) and ``[OPTIONS]`` in Chinese.

    click makes them from a type's English name when the help is laid out, not through
    ``gettext``; wrapping the three methods that make them changes nothing else (a parameter
    given its own metavar keeps it, and the types' names in error messages stay click's).
    """
    import click  # local: the import stays out of the language choice

    from minyi.cli.click_zh import METAVARS

    def said(text: str) -> str:
        dots = "..." if text.endswith("...") and text not in METAVARS else ""
        bare = text.removesuffix(dots)
        bracketed = bare.startswith("[") and bare.endswith("]") and bare not in METAVARS
        inner = bare[1:-1] if bracketed else bare
        inner = METAVARS.get(inner, inner)
        return (f"[{inner}]" if bracketed else inner) + dots

    option_metavar = click.Option.make_metavar
    argument_metavar = click.Argument.make_metavar
    usage_pieces = click.Command.collect_usage_pieces

    def option(self: click.Parameter, ctx: click.Context) -> str:
        return said(option_metavar(self, ctx))

    def argument(self: click.Argument, ctx: click.Context) -> str:
        return said(argument_metavar(self, ctx))

    def pieces(self: click.Command, ctx: click.Context) -> list[str]:
        made = usage_pieces(self, ctx)
        if isinstance(self, click.Group):  # what click.Group's own method adds, no more
            made.append(self.subcommand_metavar)
        return [METAVARS.get(piece, piece) for piece in made]

    click.Option.make_metavar = option  # type: ignore[method-assign]
    click.Argument.make_metavar = argument  # type: ignore[method-assign]
    click.Command.collect_usage_pieces = pieces  # type: ignore[method-assign]
    click.Group.collect_usage_pieces = pieces  # type: ignore[method-assign]


def domain_message(message: str) -> str:
    """A refusal of the domain (an account, import or erasure error) in this process's language.

    The web pages already translate them (:mod:`minyi.web.domain_texts`); the command line
    reuses those words rather than translating twice. In English the text stays as the
    domain wrote it; one the catalog does not know stays as it is.
    """
    if cli_language() == "en":
        return message
    from minyi.web.domain_texts import domain_text  # local: only when a command is refused

    return domain_text(message, "zh")
