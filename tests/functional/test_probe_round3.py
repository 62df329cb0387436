"""The third probe (docs/security-probes.md, "Third probe"): personal data in the forms the
second probe left open is masked on every public view and file, and a cell starting with a
full-width ＝ gets its apostrophe in every download."""

from __future__ import annotations

import io

import openpyxl

from minyi.demo import factories

BODY = (
    "我住 3 栋 2 单元 1102 室，电话138 零零13 八000，备用一三八-零零一三-八零零零，"
    "港澳通行证C12345678，回乡证H1234567890，台胞证号码：1234567890(B)，"
    "驾驶证号：43010219900307123X，医保卡号 A12345678，薇信：zhangsan88，企鹅号987654321，"
    "邮箱lisi#qq.com。另：营业执照91430100MA4L1234X5，罚款200元，湘政办发〔2019〕12号。"
)
REPLY = "您好！已督促物业维修。经办人：李建国，联系电话：13912345678。市住建局"
SECRETS = (
    "零零13", "零零一三", "C1234", "H12345", "1234567890", "0219900307", "A1234", "zhangsan", "9876543",
    "lisi#", "1102", "李建国", "3912345", "12345678",
)  # fmt: skip


def _views(client, case) -> list[str]:
    xlsx = openpyxl.load_workbook(io.BytesIO(client.get("/public/data/cases.xlsx").content))
    cells = [str(c) for sheet in xlsx for row in sheet.iter_rows(values_only=True) for c in row if c]
    return [
        client.get("/public/data/cases.csv").content.decode("utf-8-sig"),
        client.get("/public/data/cases.json").text,
        "\n".join(cells),
        client.get("/public", params={"q": case.number}).text,
        client.get("/open311/v2/requests.json").text,
    ]


def test_the_forms_the_second_probe_left_open_are_masked_on_every_public_view(client, session, world):
    case = factories.make_case(
        session,
        status="replied",
        department=world.roads,
        title="楼上漏水，住在3-2-1102",
        body=BODY,
        reply_body=REPLY,
        is_public=True,
    )
    session.commit()
    views = _views(client, case)
    for text in views:
        for secret in SECRETS:
            assert secret not in text, secret
        # Decoys stay readable: a company's credit code, an amount, a policy document number.
        assert "91430100MA4L1234X5" in text
        assert "〔2019〕12号" in text
    csv_text = views[0]
    for shown in (
        "住 3 栋 2 单元 **** 室", "电话138****八000", "备用一三八****八零零零", "港澳通行证C******78",
        "回乡证H********90", "台胞证号码：********90(B)", "驾驶证号：430***********123X",
        "医保卡号 A******78", "薇信：zh******88", "企鹅号98*****21", "l***#qq.com", "住在3-2-****",
        "经办人：李**，联系电话：139****5678。市住建局",
    ):  # fmt: skip
        assert shown in csv_text, shown


def test_a_cell_starting_with_a_fullwidth_equals_sign_gets_its_apostrophe(client, session, world):
    factories.make_case(
        session,
        status="replied",
        department=world.roads,
        title='＝HYPERLINK("http://x","y")',
        body="＋1＋cmd|' /C calc'!A0 路灯不亮",
        reply_body="＠SUM(A1) 已修复",
        is_public=True,
    )
    session.commit()
    csv_text = client.get("/public/data/cases.csv").content.decode("utf-8-sig")
    assert "'＝HYPERLINK" in csv_text
    assert "'＋1＋cmd" in csv_text
    book = openpyxl.load_workbook(io.BytesIO(client.get("/public/data/cases.xlsx").content))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    starts = [c.value for c in cells if "HYPERLINK" in c.value or "cmd|" in c.value]
    assert starts
    assert all(value.startswith("'") for value in starts)
    assert all(c.data_type == "s" for c in cells)
