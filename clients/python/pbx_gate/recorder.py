"""The record of what went over the wire, for scripts/api-gates/client-coverage.py: one line per HTTP
exchange, `METHOD /path STATUS`, the path as sent (still percent-encoded, so an encoded `/` inside a
parameter stays one segment) and without its query string."""

from __future__ import annotations

import httpx


class Recorder:
    def __init__(self, path: str) -> None:
        self.path = path
        self.count = 0

    def __call__(self, response: httpx.Response) -> None:
        raw_path = response.request.url.raw_path.decode("ascii").split("?", 1)[0]
        with open(self.path, "a", encoding="utf-8") as out:
            out.write(f"{response.request.method} {raw_path} {response.status_code}\n")
        self.count += 1

    def httpx_args(self) -> dict:
        return {"event_hooks": {"response": [self]}}
