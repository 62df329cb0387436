"""Features of the trained kind-of-appeal model (:mod:`minyi.pipeline.appeal_model`).

One function turns a normalised ``(title, body)`` into named features, so that training
(scikit-learn) and prediction (plain NumPy, at intake) cannot drift apart.  The blocks:

``t:`` title characters (1–2-grams)
    The title usually names the appeal (``投诉…``, ``关于…的建议``, ``请问…``).
``b:`` body characters (1–2-grams) of the head and the tail
    The request is usually at the end; ``body_chars`` bounds the cost of long messages.
``w:`` words of title and body from :class:`~minyi.pipeline.segment.Segmenter`
    Words carry what bigrams split (``违章建筑``, ``拖欠工资``).
``c:`` the cue rules that fired (``c:t:12``: cue 12 in the title), their best kind (``r:``)
    and the rules' share of each kind (``s:``)
    The hand-written rules are features, so the model learns how far to trust each one;
    the same cues are the reasons shown to staff.

Each text block is binary and scaled to unit length, so that a long body does not drown
the title; cue and rule features keep their values.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from minyi.pipeline.segment import Segmenter

if TYPE_CHECKING:
    from minyi.pipeline.appeal import AppealClassifier

__all__ = ["FeatureMaker", "Features"]

#: One message's features: name → value.
Features = dict[str, float]

_NGRAMS = (1, 2)
_SPACES = str.maketrans("", "", " \t\r\n\u3000")


def _chars(text: str, prefix: str) -> set[str]:
    """Character 1–2-grams of ``text`` (spaces removed), prefixed."""
    text = text.translate(_SPACES)
    grams: set[str] = set()
    for n in _NGRAMS:
        grams.update(prefix + text[i : i + n] for i in range(len(text) - n + 1))
    return grams


def _unit(names: set[str], out: Features) -> None:
    """Add binary features scaled to unit length."""
    if names:
        value = 1.0 / math.sqrt(len(names))
        for name in names:
            out[name] = value


class FeatureMaker:
    """Named features of normalised messages for the appeal model.

    Args:
        rules: the cue rules whose firing becomes features (rules only, never a model).
        body_chars: body characters read: the first two thirds and the last third.
    """

    def __init__(self, rules: AppealClassifier, body_chars: int = 400) -> None:
        """Keep the rules and a segmenter (its dictionary loads on first use)."""
        self.rules = rules
        self.body_chars = body_chars
        self.segmenter = Segmenter()

    def body_part(self, body: str) -> str:
        """The head and tail of the body within ``body_chars``."""
        if len(body) <= self.body_chars:
            return body
        head = self.body_chars * 2 // 3
        return body[:head] + " " + body[head - self.body_chars :]

    def one(self, title: str, body: str) -> tuple[Features, list[str]]:
        """Features of one normalised message, and the reasons of the rules that fired."""
        part = self.body_part(body)
        out: Features = {}
        _unit(_chars(title, "t:"), out)
        _unit(_chars(part, "b:"), out)
        reasons = self.others(title, body, part, out)
        return out, reasons

    def others(self, title: str, body: str, part: str, out: Features) -> list[str]:
        """Add the word and cue features to ``out``; return the reasons of the rules that fired.

        Apart from the character blocks because intake computes those for a whole batch
        as integers (:mod:`minyi.pipeline.appeal_fast`); these are few per message.
        ``part`` is :meth:`body_part` of ``body``.
        """
        _unit({"w:" + w for w in self.words(title, part)}, out)
        return self.cues(title, body, out)

    def words(self, title: str, part: str) -> list[str]:
        """The words of the title and the body part: the ``w:`` block without its prefix.

        Apart so that intake looks the words up without building ``w:`` names.
        """
        return self.segmenter.tokens(f"{title} {part}")

    def cues(self, title: str, body: str, out: Features) -> list[str]:
        """Add the cue and rule features to ``out``; return the reasons of the rules that fired."""
        from minyi.pipeline.appeal import KINDS  # circular at import time: appeal imports nothing of us

        score = self.rules._score(title, body)  # noqa: SLF001 - the rules' own scorer, shared on purpose
        for where, index in score.fired:
            out[f"c:{where[0]}:{index}"] = 1.0
        total = score.total
        if total > 0:
            best = max(KINDS, key=lambda k: score.scores.get(k, 0.0))
            out["r:" + best] = 1.0
            for kind, value in score.scores.items():
                out["s:" + kind] = value / (total + self.rules.smoothing)
        else:
            out["r:none"] = 1.0
        if not title and not body:
            out["empty"] = 1.0
        return score.reasons

    def many(self, pairs: Sequence[tuple[str, str]]) -> tuple[list[Features], list[list[str]]]:
        """Features and rule reasons of many messages, in order."""
        features: list[Features] = []
        reasons: list[list[str]] = []
        for title, body in pairs:
            f, r = self.one(title, body)
            features.append(f)
            reasons.append(r)
        return features, reasons
