"""The knowledge index alone: BM25 over segmented Chinese, replacing, filtering."""

from __future__ import annotations

from minyi.knowledge.index import Document, KnowledgeIndex, bigrams, words


def doc(id_: str, title: str, answer: str = "已答复", **fields):
    return Document(
        source=fields.pop("source", "case"), id=id_, title=title, question=title, answer=answer, **fields
    )


def test_words_are_segmented_without_punctuation():
    assert words("公积金贷款需要什么条件？")[:3] == ["公积金", "贷款", "需要"]
    assert "？" not in words("公积金贷款需要什么条件？")
    assert bigrams("人民路路灯") == ["人民", "民路", "路路", "路灯"]


def test_the_best_match_comes_first_and_filters_apply(tmp_path):
    index = KnowledgeIndex(tmp_path / "ix")
    index.replace(
        [
            doc("1", "公积金贷款条件", department_id="d1", public=True),
            doc("2", "人民路路灯不亮", department_id="d2", public=False),
            doc("3", "人才购房补贴申请", source="article"),
        ]
    )
    assert index.search("公积金贷款要什么条件")[0].document.id == "1"
    assert index.search("路灯", public_only=True) == []
    assert [f.document.id for f in index.search("路灯")] == ["2"]
    assert index.search("公积金", department_id="d2") == []
    assert index.search("。，！") == []
    assert index.size() == 3


def test_a_document_is_replaced_not_duplicated_and_state_is_kept(tmp_path):
    index = KnowledgeIndex(tmp_path / "ix")
    index.replace([doc("1", "公积金贷款条件")])
    index.replace([doc("1", "公积金贷款条件（修订）")])
    assert index.size() == 1
    assert index.search("公积金")[0].document.title == "公积金贷款条件（修订）"
    index.replace([], delete=["case:1"])
    assert index.size() == 0
    index.save_state({"synced_at": "x"})
    assert KnowledgeIndex(tmp_path / "ix").state() == {"synced_at": "x"}
