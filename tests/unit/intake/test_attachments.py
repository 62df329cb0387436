"""An attachment's link is kept in the text for the staff and hidden from the public."""

from __future__ import annotations

from minyi.intake.attachments import PUBLIC_MEDIA_LINE, hide_media, with_media


def test_the_link_is_replaced_by_a_line_saying_there_is_one():
    body = with_media("站牌损坏", "https://oss.example.cn/u/13800138010/a.jpg?token=x")
    assert body.startswith("站牌损坏\n\n")
    assert hide_media(body) == f"站牌损坏\n\n{PUBLIC_MEDIA_LINE}"


def test_a_text_without_a_link_is_returned_as_it_is():
    text = "图片见附件，media_url 未提供"
    assert hide_media(text) is text
