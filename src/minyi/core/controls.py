"""Control characters: the C0 set other than tab, line feed and carriage return.

Kept apart from :mod:`minyi.core.text` (which adds the Pydantic type) so that the file
readers and writers can use it without importing Pydantic (``minyi issues detect`` loads
none of it).
"""

from __future__ import annotations

import re

__all__ = ["FORBIDDEN", "without_controls"]

#: NUL and the C0 controls other than tab, LF and CR.
FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def without_controls(value: str) -> str:
    """``value`` with its C0 control characters (other than tab, LF and CR) removed."""
    return FORBIDDEN.sub("", value)
