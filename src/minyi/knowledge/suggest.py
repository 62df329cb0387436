"""Suggestions for a case: similar answered cases, matching articles, and a drafted reply.

The case page shows, for the case's title and first message, the five most similar answered
cases (the case itself left out) and the matching articles in force, all masked as the
index keeps them. "Use as draft" writes the department's reply template with the chosen
answer's substance in place of its 【待填写】 gap, the citizen's details filled in as the
template picker fills them; the use is recorded (:class:`KnowledgeUse`) so that what helps
can be counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from minyi.accounts.models import User
from minyi.accounts.permissions import department_filter
from minyi.admin import services as admin
from minyi.cases.models import AppealKind, Case
from minyi.core.errors import InvalidInput, NotFound
from minyi.db.base import new_id, utcnow
from minyi.knowledge import search as knowledge_search
from minyi.knowledge.models import KnowledgeUse, UseKind
from minyi.knowledge.search import Hit
from minyi.settings import Settings

TOP = 5
ARTICLES = 3
#: Nothing is offered when the knowledge base holds less than this share of the case's
#: telling words (:attr:`~minyi.knowledge.index.Found.coverage`): it then knows nothing of
#: the matter, and what BM25 still finds shares only a place or common words (a gas leak
#: in 锦绣家园 found illegal building in 锦绣家园). No answer is better than an unrelated one.
#: On bench_knowledge every question reaches 0.36 or more; a gas leak among three answers about
#: building, schools and loans 0.2 (the seeded demo, larger, 0.4-0.6: :data:`MIN_RELEVANCE` acts there).
MIN_COVERAGE = 0.3
#: Answered cases below this relevance (the 低 band) are not suggested; the page keeps them
#: folded away (:attr:`Suggestions.weak`). The demo's unrelated answers to its gas leak reach
#: 0.05; on bench_knowledge a third of the questions have a hit above it, and among 30 read
#: drafts it keeps 7 of the 12 that are a model to adapt and 3 of the 18 about another matter.
MIN_RELEVANCE = knowledge_search.FAIR_RELEVANCE
#: How many hits one search asks for: the cases and the articles are taken from them.
WIDE = 20
GAP = "【待填写】"
SOURCES = ("case", "article")

# Historical answers wrap their substance in greetings and thanks; the draft keeps the middle.
_OPENING = re.compile(
    r"^.{0,160}?(?:现将.{0,12}?(?:回复|答复|反馈|说明)如下|(?:回复|答复|反馈|说明)如下|现(?:回复|答复)(?!如下))"
    r"[:：，,。]?"
)
_GREETING = re.compile(
    r"^(?:[“\"][^”\"]{1,24}[”\"][:：，,\s]*)?(?:尊敬的)?(?:网友|市民|您好|先生|女士|[^，。！!]{0,10}?(?:网友|先生|女士))[，,：:！!\s]*(?:您好[，,！!。]?)?"
)
_CLOSING = re.compile(r"(?:感谢您|谢谢您|欢迎您|如有疑问|如有其他|特此回复|此复).*$")
#: What the index masked in an old answer (138****5678, 张**, a****@qq.com): meaningless in a
#: reply to someone else. The draft shows a gap the reply check holds until it is filled,
#: rather than stars that it reported as a template's placeholder.
_MASKED = re.compile(r"[0-9A-Za-z@._-]*\*{2,}[0-9A-Za-z@._-]*")
MASKED_GAP = "【待核实填写】"


@dataclass(frozen=True)
class Suggestions:
    """What the knowledge base offers for one case."""

    cases: list[Hit] = field(default_factory=list)
    articles: list[Hit] = field(default_factory=list)
    #: The best hit, when a dispatcher may answer the consultation with it (直接答复).
    direct: Hit | None = None
    query: str = ""
    #: Answered cases found but below :data:`MIN_RELEVANCE`: shown folded, never suggested.
    weak: list[Hit] = field(default_factory=list)


def query_of(case: Case) -> str:
    """What the case asks: its title and its first message, as one search text."""
    first = case.messages[0] if case.messages else None
    text = f"{case.title}。{first.body if first else ''}".strip("。 \n")
    return text[: knowledge_search.MAX_QUERY]


def suggestions_for(session: Session, settings: Settings, case: Case, viewer: User) -> Suggestions:
    """The similar answered cases (not ``case`` itself) and the articles in force, best first.

    ``viewer``'s department decides which private cases of other departments are left out
    (a department's staff see other departments' public answers only).

    None at all when the knowledge base knows too little of the case (:data:`MIN_COVERAGE`);
    answered cases below :data:`MIN_RELEVANCE` apart, in :attr:`Suggestions.weak`.
    """
    query = query_of(case)
    if not query:
        return Suggestions()
    hits = knowledge_search.search(session, settings, query, top=WIDE, departments=department_filter(viewer))
    if not hits or hits[0].coverage < MIN_COVERAGE:
        return Suggestions(query=query)
    others = [hit for hit in hits if hit.source == "case" and hit.id != case.id][:TOP]
    similar = [hit for hit in others if hit.relevance >= MIN_RELEVANCE]
    weak = [hit for hit in others if hit.relevance < MIN_RELEVANCE]
    articles = [hit for hit in hits if hit.source == "article"][:ARTICLES]
    best = next((hit for hit in hits if not (hit.source == "case" and hit.id == case.id)), None)
    direct = best if best is not None and may_answer_directly(settings, case, best) else None
    return Suggestions(similar, articles, direct, query, weak=weak)


def may_answer_directly(settings: Settings, case: Case, best: Hit) -> bool:
    """Whether the case is a consultation at intake whose best match is strong enough."""
    return (
        case.appeal_kind == AppealKind.INQUIRY
        and case.status in {"received", "accepted"}
        and best.score >= settings.knowledge_direct_score
    )


def chosen(  # noqa: PLR0913, PLR0917 - the case and its viewer, then the chosen suggestion
    session: Session, settings: Settings, case: Case, viewer: User, source: str, hit_id: str
) -> Hit:
    """The suggestion ``source``/``hit_id`` as the case page offers it now; NotFound otherwise."""
    if source not in SOURCES:
        raise InvalidInput("source: case or article", field="source")
    if not hit_id.strip():
        raise InvalidInput("id: choose a suggestion", field="id")
    found = suggestions_for(session, settings, case, viewer)
    for hit in [*found.cases, *found.weak, *found.articles, *([found.direct] if found.direct else [])]:
        if hit.source == source and hit.id == hit_id:
            return hit
    raise NotFound("that suggestion is not offered for this case (any more)")


def substance(hit: Hit) -> str:
    """The part of an answer that answers: greetings, "回复如下" and closing thanks taken off."""
    text = hit.answer.strip()
    if hit.source == "article":
        return text
    core = _OPENING.sub("", text, count=1)
    core = _GREETING.sub("", core, count=1)
    core = _CLOSING.sub("", core).strip(" ，,。")
    return _MASKED.sub(MASKED_GAP, core or text).rstrip("。") + "。"


def compose(template_text: str, hit: Hit) -> str:
    """The template with the substance in its first 【待填写】 gap (appended when it has none)."""
    body = substance(hit)
    if not template_text:
        return body
    if GAP in template_text:
        return template_text.replace(GAP, body.rstrip("。"), 1)
    return f"{template_text}\n{body}"


def draft_text(session: Session, user: User, case: Case, hit: Hit, now: datetime) -> str:
    """The department's first template (else a shared one), filled for the case, with the answer."""
    templates = admin.templates_for(session, user, case)
    own = [t for t in templates if t.department_id and t.department_id == case.department_id]
    pick = own or list(templates)
    filled = admin.render_template(pick[0], case, now) if pick else ""
    return compose(filled, hit)


def record_use(session: Session, user: User, case: Case, hit: Hit, kind: UseKind) -> KnowledgeUse:
    """Keep that ``hit`` was used on ``case`` (a draft or a direct answer), with its score."""
    use = KnowledgeUse(
        id=new_id(),
        case_id=case.id,
        source=hit.source,
        source_id=hit.id,
        kind=kind,
        score=hit.score,
        used_by_id=user.id,
        used_at=utcnow(),
    )
    session.add(use)
    session.flush()
    return use


def use_as_draft(  # noqa: PLR0913, PLR0917 - the case, then the chosen suggestion
    session: Session, settings: Settings, user: User, case: Case, source: str, hit_id: str
) -> str:
    """The drafted reply for the chosen suggestion; its use is recorded (not committed)."""
    hit = chosen(session, settings, case, user, source, hit_id)
    text = draft_text(session, user, case, hit, utcnow())
    record_use(session, user, case, hit, UseKind.DRAFT)
    return text
