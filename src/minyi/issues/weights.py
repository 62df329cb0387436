"""The heat formula's weights as a deployment configures them (``MINYI_HEAT_WEIGHTS``, ``--weight``).

Written as ``name=value`` pairs separated by commas, e.g.
``volume=1,authors=1.5,engagement=0.5,growth=1,tau_days=14``; names are the fields of
:class:`~minyi.issues.heat.HeatWeights`, and a name left out keeps its default.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import fields, replace

from minyi.issues.heat import HeatWeights

NAMES = tuple(f.name for f in fields(HeatWeights))


def parse_weights(pairs: str | Iterable[str], base: HeatWeights | None = None) -> HeatWeights:
    """``base`` (default weights if ``None``) with the given ``name=value`` pairs replaced.

    Raises:
        ValueError: A pair is malformed, names no weight, or its value is not a finite
            number ≥ 0 (``growth_days`` a whole number ≥ 1); the message names the pair.
    """
    items = [p for p in (pairs.split(",") if isinstance(pairs, str) else pairs) if p.strip()]
    changes: dict[str, float | int] = {}
    for item in items:
        name, sep, raw = item.partition("=")
        name = name.strip()
        if not sep or name not in NAMES:
            msg = f"heat weight {item.strip()!r}: expected NAME=VALUE with NAME one of {', '.join(NAMES)}"
            raise ValueError(msg)
        changes[name] = _value(name, raw.strip())
    return replace(base or HeatWeights(), **changes)  # type: ignore[arg-type]


def _value(name: str, raw: str) -> float | int:
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        msg = f"heat weight {name}={raw!r}: the value must be a number ≥ 0"
        raise ValueError(msg)
    if name == "growth_days":
        if value < 1 or value != int(value):
            msg = f"heat weight growth_days={raw!r}: the value must be a whole number of days ≥ 1"
            raise ValueError(msg)
        return int(value)
    return value


def describe(weights: HeatWeights) -> str:
    """The weights in the ``name=value`` form :func:`parse_weights` reads."""
    return ",".join(f"{name}={getattr(weights, name):g}" for name in NAMES)
