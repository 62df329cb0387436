"""Open311 GeoReport v2: an interface package beside ``web`` and ``api`` (docs/open311.md)."""
