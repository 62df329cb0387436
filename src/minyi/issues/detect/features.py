"""Turn one message into the sparse vector the issue detector compares.

Features, all in one growing vocabulary (term → integer id):

* **words** of the title and the body, cut by rjieba (the same dictionary as
  :mod:`minyi.pipeline.segment`), without stop words, single characters and pure
  numbers.  A title word counts ``title_weight`` times, a body word once; only the
  first ``max_body_chars`` characters of the body are read (the problem is stated
  first; the rest is mostly detail and politeness).
* **places** from :func:`~minyi.issues.detect.places.extract_places`, as ``@`` + core
  (``@丽发``), weighted ``place_weight``; administrative units (``@A2区``) get
  ``admin_weight`` instead, since they are shared by thousands of unrelated messages.

A term's weight is ``(1 + ln tf) · idf · kind weight`` with the smoothed inverse
document frequency ``idf = ln((1 + N) / (1 + df)) + 1`` over the ``N`` messages seen so
far (the counts grow as messages arrive, so the vocabulary never has to be fixed in
advance).  Only the ``max_features`` heaviest terms are kept and the vector is
L2-normalised, so a dot product of two vectors is their cosine similarity.

When :mod:`minyi._issuestate` was built, the vocabulary (term ids, document frequencies, the
kept word of each token) lives in its ``Vocabulary`` and one compiled call counts a
message's words and weighs them, with no dict of counts; the dict path
(:func:`~minyi.issues.detect._fast.count_words`, :func:`~minyi.issues.detect._fast.weigh`)
stays the reference and gives the same ids and vectors (``tests/unit/issues/detect/test_fast.py``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, Self

from minyi.issues.detect._fast import PLACE_PREFIX, compiled_vocabulary, count_words, weigh
from minyi.issues.detect.names import NameVariants
from minyi.issues.detect.places import Place, extract_places
from minyi.pipeline.normalize import TextNormalizer
from minyi.pipeline.segment import default_stop_words

__all__ = ["EXTRA_STOP_WORDS", "Features", "Featurizer", "SparseVector"]

SparseVector = dict[int, float]

#: Words frequent in complaints whatever the problem; dropped on top of the default list.
EXTRA_STOP_WORDS = frozenset(
    {
        "问题",
        "反映",
        "希望",
        "请问",
        "领导",
        "您好",
        "你好",
        "谢谢",
        "尊敬",
        "相关",
        "部门",
        "情况",
        "政府",
        "解决",
        "是否",
        "能否",
        "怎么",
        "为什么",
        "什么",
        "现在",
        "目前",
        "我们",
        "他们",
        "已经",
        "没有",
        "可以",
        "进行",
        "这个",
        "一个",
        "因为",
        "所以",
        "但是",
        "如果",
        "还是",
        "市民",
        "关于",
        "投诉",
        "咨询",
        "建议",
        "要求",
        "严重",
        "处理",
        "尽快",
        "一下",
        "非常",
        "这样",
        "不能",
        "不是",
        "时候",
        "知道",
        "请求",
        "很多",
        "的话",
    }
)
_MEMO_SIZE = 50_000


class _Vocabulary(Protocol):
    """The compiled vocabulary (``minyi._issuestate.Vocabulary``, see :func:`compiled_vocabulary`)."""

    def vector(  # noqa: PLR0913, PLR0917 - the C method's arguments
        self,
        title_tokens: list[str],
        body_tokens: list[str],
        names: list[str],
        joined: str,
        title_weight: float,
        places: list[tuple[str, float]],
        docs: int,
        learn: bool,
        place_weight: float,
        admin_weight: float,
        limit: int,
    ) -> SparseVector: ...

    def df(self, term: str) -> int: ...

    def id(self, term: str) -> int | None: ...


def _kept_word(stop_words: frozenset[str], word: str) -> str:
    """The word kept of a token (lower case), or ``""`` when dropped."""
    if len(word) < 2 or not word[0].isalnum() or word.isdigit() or word in stop_words:  # noqa: PLR2004
        return ""
    return word.lower()


class _WordMemo(dict[str, str]):
    """Token → the word kept (lower case), or ``""`` when dropped; remembers up to a bound."""

    def __init__(self, stop_words: frozenset[str]) -> None:
        super().__init__()
        self.stop_words = stop_words

    def __missing__(self, word: str) -> str:
        kept = _kept_word(self.stop_words, word)
        if len(self) < _MEMO_SIZE:
            self[word] = kept
        return kept


@dataclass(frozen=True, slots=True)
class Features:
    """What the detector knows of one message.

    Attributes:
        vector: Term id → weight, L2-normalised, heaviest first (empty when the text has no
            usable word).
        places: The places mentioned (title first, then body).
        text: The normalised title and body, for the near-duplicate index.
        title_cores: Cores of the named places and routes in the title (the most reliable
            mentions: titles name the place concisely; names found in the body are often
            not places at all), cores of areas (see ``common_core_share``) left out.
    """

    vector: SparseVector
    places: tuple[Place, ...]
    text: str
    title_cores: frozenset[str] = frozenset()


class Featurizer:
    """Words and places of a message as a TF-IDF vector over a growing vocabulary.

    Args:
        title_weight: How many times a title word counts.
        place_weight: Weight of a named place or route (on top of its idf).
        admin_weight: Weight of an administrative unit (``A市``, ``A3区``).
        max_body_chars: Characters of the body read.
        max_features: Terms kept per message, heaviest first.
        common_core_share: A place core in more than this share of the messages seen (and
            in at least ``min_common_df``) names an area, not a place (星沙 of 星沙大道,
            星沙四区 …): it stays a (light) term but no longer counts in the place test.
        min_common_df: See ``common_core_share``.
    """

    def __init__(  # noqa: PLR0913 - one keyword per setting, scikit-learn style
        self,
        *,
        title_weight: float = 3.0,
        place_weight: float = 2.5,
        admin_weight: float = 0.3,
        max_body_chars: int = 400,
        max_features: int = 48,
        common_core_share: float = 0.01,
        min_common_df: int = 20,
    ) -> None:
        self.title_weight = title_weight
        self.place_weight = place_weight
        self.admin_weight = admin_weight
        self.max_body_chars = max_body_chars
        self.max_features = max_features
        self.common_core_share = common_core_share
        self.min_common_df = min_common_df

    def get_params(self) -> dict[str, Any]:
        """The settings, as passed to ``__init__``."""
        names = (
            *("title_weight", "place_weight", "admin_weight", "max_body_chars", "max_features"),
            *("common_core_share", "min_common_df"),
        )
        return {name: getattr(self, name) for name in names}

    def reset(self) -> Self:
        """Check the settings and start with an empty vocabulary."""
        if self.max_features < 1 or self.max_body_chars < 0:
            raise ValueError("max_features must be positive and max_body_chars not negative")
        import rjieba  # local import: the dictionary loads only when a detector is used

        # Importing rjieba builds its default dictionary (0.1 s); a Jieba() of our own built the
        # same one again. The detector adds no word, so it cuts with that one (nothing in Minyi
        # adds words to it: the pipeline's Segmenter adds its own to a private Jieba).
        self.cut_ = rjieba.cut
        self.normalizer_ = TextNormalizer(max_chars=max(self.max_body_chars, 1) + 200).fit()
        self.stop_words_ = default_stop_words() | EXTRA_STOP_WORDS
        self.memo_ = _WordMemo(frozenset(self.stop_words_))
        self.names_ = NameVariants()
        self.index_: dict[str, int] = {}
        self.place_ids_: set[int] = set()
        self.terms_: list[str] = []
        self.df_: list[int] = []
        self.docs_ = 0
        compiled = compiled_vocabulary()
        keep = functools.partial(_kept_word, self.memo_.stop_words)
        self.vocabulary_: _Vocabulary | None = (
            compiled(keep, _MEMO_SIZE, self.terms_, self.place_ids_) if compiled is not None else None
        )
        return self

    def _ready(self) -> None:
        if not hasattr(self, "terms_"):
            self.reset()

    def term(self, term_id: int) -> str:
        """The term with id ``term_id``."""
        return self.terms_[term_id]

    def document_frequency(self, term: str) -> int:
        """Messages learned that hold ``term`` (0 for an unknown term)."""
        self._ready()
        if self.vocabulary_ is not None:
            return self.vocabulary_.df(term) if self.vocabulary_.id(term) is not None else 0
        term_id = self.index_.get(term)
        return 0 if term_id is None else self.df_[term_id]

    def words(self, text: str) -> list[str]:
        """The kept words of a normalised text."""
        self._ready()
        return [word for word in map(self.memo_.__getitem__, self.cut_(text)) if word]

    def _read(self, title: str, body: str) -> tuple[str, str, tuple[Place, ...], int, list[str]]:
        """Normalised title and body, places (title first), places in the title, names."""
        self._ready()
        title_text = self.normalizer_.transform_one(title).text
        body_text = self.normalizer_.transform_one(body[: self.max_body_chars + 200]).text
        body_text = body_text[: self.max_body_chars]
        in_title = tuple(map(self._canonical, extract_places(title_text)))
        places = in_title + tuple(
            self._canonical(place) for place in extract_places(body_text) if place.name not in title_text
        )
        # The words of a name are the name's (its place term), not the problem's.
        names = [place.name for place in places if place.kind == "named"]
        return title_text, body_text, places, len(in_title), names

    def _place_counts(self, places: tuple[Place, ...]) -> list[tuple[str, float]]:
        """``(place term, count)`` of each place: 1, or ``admin_weight`` for an administrative unit."""
        return [
            (PLACE_PREFIX + place.core, self.admin_weight if place.kind == "admin" else 1.0)
            for place in places
        ]

    def counts(self, title: str, body: str) -> tuple[dict[str, float], tuple[Place, ...], int, str]:
        """Weighted term counts, places and normalised text of one message (vocabulary untouched)."""
        title_text, body_text, places, in_title, names = self._read(title, body)
        joined = "\n".join(names)  # no word holds a line break: see count_words
        counts: dict[str, float] = {}
        for weight, text in ((self.title_weight, title_text), (1.0, body_text)):
            count_words(self.cut_(text), self.memo_, counts, names=names, joined=joined, weight=weight)
        counts.update(self._place_counts(places))
        return counts, places, in_title, f"{title_text} {body_text}".strip()

    def _canonical(self, place: Place) -> Place:
        """``place`` with the canonical spelling of its core (variant names are one place)."""
        if place.kind != "named":
            return place
        core = self.names_.canonical(place.core)
        return place if core == place.core else Place(place.name, place.kind, core)

    def transform_one(self, title: str, body: str, *, learn: bool = True) -> Features:
        """The features of one message; ``learn`` adds it to the document frequencies first."""
        self._ready()
        if self.vocabulary_ is None:
            vector, places, in_title, text = self._reference_vector(title, body, learn=learn)
            frequency: Callable[[str], int] = self._reference_df
        else:
            vector, places, in_title, text = self._compiled_vector(self.vocabulary_, title, body, learn=learn)
            frequency = self.vocabulary_.df
        common = max(self.min_common_df, self.common_core_share * self.docs_)
        named = [
            place.core
            for place in places
            if place.kind != "admin" and frequency(PLACE_PREFIX + place.core) < common
        ]
        in_title_cores = {place.core for place in places[:in_title]}
        title_cores = frozenset(core for core in named if core in in_title_cores)
        return Features(vector, places, text, title_cores)

    def _reference_df(self, term: str) -> int:
        """The document frequency of ``term`` as the place test reads it (term id 0's when unknown)."""
        return self.df_[self.index_.get(term, 0)]

    def _reference_vector(
        self, title: str, body: str, *, learn: bool
    ) -> tuple[SparseVector, tuple[Place, ...], int, str]:
        """The vector through the dict of counts (:func:`count_words`, :func:`weigh`): the reference."""
        counts, places, in_title, text = self.counts(title, body)
        if learn:
            self.docs_ += 1
        vector = weigh(
            counts,
            self.index_,
            self.terms_,
            self.df_,
            self.place_ids_,
            docs=1 + max(self.docs_, 1),
            learn=learn,
            place_weight=self.place_weight,
            admin_weight=self.admin_weight,
            limit=self.max_features,
        )
        return vector, places, in_title, text

    def _compiled_vector(
        self, vocabulary: _Vocabulary, title: str, body: str, *, learn: bool
    ) -> tuple[SparseVector, tuple[Place, ...], int, str]:
        """The same vector in one compiled call: counts and weights without a dict of counts."""
        title_text, body_text, places, in_title, names = self._read(title, body)
        if learn:
            self.docs_ += 1
        vector = vocabulary.vector(
            self.cut_(title_text),
            self.cut_(body_text),
            names,
            "\n".join(names),
            self.title_weight,
            self._place_counts(places),
            1 + max(self.docs_, 1),
            learn,
            self.place_weight,
            self.admin_weight,
            self.max_features,
        )
        return vector, places, in_title, f"{title_text} {body_text}".strip()

    def _id(self, term: str, *, learn: bool) -> int | None:
        """The id of ``term``; a new one when ``learn`` (else ``None`` for an unknown term)."""
        term_id = self.index_.get(term)
        if term_id is None and learn:
            term_id = self._new_id(term)
        return term_id

    def _new_id(self, term: str) -> int:
        """Add ``term`` to the vocabulary; returns its id."""
        term_id = len(self.terms_)
        self.index_[term] = term_id
        self.terms_.append(term)
        self.df_.append(0)
        if term[0] == PLACE_PREFIX:
            self.place_ids_.add(term_id)
        return term_id
