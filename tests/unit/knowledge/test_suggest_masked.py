"""A draft from an answer whose personal data the index masked shows a gap to fill, not stars."""

from __future__ import annotations

from minyi.knowledge.search import Hit
from minyi.knowledge.suggest import MASKED_GAP, substance
from minyi.pipeline import reply_quality_cues as cues


def _hit(answer: str) -> Hit:
    return Hit(source="case", id="c1", title="路灯不亮", answer=answer, department="", date="", score=1.0)


def test_masked_spans_become_a_gap_the_check_names():
    text = substance(_hit("网友您好！经核实，已安排维修，联系人张**，电话138****5678，邮箱a****@qq.com。"))
    assert "*" not in text
    assert text.count(MASKED_GAP) == 3  # 张**, 138****5678, a****@qq.com
    holes = {m.group(0) for m in cues.PLACEHOLDER.finditer(text)}
    assert holes == {MASKED_GAP}  # still held by the reply check until filled, and said so


def test_an_answer_without_masks_is_unchanged():
    assert substance(_hit("网友您好！已安排维修。")) == "已安排维修。"
