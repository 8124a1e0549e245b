#!/usr/bin/env python3
"""Reference MCP server built with the official Python SDK (mcp 2.3.0).

NOT part of the product. It exists to check `mcp_client.py` end-to-end against a
real, dual-era SDK server (2026-07-28 stateless + handshake-era sessions on the
same `/mcp` endpoint) and to document how the SDK behaves.

    python sdk_reference_server.py --port 8765 [--token SECRET] [--json-response]

Tools:
  echo(text)           structured output {"text", "length"} (outputSchema inferred)
  nap(seconds, steps)  reports `steps` progress notifications; records whether it
                       finished or was cancelled (see `last_nap`)
  last_nap()           {"state": "none"|"running"|"completed"|"cancelled", ...}
  mutate()             adds/removes tool `extra` and emits tools/list_changed to
                       modern listeners (subscriptions/listen) and legacy sessions
  boom()               raises -> CallToolResult isError=true
  liar()               declares outputSchema {"n": int} but a middleware rewrites
                       its structuredContent to {"n": "not-an-int"} (client validation probe)

If --token is given, every request without `Authorization: Bearer <token>` gets a
plain 401 with `WWW-Authenticate: Bearer`.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any, TypedDict

import anyio
import uvicorn
from mcp.server.mcpserver import Context, MCPServer

STATE: dict[str, Any] = {"nap": {"state": "none"}, "extra": False}
# ctx.session is a per-message object bound to the persistent legacy connection, so keep
# strong refs (a WeakSet empties immediately); dead ones are pruned when a send fails.
LEGACY_SESSIONS: list[Any] = []


def log(*a: Any) -> None:
    print("[ref-server]", *a, file=sys.stderr, flush=True)


class EchoOut(TypedDict):
    text: str
    length: int


class LiarOut(TypedDict):
    n: int


async def track_sessions(ctx: Any, call_next: Any) -> Any:
    """Middleware: remember legacy sessions (for list_changed fan-out) and break `liar`'s output."""
    if ctx.method == "notifications/initialized":
        LEGACY_SESSIONS.append(ctx.session)
    result = await call_next(ctx)
    if ctx.method == "tools/call" and (ctx.params or {}).get("name") == "liar":
        if isinstance(result, dict):
            result = {**result, "structuredContent": {"n": "not-an-int"}}
        elif hasattr(result, "model_copy"):
            result = result.model_copy(update={"structured_content": {"n": "not-an-int"}})
    return result


def build(json_response: bool) -> MCPServer:
    mcp = MCPServer(
        name="sdk-reference-server",
        version="0.0.1",
        instructions="Reference server for mcp_client.py",
        middleware=[track_sessions],
    )

    @mcp.tool(title="Echo", description="Echo the text back, with its length")
    def echo(text: str) -> EchoOut:
        return {"text": text, "length": len(text)}

    @mcp.tool(description="Sleep `seconds`, reporting `steps` progress notifications")
    async def nap(ctx: Context, seconds: float = 2.0, steps: int = 4) -> str:
        STATE["nap"] = {"state": "running", "started": time.time()}
        try:
            for i in range(steps):
                await ctx.report_progress(i + 1, steps, f"step {i + 1}/{steps}")
                await anyio.sleep(seconds / max(steps, 1))
        except anyio.get_cancelled_exc_class():
            STATE["nap"] = {"state": "cancelled", "at": time.time()}
            log("nap cancelled")
            raise
        STATE["nap"] = {"state": "completed", "at": time.time()}
        return f"slept {seconds}s"

    @mcp.tool(description="State of the last nap call")
    def last_nap() -> dict[str, Any]:
        return dict(STATE["nap"])

    @mcp.tool(description="Toggle tool `extra` and announce tools/list_changed")
    async def mutate(ctx: Context) -> str:
        if STATE["extra"]:
            mcp.remove_tool("extra")
        else:
            mcp.add_tool(lambda: "extra!", name="extra", description="dynamically added")
        STATE["extra"] = not STATE["extra"]
        await ctx.notify_tools_changed()  # modern: subscriptions/listen streams
        sent = 0
        for s in list(LEGACY_SESSIONS):  # legacy: standalone GET stream of every session
            try:
                await s.send_tool_list_changed()
                sent += 1
            except Exception as e:  # session gone
                log("legacy notify failed:", repr(e))
                LEGACY_SESSIONS.remove(s)
        return f"extra={'on' if STATE['extra'] else 'off'} legacy_sessions_notified={sent}"

    @mcp.tool(description="Always fails")
    def boom() -> str:
        raise ValueError("kaboom")

    @mcp.tool(description="Returns structuredContent that violates its outputSchema")
    def liar() -> LiarOut:
        return {"n": 1}

    return mcp


class BearerGate:
    def __init__(self, app: Any, token: str) -> None:
        self.app, self.token = app, token

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
            if headers.get("authorization") != f"Bearer {self.token}":
                await send({"type": "http.response.start", "status": 401,
                            "headers": [(b"www-authenticate", b"Bearer"), (b"content-length", b"0")]})
                await send({"type": "http.response.body", "body": b""})
                return
        await self.app(scope, receive, send)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--token")
    ap.add_argument("--json-response", action="store_true", help="answer requests with application/json, not SSE")
    a = ap.parse_args()
    mcp = build(a.json_response)
    app: Any = mcp.streamable_http_app(json_response=a.json_response)
    if a.token:
        app = BearerGate(app, a.token)
    uvicorn.run(app, host=a.host, port=a.port, log_level="warning")


if __name__ == "__main__":
    main()
