"""The public case files are kept until what they hold changes, and never outlive a change."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from minyi.accountability import open_cases
from minyi.demo import factories


@pytest.fixture
def builds(monkeypatch):
    """Count the builds of the case files (the real writer still runs)."""
    calls: list[str] = []
    real = open_cases.write_cases

    def counted(session, out, kind, licence):
        calls.append(kind.value)
        return real(session, out, kind, licence)

    monkeypatch.setattr(open_cases, "write_cases", counted)
    return calls


def _listed(session, world, title="翠湖小区路灯不亮"):
    case = factories.make_case(
        session,
        status="replied",
        department=world.roads,
        title=title,
        body=title + "，请尽快修好",
        is_public=True,
    )
    session.commit()
    return case


def _numbers(client) -> list[str]:
    text = client.get("/public/data/cases.csv").content.decode("utf-8-sig")
    return [
        row["number"]
        for row in csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    ]


def _cache(settings) -> Path:
    return Path(settings.data_dir) / "cache" / "open-data"


def test_unchanged_data_is_served_from_the_kept_file(client, session, world, settings, builds):
    case = _listed(session, world)
    first = client.get("/public/data/cases.csv")
    second = client.get("/public/data/cases.csv")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert case.number in first.content.decode("utf-8-sig")
    assert builds == ["csv"]
    client.get("/public/data/cases.json")
    client.get("/public/data/cases.json")
    assert builds == ["csv", "json"]
    kept = sorted(path.name.split(".")[1] for path in _cache(settings).iterdir())
    assert kept == ["csv", "json"]  # one file per format; each download's own link is gone


def test_a_new_published_case_and_an_unpublished_one_show_at_the_next_download(
    client, session, world, builds
):
    first = _listed(session, world)
    assert _numbers(client) == [first.number]
    second = _listed(session, world, title="人民路井盖缺失")
    assert sorted(_numbers(client)) == sorted([first.number, second.number])
    first.is_public = False
    session.commit()
    assert _numbers(client) == [second.number]
    assert len(builds) == 3


def test_a_rewritten_text_and_a_renamed_department_rebuild_the_file(client, session, world, settings, builds):
    case = _listed(session, world)
    assert "翠湖小区路灯不亮" in client.get("/public/data/cases.csv").content.decode("utf-8-sig")
    case.messages[0].body = "某小区路灯不亮（已按本人要求删除个人信息）"
    session.commit()
    text = client.get("/public/data/cases.csv").content.decode("utf-8-sig")
    assert "已按本人要求删除个人信息" in text
    world.roads.name = "市道路管理处"
    session.commit()
    assert "市道路管理处" in client.get("/public/data/cases.csv").content.decode("utf-8-sig")
    assert len(builds) == 3
    assert len([path for path in _cache(settings).iterdir() if path.name.startswith("cases.csv.")]) == 1


def test_a_download_works_when_the_cache_cannot_be_written(client, session, world, settings, builds):
    case = _listed(session, world)
    (Path(settings.data_dir) / "cache").write_text("not a directory")
    assert _numbers(client) == [case.number]
    assert _numbers(client) == [case.number]
    assert len(builds) == 2


def test_a_harvester_that_sends_the_etag_back_gets_304_until_the_data_changes(client, session, world, builds):
    case = _listed(session, world)
    first = client.get("/public/data/cases.csv")
    etag = first.headers["etag"]
    again = client.get("/public/data/cases.csv", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    case.is_public = False
    session.commit()
    changed = client.get("/public/data/cases.csv", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert case.number not in changed.content.decode("utf-8-sig")
    assert builds == ["csv", "csv"]
