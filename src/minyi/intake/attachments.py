"""Attachments a message's text links to: for the staff, never for the public.

Minyi keeps no files.  An Open311 client sends a photo as ``media_url``, and the link is
appended to the message for the staff who handle it (docs/open311.md), while Open311's own
``media_url`` field answers ``null``.  But the message text is what every public view
publishes, so the link went out on ``/public``, the search, open data and Open311's
``description`` (eleventh probe): a photo of a complaint shows faces, plates and documents,
and the link itself often carries the uploader's phone number or an access token
(``https://oss…/upload/13800138010/id-card-front.jpg?token=…``), which the masker leaves
alone inside a URL.  Public views show that there is an attachment, not where it is.
"""

from __future__ import annotations

import re

__all__ = ["MEDIA_LINE", "PUBLIC_MEDIA_LINE", "hide_media", "with_media"]

#: How the link is written into the text (read back by :func:`hide_media`).
MEDIA_LINE = "图片/附件 media_url: "
#: What the public reads instead.
PUBLIC_MEDIA_LINE = "图片/附件：（仅工作人员可见）"
_LINE = re.compile("^" + re.escape(MEDIA_LINE) + ".*$", re.MULTILINE)


def with_media(body: str, url: str) -> str:
    """``body`` with the attachment at ``url`` named on a line of its own, for the staff."""
    return f"{body}\n\n{MEDIA_LINE}{url}"


def hide_media(text: str) -> str:
    """``text`` with each attachment's link replaced by :data:`PUBLIC_MEDIA_LINE`."""
    if MEDIA_LINE not in text:  # a substring test first: nearly every text has none
        return text
    return _LINE.sub(PUBLIC_MEDIA_LINE, text)
