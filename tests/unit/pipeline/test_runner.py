from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from minyi.pipeline.runner import PipelineInput, TextPipeline

BASE = datetime(2026, 11, 1, tzinfo=UTC)


def item(i, text="星沙大道工地夜间施工噪音扰民，请尽快处理。"):
    return PipelineInput(f"m{i}", "投诉施工噪音", f"{text}{i % 7}", f"a{i % 5}", BASE + timedelta(minutes=i))


def test_analysis_fields():
    result = TextPipeline().analyse(item(1, "電話13812345678，全角ＡＢＣ"))
    assert result.normalized_body.startswith("电话13812345678")
    assert "ABC" in result.normalized_body
    assert result.pii_kinds == ["mobile"]
    assert result.appeal_kind == "complaint"
    assert result.category is None  # no model and no category tree
    assert result.pipeline_version


def test_concurrent_analysis_is_safe():
    pipeline = TextPipeline()
    errors: list[BaseException] = []

    def work(start):
        try:
            for i in range(start, start + 60):
                pipeline.analyse(item(i))
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n * 100,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(pipeline.detector_.groups()) >= 1


def test_long_text_is_truncated_with_a_flag():
    result = TextPipeline(max_chars=1000).analyse(item(2, "长" * 100_000))
    assert result.truncated
    assert result.original_length > 100_000
