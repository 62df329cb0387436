"""Seventh probe (2026-12-07): what an attacker of the newer features and two race and
crash testers found. Each test fails on the tree before its fix."""

from __future__ import annotations

import io
import zipfile

from minyi.demo import factories


def test_a_stored_control_character_cannot_smuggle_a_formula_into_the_public_workbook(client, session, world):
    # Text stored by an import before control characters were dropped on import.
    factories.make_case(
        session,
        status="replied",
        department=world.roads,
        title='\x01=HYPERLINK("http://evil.example/","点我")',
        body="\x01=2+2 路灯坏了很多天",
        is_public=True,
    )
    session.commit()
    workbook = client.get("/public/data/cases.xlsx")
    assert workbook.status_code == 200
    with zipfile.ZipFile(io.BytesIO(workbook.content)) as book:
        sheets = [book.read(name).decode() for name in book.namelist() if name.startswith("xl/worksheets/")]
    assert sheets
    assert not any("<f>" in sheet for sheet in sheets)
    assert any("HYPERLINK" in sheet for sheet in sheets)  # shown as text
