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


def _bytes_hold(path, text: str) -> list[str]:
    """The index files whose bytes hold ``text`` (UTF-8)."""
    return [f.name for f in path.iterdir() if f.is_file() and text.encode() in f.read_bytes()]


def test_a_rewritten_documents_old_text_leaves_the_index_files(tmp_path):
    """Tantivy only marks a replaced document deleted: an erased name stayed in the segment's
    files (eleventh probe, privacy) until a merge that may never come."""
    path = tmp_path / "ix"
    index = KnowledgeIndex(path)
    for batch in range(3):  # three segments; the erased case shares the middle one
        extra = [doc("secret", "钱晓东反映梅溪湖路灯不亮")] if batch == 1 else []
        index.replace([doc(f"{batch}-{n}", f"第{batch}批问题{n}") for n in range(4)] + extra)
    assert _bytes_hold(path, "钱晓东")
    index.replace([doc("secret", "钱**反映梅溪湖路灯不亮")])  # what an erasure does
    assert _bytes_hold(path, "钱晓东"), "only marked deleted"
    assert index.purge_deleted() == 4  # the middle segment's live documents, not all twelve
    assert _bytes_hold(path, "钱晓东") == []
    assert index.size() == 13
    assert [f.document.title for f in index.search("梅溪湖路灯")] == ["钱**反映梅溪湖路灯不亮"]
    assert {f.document.id for f in index.search("第1批问题", top=20)} >= {f"1-{n}" for n in range(4)}
    assert index.purge_deleted() == 0  # nothing deleted is left
    assert _bytes_hold(path, "钱晓东") == []


def test_purging_a_dropped_document_keeps_the_others_whole(tmp_path):
    index = KnowledgeIndex(tmp_path / "ix")
    index.replace(
        [doc("1", "公积金贷款条件", department_id="d1", public=False), doc("2", "王小明家门口积水")]
    )
    index.replace([], delete=["case:2"])
    assert index.purge_deleted() == 1
    assert _bytes_hold(tmp_path / "ix", "王小明") == []
    (found,) = index.search("公积金贷款")
    assert (found.document.department_id, found.document.public) == ("d1", False)
