"""The heat formula's weights as a deployment configures them (``MINYI_HEAT_WEIGHTS``, ``--weight``).

Written as ``name=value`` pairs separated by commas, e.g.
``volume=1,authors=1.5,engagement=0.5,growth=1,tau_days=14``; names are the fields of
:class:`~minyi.issues.detect.heat.HeatWeights`, and a name left out keeps its default.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields, replace

from minyi.issues.detect.heat import HeatWeights

NAMES = tuple(f.name for f in fields(HeatWeights))


def parse_weights(pairs: str | Iterable[str], base: HeatWeights | None = None) -> HeatWeights:
    """``base`` (default weights if ``None``) with the given ``name=value`` pairs replaced.

    Raises:
        ValueError: A pair is malformed, names no weight, or its value is not a finite
            number ≥ 0 (``growth_days`` a whole number ≥ 1); the message names the pair.
    """
    text = pairs if isinstance(pairs, str) else ",".join(pairs)
    if not text.strip(",").strip():
        return base or HeatWeights()  # nothing to change: the settings (pydantic) are not imported
    from minyi.settings import check_weight_pairs  # local: 0.1 s of pydantic for `issues detect`

    changes: dict[str, float | int] = dict(check_weight_pairs(text))
    if "growth_days" in changes:
        changes["growth_days"] = int(changes["growth_days"])
    return replace(base or HeatWeights(), **changes)  # type: ignore[arg-type]


def describe(weights: HeatWeights) -> str:
    """The weights in the ``name=value`` form :func:`parse_weights` reads."""
    return ",".join(f"{name}={getattr(weights, name):g}" for name in NAMES)
