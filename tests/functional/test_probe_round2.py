"""The second attacker's and careless user's probe (docs/security-probes.md, "Second probe"):
uploads that would take the server's memory or import mojibake, refused in Chinese, and
nothing of them kept."""

from __future__ import annotations

import zipfile

from sqlalchemy import func, select
from tests.functional.conftest import csrf_of, login

from minyi.interop.models import ImportRun

TRADITIONAL = "title,body\n噪音擾民,工地夜間施工噪音很大，影響居民休息，請有關部門盡快處理。\n"


def upload(client, token, data: bytes, name: str):
    return client.post(
        "/staff/imports",
        data={"csrf_token": token},
        files={"file": (name, data, "application/octet-stream")},
        follow_redirects=False,
    )


def admin_token(client):
    login(client, "boss")
    return csrf_of(client.get("/staff/imports").text)


def zip_bomb(path) -> bytes:
    """An .xlsx of a few KB whose shared strings expand about 400 times (3.4 MB here)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("xl/sharedStrings.xml", "w") as part:
            part.write(b"<sst>" + b"<si><t>x</t></si>" * 200_000 + b"</sst>")
    return path.read_bytes()


def assert_nothing_kept(session, settings):
    assert session.scalar(select(func.count()).select_from(ImportRun)) == 0
    assert list((settings.data_dir / "imports").iterdir()) == []


def test_an_xlsx_zip_bomb_is_refused_before_it_is_opened(client, session, world, settings, tmp_path):
    token = admin_token(client)
    data = zip_bomb(tmp_path / "bomb.xlsx")
    assert len(data) < 20_000
    page = upload(client, token, data, "留言.xlsx")
    assert page.status_code == 422
    assert "留言.xlsx：工作簿中的 xl/sharedStrings.xml 解压后达 3 MB" in page.text
    assert "压缩炸弹" in page.text
    assert_nothing_kept(session, settings)


def test_a_big5_file_is_refused_not_imported_as_mojibake(client, session, world, settings):
    token = admin_token(client)
    page = upload(client, token, TRADITIONAL.encode("big5"), "繁体.csv")
    assert page.status_code == 422
    assert "繁体.csv：按 GBK 读取时有" in page.text
    assert "Big5" in page.text
    assert "擾" not in page.text  # no mojibake of the rows shown either
    assert_nothing_kept(session, settings)
    gbk = upload(client, token, TRADITIONAL.encode("gbk"), "gbk.csv")
    assert gbk.status_code == 303  # GBK is still read, Traditional characters too


def test_a_file_in_neither_utf8_nor_gbk_is_explained_in_chinese(client, session, world, settings):
    token = admin_token(client)
    latin1 = "title,body\ncafé,naïve\n".encode("latin-1")
    page = upload(client, token, latin1, "latin1.csv")
    assert page.status_code == 422
    assert "latin1.csv：第 2 行（偏移 14 字节处）的 0xE9 无法按 UTF-8 或 GBK 编码读取" in page.text
    assert "is not valid" not in page.text
    english = client.post(
        "/staff/imports?lang=en",
        data={"csrf_token": token},
        files={"file": ("latin1.csv", latin1, "text/csv")},
    )
    assert "Save it as UTF-8" in english.text
    assert_nothing_kept(session, settings)


def test_utf16_without_its_byte_order_mark_is_read_not_taken_for_utf8(client, session, world):
    token = admin_token(client)
    text = "title,body\n路灯不亮,小区门口的路灯坏了\n"
    for encoding in ("utf-16-le", "utf-16-be"):
        page = upload(client, token, text.encode(encoding), f"{encoding}.csv")
        assert page.status_code == 303, page.text  # was: columns t\x00i\x00t… (LE) or a bad byte (BE)
        run = session.get(ImportRun, page.headers["location"].rsplit("/", 1)[-1])
        assert run.report["columns"] == ["title", "body"]


def test_rooms_with_dashes_and_spoken_mobiles_are_masked_on_every_public_view(client, session, world):
    from minyi.demo import factories

    case = factories.make_case(
        session,
        status="replied",
        department=world.roads,
        title="梅溪郡12-3-402楼上漏水",
        body="我家住幸福小区 5-2-1201，楼上 5-2-1301室 漏水三个月了。电话一三八零零一三八零零零或139.1234.5678，邮箱 zhangsan@qq。com。",
        reply_body="您好！经现场核查，5-2-1301房卫生间防水层破损，已督促物业维修。感谢您的监督。",
        is_public=True,
    )
    session.commit()
    seen = [
        client.get("/public/data/cases.csv").content.decode("utf-8-sig"),
        client.get("/public/data/cases.json").text,
        client.get("/public", params={"q": case.number}).text,
        client.get("/open311/v2/requests.json").text,
    ]
    for text in seen:
        for room in ("-402", "-1201", "-1301", "一三八零零一三八", "1234.5678", "zhangsan"):
            assert room not in text
    assert "梅溪郡12-3-***" in seen[0]
    assert "幸福小区 5-2-****" in seen[0]
    assert "5-2-****房" in seen[0]
    assert "电话一三八****八零零零或139****5678，邮箱 z***@qq。com" in seen[0]
