"""Check an official reply before it is published (答复质量检查).

:class:`ReplyQualityChecker` reads a citizen's message and the draft reply and
returns a :class:`ReplyQuality`: a score from 0 to 100 and four components, each
with reasons in Chinese that an official can act on and an English ``code``.

Relevance (相关性)
    TF-IDF cosine between the message (title and body) and the reply over
    :class:`~minyi.pipeline.segment.Segmenter` words, and the share of the
    message's *key terms* the reply mentions.  Key terms are the content words of
    the title (places, estates, objects: ``丽发新城``, ``搅拌站``), adjacent words
    merged into one phrase; request verbs and office words are not key terms.  A
    missing key term gives ``missing_key_terms`` (“答复未提及留言中的‘丽发新城’‘搅拌站’”).
Completeness (完整性)
    Five elements, each with a weight: greeting (称呼/问候), action (处理过程或依据:
    经核查, 已责成, 现场查看, 根据《…》), result (处理结果: 已整改, 预计…完工,
    不属于…范围 with a reason), next step or contact (如有疑问请致电…, 下一步…) and
    closing (感谢您…).  A result that is only a promise to study gets half credit.
Timeliness (时效)
    Working days (Monday to Friday, minus ``holidays``) from receipt to reply,
    against ``due_at`` or, without it, ``due_working_days`` after receipt.  Not
    scored when the times are missing.
Issues (问题)
    Too short, unfilled template placeholders, the reply copying the message.
    Placeholders and copying are *blocking*: the overall score is capped.

The overall score is the weighted mean of the scored components.  Follows
scikit-learn conventions: settings in ``__init__``, :meth:`ReplyQualityChecker.fit`
learns IDF statistics and the cosine scale from a corpus of answered messages, and
an unfitted checker works with uniform IDF and the default scale.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Self

import numpy as np

from minyi.pipeline import reply_quality_cues as cues
from minyi.pipeline.normalize import TextNormalizer
from minyi.pipeline.reply_quality_result import (
    ComponentScore,
    Finding,
    ReplyQuality,
    WorkingDays,
    _Relevance,
    days_on_calendar,
    days_on_weekdays,
    working_days_between,
)
from minyi.pipeline.segment import Segmenter

__all__ = [
    "DEFAULT_ELEMENT_WEIGHTS",
    "DEFAULT_WEIGHTS",
    "ComponentScore",
    "Finding",
    "ReplyQuality",
    "ReplyQualityChecker",
    "working_days_between",
]

#: Weights of the components in the overall score (unscored components are left out).
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "relevance": 0.35,
    "completeness": 0.35,
    "timeliness": 0.15,
    "issues": 0.15,
}

#: Weights of the completeness elements (they sum to 100).
DEFAULT_ELEMENT_WEIGHTS: Mapping[str, float] = {
    "greeting": 10.0,
    "action": 25.0,
    "result": 30.0,
    "next_step": 20.0,
    "closing": 15.0,
}

_MISSING_REASONS: Mapping[str, str] = {
    "greeting": "缺少称呼或问候语（如“网友您好”）",
    "action": "缺少处理过程：未说明做了什么（如“经核查”“已责成…”“现场查看”）或答复依据",
    "result": "缺少处理结果：未说明是否已整改、解决或何时完成，也未说明不予办理的理由",
    "next_step": "缺少联系方式或后续安排（如“如有疑问，请致电…”“可向…反映”）",
    "closing": "缺少结束语（如“感谢您对我们工作的支持”）",
}
#: Part-of-speech tags (jieba) of words that can be key terms: nouns, names, Latin, abbreviations.
_NAME_TAGS = ("n", "eng", "j", "vn", "nz")
_MIN_QUANTILE_PAIRS = 20


def _quote(terms: Iterable[str]) -> str:
    """``‘a’‘b’`` for reasons."""
    return "".join(f"‘{t}’" for t in terms)


class ReplyQualityChecker:
    """Score an official reply for relevance, completeness, timeliness and issues.

    Args:
        weights: component weights of the overall score (see :data:`DEFAULT_WEIGHTS`).
        element_weights: completeness element weights (see :data:`DEFAULT_ELEMENT_WEIGHTS`).
        min_chars: a reply with fewer characters (whitespace excluded) is ``too_short``.
        due_working_days: reply deadline in working days when ``due_at`` is not given.
        holidays: dates that are not working days (weekends never are).
        late_day_penalty: timeliness points lost per working day late.
        cosine_full: TF-IDF cosine that earns full similarity credit when unfitted.
        cosine_quantile: :meth:`fit` sets the full-credit cosine to this quantile of
            the message–reply cosines of the corpus.
        coverage_weight: share of the relevance score given by key-term coverage
            (the rest comes from the cosine).
        low_relevance: relevance below this gives ``low_relevance``.
        copy_threshold: share of the reply's 8-character shingles found in the
            message above which the reply ``copies_message``.
        blocking_cap: highest overall score when a blocking issue is found.
        greeting_window: the greeting must start within this many leading characters.
        closing_window: the closing must lie within this many trailing characters
            (after the date or signature).
        max_key_terms: at most this many key terms are taken from a message.
        user_words: words the segmenter keeps whole (the city's estate and place names).
    """

    def __init__(  # noqa: PLR0913 - scikit-learn style: one keyword per setting
        self,
        *,
        weights: Mapping[str, float] | None = None,
        element_weights: Mapping[str, float] | None = None,
        min_chars: int = 50,
        due_working_days: int = 15,
        holidays: Iterable[date] = (),
        late_day_penalty: float = 10.0,
        cosine_full: float = 0.35,
        cosine_quantile: float = 0.75,
        coverage_weight: float = 0.5,
        low_relevance: float = 50.0,
        copy_threshold: float = 0.6,
        blocking_cap: float = 40.0,
        greeting_window: int = 60,
        closing_window: int = 60,
        max_key_terms: int = 8,
        user_words: Iterable[str] = (),
    ) -> None:
        self.weights = weights
        self.element_weights = element_weights
        self.min_chars = min_chars
        self.due_working_days = due_working_days
        self.holidays = holidays
        self.late_day_penalty = late_day_penalty
        self.cosine_full = cosine_full
        self.cosine_quantile = cosine_quantile
        self.coverage_weight = coverage_weight
        self.low_relevance = low_relevance
        self.copy_threshold = copy_threshold
        self.blocking_cap = blocking_cap
        self.greeting_window = greeting_window
        self.closing_window = closing_window
        self.max_key_terms = max_key_terms
        self.user_words = user_words

    # ------------------------------------------------------------------ set-up
    def _prepare(self) -> None:
        """Build the normaliser and segmenter and check the settings (idempotent)."""
        if hasattr(self, "segmenter_"):
            return
        self.weights_ = dict(DEFAULT_WEIGHTS if self.weights is None else self.weights)
        self.element_weights_ = dict(
            DEFAULT_ELEMENT_WEIGHTS if self.element_weights is None else self.element_weights
        )
        unknown = (set(self.weights_) - set(DEFAULT_WEIGHTS)) | (
            set(self.element_weights_) - set(DEFAULT_ELEMENT_WEIGHTS)
        )
        if unknown:
            raise ValueError(f"unknown weight names: {sorted(unknown)}")
        if any(w < 0 for w in (*self.weights_.values(), *self.element_weights_.values())):
            raise ValueError("weights must not be negative")
        self.holidays_ = frozenset(self.holidays)
        self.normalizer_ = TextNormalizer().fit()
        self.segmenter_ = Segmenter(user_words=self.user_words).fit()
        if not hasattr(self, "idf_"):
            self.idf_: dict[str, float] = {}
            self.default_idf_ = 1.0
            self.cosine_full_ = self.cosine_full

    def fit(self, messages: Iterable[str | tuple[str, str]], replies: Iterable[str] = ()) -> Self:
        """Learn IDF statistics and the cosine scale from answered messages.

        Args:
            messages: message texts, or ``(title, body)`` pairs.
            replies: the replies, in the same order (may be empty: IDF only).

        Returns:
            ``self``.
        """
        for name in ("segmenter_", "idf_"):
            self.__dict__.pop(name, None)
        self._prepare()
        message_tokens = [self._tokens(self._text(m)) for m in messages]
        reply_tokens = [self._tokens(self._norm(r)) for r in replies]
        docs = message_tokens + reply_tokens
        df = Counter(t for doc in docs for t in set(doc))
        n = len(docs)
        self.idf_ = {t: math.log((1 + n) / (1 + c)) + 1.0 for t, c in df.items()}
        self.default_idf_ = math.log(1 + n) + 1.0
        pairs = list(zip(message_tokens, reply_tokens, strict=False))
        if len(pairs) >= _MIN_QUANTILE_PAIRS:
            cosines = [cues.cosine(self._vector(m), self._vector(r)) for m, r in pairs if m and r]
            self.cosine_full_ = max(float(np.quantile(cosines, self.cosine_quantile)), 1e-6)
        else:
            self.cosine_full_ = self.cosine_full
        return self

    # ------------------------------------------------------------------ text
    def _norm(self, text: str | None) -> str:
        """Normalised text."""
        return self.normalizer_.transform_one(text or "").text

    def _text(self, message: str | tuple[str, str]) -> str:
        """One normalised text for a message given as text or ``(title, body)``."""
        if isinstance(message, tuple):
            return self._norm(" ".join(message))
        return self._norm(message)

    def _tokens(self, text: str) -> list[str]:
        """Content words: segmented, without stop words, office words, codes and numbers."""
        text = cues.ADMIN_CODE.sub(" ", text)
        return [
            t
            for t in self.segmenter_.tokens(text)
            if t not in cues.GENERIC_WORDS and not t.replace(".", "").isdigit()
        ]

    def _vector(self, tokens: Iterable[str]) -> dict[str, float]:
        """Sublinear TF times IDF."""
        counts = Counter(tokens)
        return {t: (1.0 + math.log(c)) * self.idf_.get(t, self.default_idf_) for t, c in counts.items()}

    def _title_words(self, title: str) -> list[str]:
        """Title words that can name a place or an object: nouns, and words next to a name ending.

        Part-of-speech tags come from the segmenter's own dictionary (``jieba_.tag``);
        verbs such as ``抓紧``, ``规划`` or ``反对`` are left out unless the next word
        ends like a name (``丽发`` before ``新城``).
        """
        tokens = self._tokens(title)
        tagged = self.segmenter_.jieba_.tag(cues.ADMIN_CODE.sub(" ", title))
        flags = {str(word).lower(): str(flag) for word, flag in tagged}
        kept = []
        for i, token in enumerate(tokens):
            following = tokens[i + 1] if i + 1 < len(tokens) else ""
            if (
                flags.get(token, "n").startswith(_NAME_TAGS)
                or cues.NAME_SUFFIX.search(token)
                or cues.NAME_SUFFIX.search(following)
            ):
                kept.append(token)
        return kept

    def _key_terms(self, title: str, body_tokens: list[str]) -> list[tuple[str, tuple[str, ...]]]:
        """Key phrases of the message with their words.

        Adjacent title words (see :meth:`_title_words`) are merged into one phrase
        until a word ends like a name (``新城``, ``站``, ``小区``: see ``NAME_SUFFIX``),
        so ``丽发`` + ``新城`` give ``丽发新城`` and the next word starts a new phrase.
        """
        lowered = title.lower()
        runs: list[tuple[int, int, list[str]]] = []
        cursor = 0
        for token in self._title_words(title):
            start = lowered.find(token, cursor)
            if start < 0:
                continue
            end = start + len(token)
            previous = runs[-1] if runs else None
            if (
                previous is not None
                and previous[1] == start
                and end - previous[0] <= 8  # noqa: PLR2004 - longest merged phrase
                and not cues.NAME_SUFFIX.search(previous[2][-1])
            ):
                runs[-1] = (previous[0], end, [*previous[2], token])
            else:
                runs.append((start, end, [token]))
            cursor = end
        spans = [(*cues.whole_term(title, s, e), words) for s, e, words in runs]
        terms = [(title[s:e], tuple(words)) for s, e, words in spans]
        if len(terms) < 2:  # noqa: PLR2004 - an uninformative title: add frequent body words
            seen = {w for _, words in terms for w in words}
            ranked = sorted(
                (
                    (c * self.idf_.get(t, self.default_idf_), t)
                    for t, c in Counter(body_tokens).items()
                    if c > 1
                ),
                reverse=True,
            )
            terms += [(t, (t,)) for _, t in ranked if t not in seen][: 3 - len(terms)]
        unique: dict[str, tuple[str, tuple[str, ...]]] = {}
        for phrase, words in terms:  # two runs may grow into one whole word: keep the first
            unique.setdefault(phrase, (phrase, words))
        return list(unique.values())[: self.max_key_terms]

    # ------------------------------------------------------------------ components
    def _relevance(self, title: str, body: str, reply: str) -> tuple[ComponentScore, _Relevance]:
        """TF-IDF cosine and key-term coverage."""
        message_tokens = self._tokens(f"{title} {body}")
        if not message_tokens:
            return ComponentScore("relevance", None, note="留言无可比对的内容，未评相关性"), _Relevance()
        reply_lower = reply.lower()
        reply_bigrams = cues.bigrams(reply_lower)
        similarity = cues.cosine(self._vector(message_tokens), self._vector(self._tokens(reply)))
        key_terms = self._key_terms(title, self._tokens(body))
        missing: list[str] = []
        coverage_sum = 0.0
        for phrase, _words in key_terms:
            share = 1.0 if phrase.lower() in reply_lower else cues.mentioned(phrase.lower(), reply_bigrams)
            coverage_sum += share
            if share < 0.5:  # noqa: PLR2004 - less than half of the phrase is not the phrase
                missing.append(phrase)
        sim_part = min(1.0, similarity / self.cosine_full_)
        coverage = coverage_sum / len(key_terms) if key_terms else sim_part
        score = 100.0 * ((1.0 - self.coverage_weight) * sim_part + self.coverage_weight * coverage)
        findings: list[Finding] = []
        if missing:
            reason = f"答复未提及留言中的{_quote(missing[:5])}，请确认是否针对所反映的地点和事项作答"
            findings.append(Finding("missing_key_terms", reason, "relevance"))
        if score < self.low_relevance:
            reason = f"答复与留言内容重合度低（相似度{similarity:.2f}），可能答非所问或答复了另一条留言"
            findings.append(Finding("low_relevance", reason, "relevance"))
        note = f"相似度{similarity:.2f}，提及关键词{len(key_terms) - len(missing)}/{len(key_terms)}"
        details = _Relevance(round(similarity, 4), tuple(p for p, _ in key_terms), tuple(missing))
        return ComponentScore("relevance", round(score, 1), tuple(findings), note), details

    def _elements(self, reply: str) -> tuple[dict[str, float], list[Finding]]:
        """Which completeness elements the reply holds (1, 0.5 or 0) and the findings for them."""
        found = {
            "greeting": float(cues.has_greeting(reply, self.greeting_window)),
            "action": float(cues.ACTION.search(reply) is not None),
            "result": 0.0,
            "next_step": float(cues.NEXT_STEP.search(reply) is not None),
            "closing": float(cues.has_closing(reply, self.closing_window)),
        }
        findings: list[Finding] = []
        if cues.DEFINITE_RESULT.search(reply):
            found["result"] = 1.0
        elif cues.VAGUE_RESULT.search(reply):
            found["result"] = 0.5
            reason = "处理结果不明确：仅称“将研究”“正在推进”等，请写明处理结果或预计完成时间"
            findings.append(Finding("vague_result", reason, "completeness"))
        refusal = cues.REFUSAL.search(reply)
        if refusal and not cues.REFUSAL_REASON.search(reply[: refusal.start()] + reply[refusal.end() :]):
            found["result"] = min(found["result"], 0.5)
            reason = "答复称不属于受理范围，但未说明理由，也未告知应向哪个部门反映"
            findings.append(Finding("refusal_without_reason", reason, "completeness"))
        for name, value in found.items():
            if value == 0.0:
                findings.append(Finding(f"missing_{name}", _MISSING_REASONS[name], "completeness"))
        return found, findings

    def _completeness(self, reply: str) -> tuple[ComponentScore, dict[str, float]]:
        """Weighted share of the five elements."""
        found, findings = self._elements(reply)
        total = sum(self.element_weights_.values()) or 1.0
        score = 100.0 * sum(self.element_weights_.get(k, 0.0) * v for k, v in found.items()) / total
        present = sum(v == 1.0 for v in found.values())
        note = f"要素齐全{present}/{len(found)}"
        return ComponentScore("completeness", round(score, 1), tuple(findings), note), found

    def _timeliness(
        self,
        received_at: datetime | None,
        replied_at: datetime | None,
        due_at: datetime | None,
        calendar: WorkingDays | None = None,
    ) -> tuple[ComponentScore, int | None, int | None]:
        """Working days used and days late; not scored without the times."""
        if replied_at is None or (received_at is None and due_at is None):
            return ComponentScore("timeliness", None, note="未提供留言或答复时间，未评时效"), None, None
        if calendar is not None:
            used, due, late = days_on_calendar(
                calendar, received_at, replied_at, due_at, self.due_working_days
            )
        else:
            used, due, late = days_on_weekdays(
                received_at, replied_at, due_at, self.due_working_days, self.holidays_
            )
        used_text = f"用时{used}个工作日，" if used is not None else ""
        if used is not None and used < 0:
            reason = "答复时间早于留言时间，请核对时间"
            finding = Finding("time_order", reason, "timeliness")
            return ComponentScore("timeliness", None, (finding,), reason), used, None
        if late == 0:
            note = f"按期答复：{used_text}期限{due.isoformat()}"
            return ComponentScore("timeliness", 100.0, (), note), used, 0
        reason = f"答复超期{late}个工作日（{used_text}期限{due.isoformat()}）"
        score = max(0.0, 100.0 - self.late_day_penalty * late)
        finding = Finding("late_reply", reason, "timeliness")
        return ComponentScore("timeliness", score, (finding,), reason), used, late

    def _issues(self, message: str, reply: str) -> tuple[ComponentScore, bool]:
        """Too short, placeholders, copying; returns whether a blocking issue was found."""
        findings: list[Finding] = []
        penalty = 0.0
        blocking = False
        length = len("".join(reply.split()))
        if length < self.min_chars:
            reason = f"答复过短（{length}字，少于{self.min_chars}字），未说明办理情况"
            findings.append(Finding("too_short", reason, "issues"))
            penalty += 50.0
        holes = list(dict.fromkeys(m.group(0) for m in cues.PLACEHOLDER.finditer(reply)))
        if holes:
            reason = f"答复含未填写的模板占位符{_quote(holes[:5])}，请补全后再发布"
            findings.append(Finding("unfilled_placeholder", reason, "issues"))
            penalty += 60.0
            blocking = True
        reply_shingles = cues.shingles(reply)
        if reply_shingles and message:
            copied = len(reply_shingles & cues.shingles(message)) / len(reply_shingles)
            if copied >= self.copy_threshold:
                reason = f"答复大段照抄留言原文（{copied:.0%}的内容与留言相同），未给出答复意见"
                findings.append(Finding("copies_message", reason, "issues"))
                penalty += 60.0
                blocking = True
        note = "未发现问题" if not findings else "；".join(f.reason for f in findings)
        return ComponentScore("issues", max(0.0, 100.0 - penalty), tuple(findings), note), blocking

    # ------------------------------------------------------------------ public
    def check(  # noqa: PLR0913, PLR0917 - the message, the reply and three optional times
        self,
        message_title: str,
        message_body: str,
        reply: str,
        received_at: datetime | None = None,
        replied_at: datetime | None = None,
        due_at: datetime | None = None,
        calendar: WorkingDays | None = None,
    ) -> ReplyQuality:
        """Score one reply to one message (see the module docstring).

        ``calendar``: the office's working calendar, whose local dates, holidays and
        make-up working days count the days (else the times' dates and ``holidays``).
        """
        self._prepare()
        title, body, text = self._norm(message_title), self._norm(message_body), self._norm(reply)
        timeliness, used, late = self._timeliness(received_at, replied_at, due_at, calendar)
        if not text:
            return self._empty(timeliness, used, late)
        relevance, details = self._relevance(title, body, text)
        completeness, elements = self._completeness(text)
        issues, blocking = self._issues(body or title, text)
        parts = {
            "relevance": relevance,
            "completeness": completeness,
            "timeliness": timeliness,
            "issues": issues,
        }
        scored = {
            k: p.score for k, p in parts.items() if p.score is not None and self.weights_.get(k, 0.0) > 0
        }
        total = sum(self.weights_[k] for k in scored)
        score = sum(self.weights_[k] * s for k, s in scored.items()) / total if total else 0.0
        if blocking:
            score = min(score, self.blocking_cap)
        return ReplyQuality(
            score=round(score, 1),
            relevance=relevance,
            completeness=completeness,
            timeliness=timeliness,
            issues=issues,
            elements=elements,
            key_terms=details.key_terms,
            missing_key_terms=details.missing_key_terms,
            similarity=details.similarity,
            working_days=used,
            days_late=late,
            blocking=blocking,
        )

    def _empty(self, timeliness: ComponentScore, used: int | None, late: int | None) -> ReplyQuality:
        """The result for an empty reply: score 0, one blocking finding."""
        reason = "答复内容为空，请填写答复意见"
        finding = Finding("empty_reply", reason, "issues")
        return ReplyQuality(
            score=0.0,
            relevance=ComponentScore("relevance", 0.0, note="答复为空"),
            completeness=ComponentScore("completeness", 0.0, note="答复为空"),
            timeliness=timeliness,
            issues=ComponentScore("issues", 0.0, (finding,), reason),
            elements=dict.fromkeys(DEFAULT_ELEMENT_WEIGHTS, 0.0),
            working_days=used,
            days_late=late,
            blocking=True,
        )
