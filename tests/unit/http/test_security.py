from __future__ import annotations

from collections.abc import Iterator

from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from pydantic import BaseModel

from minyi.http.security import BodySizeLimit, SecurityHeaders


def small_app() -> FastAPI:
    app = FastAPI()

    @app.post("/echo")
    async def echo(request: Request) -> dict[str, int]:
        return {"size": len(await request.body())}

    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodySizeLimit, max_bytes=1024)
    return app


def test_declared_length_over_the_limit_is_refused():
    client = TestClient(small_app())
    assert client.post("/echo", content=b"x" * 1024).json() == {"size": 1024}
    refused = client.post("/echo", content=b"x" * 1025)
    assert refused.status_code == 413
    assert refused.json()["max_bytes"] == 1024


def test_streamed_body_over_the_limit_is_refused():
    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b"x" * 500

    refused = TestClient(small_app()).post("/echo", content=chunks())
    assert refused.status_code == 413


def test_security_headers():
    response = TestClient(small_app()).post("/echo", content=b"")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


class Item(BaseModel):
    text: str


def _model_app() -> FastAPI:
    app = FastAPI()

    @app.post("/items")
    def items(item: Item) -> dict[str, int]:
        return {"size": len(item.text)}

    app.add_middleware(BodySizeLimit, max_bytes=1024)
    return app


def test_chunked_body_over_the_limit_is_413_also_when_fastapi_parses_it():
    def chunks(size: int) -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(size // 100):
            yield b"x" * 100
        yield b'"}'

    client = TestClient(_model_app())
    headers = {"content-type": "application/json"}
    assert client.post("/items", content=chunks(500), headers=headers).json() == {"size": 500}
    refused = client.post("/items", content=chunks(5000), headers=headers)
    assert refused.status_code == 413
    assert refused.json()["error"] == "request_too_large"
