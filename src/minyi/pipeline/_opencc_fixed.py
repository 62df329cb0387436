"""Tell exactly, and cheaply, that OpenCC's ``t2s`` would return a text unchanged.

Most messages are written in Simplified characters already, yet every one went through
``OpenCC.convert`` (≈ 25 ns a character: the UTF-8 round trip, the segments, the copy).
A text is a *fixed point* of the converter when no dictionary key whose default value
differs from the key occurs in it; :class:`FixedPoints` tests that with one regular
expression scan (≈ 10 ns a character) and the normaliser skips the converter then.

Why the test is exact (OpenCC 1.1–1.4, every configuration built from dictionaries):
the converter runs each stage (``normalization``, then the ``conversion_chain``; ``t2s``
has no ``segmentation``) as a left-to-right scan that, at each character, takes the
longest key of the stage's dictionary group that matches there and writes the key's
*default* (first) value, or copies the character when no key matches.  Call a key
*changing* when its default value is not the key itself.  If no changing key occurs
anywhere in the text, every match writes back exactly what it matched and every other
character is copied, so each stage, and the chain, returns its input.  A changing key
can only occur in a text that holds each of its characters, so it is enough to look for
one character of each changing key, its **witness**: the key itself when it is one
character; for a phrase, a character that is a key of its own (``瞭`` of ``一目瞭然``,
``覆`` of ``答覆``), which is rare in Simplified text.  When a witness is found the
phrases it stands for are searched for as substrings (``覆`` alone, as in 覆盖, changes
nothing), and only a found phrase or a changing character sends the text to OpenCC.
Characters outside the Basic Multilingual Plane, lone surrogates (which ``convert``
refuses to encode) and NUL always go to OpenCC, as before.

The witnesses are read from ``data/opencc_t2s_fixed.tsv``, made by
:func:`write_table` from the dictionaries the installed OpenCC loads for ``t2s``
(exported with the ``opencc_dict`` tool that ships in its wheel).  The table names the
SHA-256 of those dictionaries and of the configuration; when the installed OpenCC's
differ (another version) :func:`load_fixed_points` returns ``None`` and every text is
converted as before: never a wrong answer, at worst no saving.
``tests/unit/pipeline/test_opencc_fixed.py`` rebuilds the table from the installed
dictionaries and checks the test against the converter itself.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from functools import cache, cached_property
from importlib import resources
from pathlib import Path

__all__ = ["TABLE_RESOURCE", "FixedPoints", "dictionary_files", "load_fixed_points", "write_table"]

#: Name of the packaged witness table inside ``minyi.pipeline.data``.
TABLE_RESOURCE = "opencc_t2s_fixed.tsv"
_BMP_END = 0x10000
# Always converted: NUL, lone surrogates, every supplementary-plane character.
_ALWAYS = "\\x00\\ud800-\\udfff\\U00010000-\\U0010ffff"


class FixedPoints:
    """Whether a text is certainly returned unchanged by the converter the table was made for.

    Args:
        phrases: Witness character → the changing keys it stands for (a changing character
            stands for itself).
    """

    def __init__(self, phrases: dict[str, tuple[str, ...]]) -> None:
        self.phrases = phrases
        chars = "".join(re.escape(char) for char in sorted(phrases) if ord(char) < _BMP_END)
        #: The inside of the witness class, for a caller that folds it into a scan of its own.
        self.char_class = f"{chars}{_ALWAYS}"

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """The witnesses (compiled on first use: ≈ 5 ms, not needed by a caller's own scan)."""
        return re.compile(f"[{self.char_class}]")

    def unchanged(self, text: str) -> bool:
        """``True`` only when converting ``text`` would return it as it is (see the module)."""
        if self.pattern.search(text) is None:
            return True
        for witness in set(self.pattern.findall(text)):
            keys = self.phrases.get(witness)
            if keys is None or any(key in text for key in keys):
                return False
        return True


def _dictionary_names(node: object) -> Iterator[str]:
    """The ``file`` of every dictionary a configuration (or part of one) names."""
    if isinstance(node, dict):
        for name, value in node.items():
            if name == "file" and isinstance(value, str):
                yield value
            else:
                yield from _dictionary_names(value)
    elif isinstance(node, list):
        for value in node:
            yield from _dictionary_names(value)


def dictionary_files(config_path: str) -> list[Path]:
    """The configuration file and every dictionary file it names (beside it), in order."""
    config = Path(config_path)
    names = _dictionary_names(json.loads(config.read_text("utf-8")))
    return [config, *(config.parent / name for name in dict.fromkeys(names))]


def fingerprint(files: Iterable[Path]) -> str:
    """SHA-256 over the names and bytes of ``files``."""
    digest = hashlib.sha256()
    for path in files:
        data = path.read_bytes()
        digest.update(f"{path.name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def _read_table(text: str) -> tuple[str, dict[str, tuple[str, ...]]]:
    """(fingerprint, witness → keys) of the packaged table.

    Its lines: ``# sha256 …``; ``*`` and every changing character in one run (each its own
    witness: one line, not 5,000, so that reading it costs a fraction of a millisecond); then
    a witness and its phrases per line, tab-separated.
    """
    expected = ""
    phrases: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        if line.startswith("# sha256 "):
            expected = line.removeprefix("# sha256 ").strip()
        elif line.startswith("*\t"):
            phrases.update((char, (char,)) for char in line[2:])
        elif line and not line.startswith("#"):
            witness, *keys = line.split("\t")
            phrases[witness] = tuple(keys)
    return expected, phrases


@cache
def _load(config_path: str) -> FixedPoints | None:
    try:
        actual = fingerprint(dictionary_files(config_path))
        table = resources.files("minyi.pipeline").joinpath("data", TABLE_RESOURCE).read_text("utf-8")
    except (OSError, ValueError):
        return None
    expected, phrases = _read_table(table)
    return FixedPoints(phrases) if expected == actual and phrases else None


def load_fixed_points(converter: object) -> FixedPoints | None:
    """The test for ``converter`` (an ``opencc.OpenCC``), or ``None`` when the table is not its.

    ``None`` for a configuration other than ``t2s``, an OpenCC whose dictionaries are not the
    ones the table was made from, or files that cannot be read: the caller then converts
    every text.
    """
    config = getattr(converter, "config", None)
    if not isinstance(config, str) or Path(config).name != "t2s.json":
        return None
    return _load(config)


# --- making the table (offline: scripts and tests, never at run time) ------------------


def _exported_entries(path: Path) -> list[tuple[str, str]]:
    """(key, default value) of one ``.ocd2`` dictionary, through ``opencc_dict``."""
    import opencc

    clib = Path(opencc.__file__).parent / "clib"
    env = {**os.environ, "LD_LIBRARY_PATH": str(clib / "lib64") + os.pathsep + str(clib / "lib")}
    with tempfile.TemporaryDirectory() as temporary:
        out = Path(temporary) / "dict.txt"
        command = [
            str(clib / "bin" / "opencc_dict"),
            "-i",
            str(path),
            "-o",
            str(out),
            "-f",
            "ocd2",
            "-t",
            "text",
        ]
        subprocess.run(command, check=True, env=env, capture_output=True)  # noqa: S603 - our own paths
        lines = out.read_text("utf-8").splitlines()
    return [(key, values.split(" ")[0]) for key, values in (line.split("\t", 1) for line in lines if line)]


def witness_table(entries: Iterable[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    """Witness character → changing keys, from every (key, default value) of the dictionaries."""
    entries = list(entries)
    keys_of_their_own = {key for key, _ in entries if len(key) == 1}
    changing = sorted({key for key, value in entries if value != key})
    chars = {key for key in changing if len(key) == 1}
    phrases: dict[str, list[str]] = {char: [char] for char in chars}
    for key in changing:
        if len(key) == 1 or chars.intersection(key):
            continue  # a changing character of the key already sends the text to OpenCC
        witness = next((char for char in key if char in keys_of_their_own), key[0])
        phrases.setdefault(witness, []).append(key)
    return {witness: tuple(keys) for witness, keys in sorted(phrases.items())}


def write_table(config_path: str, out: Path) -> dict[str, tuple[str, ...]]:
    """Export the dictionaries of ``config_path`` and write the witness table to ``out``."""
    files = dictionary_files(config_path)
    entries = [entry for path in files[1:] for entry in _exported_entries(path)]
    phrases = witness_table(entries)
    lines = [
        "# Witnesses of the keys OpenCC's t2s changes: made by minyi.pipeline._opencc_fixed.write_table",
        "# from OpenCC's dictionaries (https://github.com/BYVoid/OpenCC, Apache License 2.0).",
        f"# sha256 {fingerprint(files)}",
        "*\t" + "".join(witness for witness, keys in phrases.items() if keys == (witness,)),
        *("\t".join((witness, *keys)) for witness, keys in phrases.items() if keys != (witness,)),
    ]
    out.write_text("\n".join(lines) + "\n", "utf-8")
    return phrases
