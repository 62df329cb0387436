"""Which region text may appear in a public figure: an administrative area, nothing personal.

A message's region is free text: a form field, an integrator's value, a file's column. The
public figures group by it (the dashboard's region rows and filter, open data, the
forecast by region, the big screen), so a region such as ``王小明 13812345678 芙蓉路8号``,
which a private message carried, was published verbatim with a count of one. A region is
shown only when it reads as an administrative area (it ends in 省, 市, 区, 县, 镇, 乡, 街道,
村, 社区 …), is short, holds no space and no run of three digits (a house or phone number) and
nothing the masker finds; any other text counts as "region not given". (A name glued to an
area's name, 张三芙蓉区, still reads as an area: only a list of the office's areas would tell.)
"""

from __future__ import annotations

import re
from functools import lru_cache

from minyi.pipeline.privacy import mask_text

MAX_REGION = 30
_AREA = re.compile(r"(省|自治区|市|州|盟|地区|区|县|旗|镇|乡|街道|社区|村|开发区|新区|园区)$")
_NUMBER = re.compile(r"\d{3,}")


@lru_cache(maxsize=4096)
def public_region(raw: str | None) -> str:
    """``raw`` if it may appear in a public figure, else ``""`` (region not given)."""
    text = (raw or "").strip()
    if not text or len(text) > MAX_REGION or _NUMBER.search(text) or "@" in text:
        return ""
    if any(char.isspace() for char in text):  # an area's name has no space: 王小明 芙蓉区 is not one
        return ""
    if not _AREA.search(text) or mask_text(text) != text:
        return ""
    return text
