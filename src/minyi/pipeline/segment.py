"""Cut Chinese messages into words for the word-level features of later stages.

:class:`Segmenter` wraps `rjieba <https://pypi.org/project/rjieba/>`_, the Rust
port of jieba (the same dictionary and HMM as the Python ``jieba``, several times
faster, no model download: the dictionary ships inside the wheel).

Deployment dictionary
    A city has its own place, estate and programme names (``金毛湾``, ``五矿万境``,
    ``人才购房补贴``) that the general dictionary splits.  ``user_words`` are added to
    a **private** :class:`rjieba.Jieba` instance with :meth:`rjieba.Jieba.add_word`, so
    two segmenters with different dictionaries never disturb each other or the
    module-level default.  (rjieba cannot read a jieba ``userdict.txt`` file; the
    words are passed as strings instead, which is what a settings file or the
    department table gives anyway.)

Stop words
    ``stop_words=None`` loads the default list shipped with the package
    (``minyi/pipeline/data/stop_words_zh.txt``: function words, pronouns, particles,
    polite formulas and punctuation, written for this project).  Pass ``()`` to keep
    every token.  Whitespace, pure punctuation runs and (unless
    ``keep_single_chars``) single-character tokens are dropped too; single Latin
    letters and digits are dropped with them, but ``A3`` or ``12345`` stay.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from functools import cache
from importlib import resources
from typing import Self

__all__ = ["DEFAULT_STOP_WORDS_RESOURCE", "Segmenter", "default_stop_words"]

#: Name of the packaged stop-word list inside ``minyi.pipeline.data``.
DEFAULT_STOP_WORDS_RESOURCE = "stop_words_zh.txt"
_MEMO_SIZE = 50_000  # distinct tokens remembered before the memo starts afresh


@cache
def default_stop_words() -> frozenset[str]:
    """Return the packaged default stop-word list (cached after the first call)."""
    text = resources.files("minyi.pipeline").joinpath("data", DEFAULT_STOP_WORDS_RESOURCE).read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    )


class _TokenMemo(dict[str, str]):
    """Token → kept form (``""``: dropped), computed once by ``keep`` on a miss."""

    def __init__(self, keep: Callable[[str], str]) -> None:
        super().__init__()
        self.keep = keep

    def __missing__(self, token: str) -> str:
        kept = self[token] = self.keep(token)
        return kept


def _is_punctuation(token: str) -> bool:
    """Whether every character of ``token`` is punctuation, a symbol or a space."""
    return all(unicodedata.category(ch)[0] in "PSZC" for ch in token)


class Segmenter:
    """Word segmentation with a deployment dictionary and stop-word filtering.

    Args:
        user_words: words the segmenter must keep whole (place, estate, programme
            names).  Added to a private rjieba dictionary at :meth:`fit`.
        stop_words: words to drop; ``None`` uses the packaged default list, an empty
            iterable keeps everything.
        keep_single_chars: keep one-character tokens (dropped by default: in
            message text they are mostly particles and measure words).
    """

    def __init__(
        self,
        user_words: Iterable[str] = (),
        stop_words: Iterable[str] | None = None,
        keep_single_chars: bool = False,
    ) -> None:
        self.user_words = user_words
        self.stop_words = stop_words
        self.keep_single_chars = keep_single_chars

    def fit(self, texts: Iterable[str] | None = None) -> Self:  # noqa: ARG002 - API symmetry
        """Build the private dictionary and the stop-word set.

        Args:
            texts: ignored; accepted so the stage fits in a pipeline.

        Returns:
            ``self``.
        """
        import rjieba  # local import: the dictionary loads only when a segmenter is used

        jieba = rjieba.Jieba()
        words = sorted({w.strip() for w in self.user_words if w and w.strip()})
        for word in words:
            jieba.add_word(word, None, None)
        self.jieba_ = jieba
        self.user_words_ = tuple(words)
        self.stop_words_ = (
            default_stop_words()
            if self.stop_words is None
            else frozenset(w.strip() for w in self.stop_words if w.strip())
        )
        #: token → its kept, lower-cased form or ``""`` (the filters cost more than the cut)
        self.memo_ = _TokenMemo(self._kept)
        return self

    def _fitted(self) -> None:
        """Fit lazily: segmentation needs no data, so an unfitted segmenter fits itself."""
        if not hasattr(self, "jieba_"):
            self.fit()

    def _kept(self, token: str) -> str:
        """``token`` lower-cased if it survives the filters, else ``""``."""
        if not token or token.isspace() or token in self.stop_words_:
            return ""
        if len(token) == 1 and not self.keep_single_chars:
            return ""
        return "" if _is_punctuation(token) else token.lower()

    def tokens(self, text: str) -> list[str]:
        """Segment one text and return its kept tokens, in order.

        Latin letters are lower-cased so ``WiFi`` and ``wifi`` are one feature.
        """
        self._fitted()
        memo = self.memo_
        if len(memo) > _MEMO_SIZE:  # bounded: memory stays flat on an endless stream
            memo.clear()
        return list(filter(None, map(memo.__getitem__, self.jieba_.cut(text or ""))))

    def transform(self, texts: Iterable[str]) -> list[list[str]]:
        """Segment many texts."""
        return [self.tokens(text) for text in texts]

    def fit_transform(self, texts: Iterable[str]) -> list[list[str]]:
        """Fit (a no-op on the data) and segment ``texts``."""
        return self.fit().transform(texts)

    def __getstate__(self) -> dict[str, object]:
        """Pickle without the Rust dictionary object; it is rebuilt on first use."""
        state = dict(self.__dict__)
        for key in ("jieba_", "user_words_", "stop_words_", "memo_"):
            state.pop(key, None)
        fitted = hasattr(self, "jieba_")
        state["user_words"] = self.user_words_ if fitted else tuple(self.user_words)
        if self.stop_words is not None:
            state["stop_words"] = tuple(sorted(self.stop_words_)) if fitted else tuple(self.stop_words)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        """Restore settings; the dictionary is rebuilt lazily."""
        self.__dict__.update(state)
