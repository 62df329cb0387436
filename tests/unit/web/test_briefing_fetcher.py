"""The briefing PDF reads nothing outside its page: a file: or http: reference is not fetched."""

from __future__ import annotations

import base64
import io

import pytest

from minyi.web.briefing import render_pdf


def _png() -> bytes:
    image = pytest.importorskip("PIL.Image").new("RGB", (8, 8), (200, 30, 30))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_a_file_reference_in_the_page_is_not_read_but_a_data_uri_is(tmp_path):
    pytest.importorskip("weasyprint")
    png = _png()
    (tmp_path / "server-file.png").write_bytes(png)
    page = '<html><body><p>路灯</p><img src="{}" width="8" height="8"></body></html>'
    refused = render_pdf(page.format(f"file://{tmp_path / 'server-file.png'}"))
    inline = render_pdf(page.format("data:image/png;base64," + base64.b64encode(png).decode()))
    assert b"/Subtype /Image" in inline  # an image would show in the PDF like this
    assert b"/Subtype /Image" not in refused
