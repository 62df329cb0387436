"""Interface texts, one module per feature, each with a ``TEXTS`` dict of key → (zh, en).

Every module of this package is read at import: a feature adds its texts by adding a
module here, without touching the others (and a key defined twice is an error, so two
features cannot silently overwrite each other's words).
"""

from __future__ import annotations

import importlib
import pkgutil


def collect_texts() -> dict[str, tuple[str, str]]:
    """All texts of every module in this package, merged; a duplicate key raises."""
    merged: dict[str, tuple[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda item: item.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        texts: dict[str, tuple[str, str]] = getattr(module, "TEXTS", {})
        clash = merged.keys() & texts.keys()
        if clash:
            raise RuntimeError(f"interface text defined twice: {sorted(clash)} (in {info.name})")
        merged.update(texts)
    return merged
