"""The composition root: one ASGI application made of the pages (web) and the JSON API (api)."""
