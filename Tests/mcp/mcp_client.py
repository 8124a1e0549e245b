#!/usr/bin/env python3
"""Command-line MCP client driver for the mcp-hub tests, built on the official
Python SDK (`mcp` 2.3.0: `mcp.Client` + `streamable_http_client`).

    python mcp_client.py --url URL [--token T] [--mode modern|legacy|auto] [options] SCENARIO [args]

Prints exactly ONE JSON object on stdout. Diagnostics go to stderr. Exit 0 whenever
the scenario ran (server-side errors are reported inside the JSON); exit 2 on usage
errors; exit 1 on a driver bug.

Modes (how the SDK is told to pick the era):
  modern  Client(mode="2026-07-28"): adopts 2026-07-28 with no probe and never sends
          `initialize`. Unless --no-discover, the driver then sends one
          `server/discover` (ClientSession.send_discover) and adopts its result, i.e.
          exactly the happy path of mode="auto" against a modern server, minus the
          fallback. A failed discover is reported (stage "discover") and stops.
  legacy  Client(mode="legacy"): initialize + notifications/initialized, session id,
          MCP-Protocol-Version = negotiated handshake version.
  auto    Client(mode="auto"): the SDK default (probe server/discover, fall back
          to initialize on anything that is not positive modern evidence).

Scenarios: list | call NAME JSON | call-progress NAME JSON | cancel NAME JSON --after-ms N
           | list-changed --wait-seconds N | session-id
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
import traceback
from typing import Any

import anyio
import anyio.lowlevel
import httpx2
import mcp_types as types
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.client.subscriptions import ToolsListChanged
from mcp.shared.exceptions import MCPError
from mcp_types.version import LATEST_MODERN_VERSION
from pydantic import ValidationError

MODERN_VERSION = LATEST_MODERN_VERSION  # "2026-07-28" in mcp 2.3.0
CLIENT_INFO = types.Implementation(name="mcp-hub-tests", version="1.0.0")
TRACED_HEADERS = (
    "accept",
    "content-type",
    "authorization",
    "mcp-protocol-version",
    "mcp-method",
    "mcp-name",
    "mcp-session-id",
    "last-event-id",
    "www-authenticate",
)

log = logging.getLogger("mcp_client")


class UsageError(Exception):
    pass


def _eprint(*a: Any) -> None:
    print(*a, file=sys.stderr, flush=True)


def _jsonable(v: Any) -> Any:
    if v is None:
        return None
    if hasattr(v, "model_dump"):
        return v.model_dump(by_alias=True, mode="json", exclude_none=True)
    return v


def _find(exc: BaseException, kinds: tuple[type[BaseException], ...]) -> BaseException | None:
    """Find the first exception of `kinds` inside (possibly nested) exception groups / causes."""
    if isinstance(exc, kinds):
        return exc
    if isinstance(exc, BaseExceptionGroup):
        for sub in exc.exceptions:
            found = _find(sub, kinds)
            if found is not None:
                return found
    return None


def _error_json(exc: BaseException) -> dict[str, Any]:
    mcp_err = _find(exc, (MCPError,))
    if isinstance(mcp_err, MCPError):
        return {
            "kind": "jsonrpc",
            "code": mcp_err.error.code,
            "message": mcp_err.error.message,
            "data": mcp_err.error.data,
        }
    inner = _find(exc, (ValidationError, RuntimeError, TimeoutError, httpx2.HTTPError, OSError)) or exc
    kind = {
        ValidationError: "result_validation",  # server result did not match the negotiated schema
        RuntimeError: "client",  # e.g. structuredContent vs outputSchema, unsupported version
        TimeoutError: "timeout",
    }.get(type(inner), "transport" if isinstance(inner, (httpx2.HTTPError, OSError)) else "client")
    return {"kind": kind, "code": None, "message": f"{type(inner).__name__}: {inner}"}


class Wire:
    """httpx2 event hooks: records every HTTP exchange the SDK makes (no bodies of responses)."""

    def __init__(self) -> None:
        self.t0 = time.monotonic()
        self.events: list[dict[str, Any]] = []
        self.session_id: str | None = None
        self.get_stream_status: int | None = None
        self.get_ready = anyio.Event()

    async def on_request(self, request: httpx2.Request) -> None:
        body: Any = None
        try:
            raw = request.content
            body = json.loads(raw) if raw else None
        except Exception:  # streaming body / not JSON
            body = None
        hdrs = {k: request.headers[k] for k in TRACED_HEADERS if k in request.headers}
        if "authorization" in hdrs:
            hdrs["authorization"] = hdrs["authorization"].split(" ")[0] + " ***"
        extra = sorted(k for k in request.headers.keys() if k.lower().startswith("mcp-param-"))
        for k in extra:
            hdrs[k] = request.headers[k]
        self.events.append(
            {
                "t_ms": round((time.monotonic() - self.t0) * 1000),
                "dir": "request",
                "http": request.method,
                "headers": hdrs,
                "body": body,
            }
        )

    async def on_response(self, response: httpx2.Response) -> None:
        req = response.request
        sid = response.headers.get("mcp-session-id")
        if sid:
            self.session_id = sid
        hdrs = {k: response.headers[k] for k in TRACED_HEADERS if k in response.headers}
        self.events.append(
            {
                "t_ms": round((time.monotonic() - self.t0) * 1000),
                "dir": "response",
                "http": req.method,
                "rpc": req.headers.get("mcp-method") or _rpc_method(req),
                "status": response.status_code,
                "headers": hdrs,
            }
        )
        if req.method == "GET":
            self.get_stream_status = response.status_code
            if response.status_code == 200:
                self.get_ready.set()

    def summary(self) -> list[list[Any]]:
        return [[e["http"], e["rpc"], e["status"]] for e in self.events if e["dir"] == "response"]


def _rpc_method(req: httpx2.Request) -> str | None:
    try:
        body = json.loads(req.content) if req.content else None
    except Exception:
        return None
    if isinstance(body, dict):
        return body.get("method") or ("<response>" if "result" in body or "error" in body else None)
    return None


def _tool_json(t: types.Tool) -> dict[str, Any]:
    d = t.model_dump(by_alias=True, mode="json", exclude_none=True)
    out = {k: d.get(k) for k in ("name", "title", "description", "inputSchema", "outputSchema", "annotations")}
    for k in ("icons", "_meta", "execution"):
        if k in d:
            out[k] = d[k]
    return out


def _call_result_json(r: Any) -> dict[str, Any]:
    if not isinstance(r, types.CallToolResult):
        return {"is_error": None, "structured": None, "text": "", "content": None, "raw": _jsonable(r), "error": None}
    texts = [c.text for c in r.content if isinstance(c, types.TextContent)]
    return {
        "is_error": bool(r.is_error),
        "structured": r.structured_content,
        "text": "\n".join(texts),
        "content": [_jsonable(c) for c in r.content],
        "result_type": r.result_type if "result_type" in r.model_fields_set else None,  # as sent
        "error": None,
    }


def _connection_info(client: Client) -> dict[str, Any]:
    s = client.session
    info: dict[str, Any] = {
        "protocol_version": s.protocol_version,
        "era": "modern" if s.discover_result is not None else "legacy",
        "server_info": _jsonable(s.server_info),
        "instructions": s.instructions,
        "capabilities": _jsonable(s.server_capabilities),
    }
    if s.discover_result is not None:
        info["supported_versions"] = s.discover_result.supported_versions
    return info


async def _post_connect(client: Client, args: argparse.Namespace, out: dict[str, Any]) -> bool:
    """Explicit server/discover in modern mode. Returns False (with out['error']) on failure."""
    if args.mode == "modern" and not args.no_discover:
        try:
            raw = await client.session.send_discover(MODERN_VERSION)
            result = types.DiscoverResult.model_validate(raw)
            client.session.adopt(result)
            out["discover"] = raw
        except BaseException as e:  # noqa: BLE001
            if isinstance(e, (KeyboardInterrupt, SystemExit)):
                raise
            out["stage"] = "discover"
            out["error"] = _error_json(e)
            return False
    out.update(_connection_info(client))
    return True


# ----------------------------------------------------------------------------- scenarios


async def sc_list(client: Client, args: argparse.Namespace, out: dict[str, Any]) -> None:
    tools: list[dict[str, Any]] = []
    pages: list[dict[str, Any]] = []
    cursor: str | None = None
    try:
        for _ in range(100):
            page = await client.list_tools(cursor=cursor)
            tools.extend(_tool_json(t) for t in page.tools)
            d = page.model_dump(by_alias=True, mode="json", exclude_unset=True)  # only what the server sent
            pages.append({k: d.get(k) for k in ("resultType", "ttlMs", "cacheScope", "nextCursor", "_meta") if k in d})
            cursor = page.next_cursor
            if not cursor:
                break
        out["error"] = None
    except BaseException as e:  # noqa: BLE001
        if isinstance(e, (KeyboardInterrupt, SystemExit)):
            raise
        out["error"] = _error_json(e)
    out["tools"] = tools
    out["pages"] = pages


async def _do_call(client: Client, args: argparse.Namespace, progress: list[dict[str, Any]] | None) -> dict[str, Any]:
    async def on_progress(p: float, total: float | None, message: str | None) -> None:
        if progress is not None:
            progress.append({"progress": p, "total": total, "message": message})

    try:
        r = await client.call_tool(args.name, args.arguments, progress_callback=on_progress if progress is not None else None)
        return _call_result_json(r)
    except BaseException as e:  # noqa: BLE001
        if isinstance(e, (KeyboardInterrupt, SystemExit)) or isinstance(e, anyio.get_cancelled_exc_class()):
            raise
        return {"is_error": None, "structured": None, "text": "", "content": None, "error": _error_json(e)}


async def sc_call(client: Client, args: argparse.Namespace, out: dict[str, Any]) -> None:
    out.update(await _do_call(client, args, None))


async def sc_call_progress(client: Client, args: argparse.Namespace, out: dict[str, Any]) -> None:
    progress: list[dict[str, Any]] = []
    out.update(await _do_call(client, args, progress))
    out["progress"] = progress


async def sc_cancel(client: Client, args: argparse.Namespace, out: dict[str, Any]) -> None:
    progress: list[dict[str, Any]] = []
    t0 = time.monotonic()
    result: dict[str, Any] | None = None
    # The SDK's cancellation = cancelling the awaiting task. The dispatcher then emits
    # notifications/cancelled; the streamable-HTTP transport POSTs it (legacy) or
    # swallows it and aborts the in-flight POST, closing the response stream (modern).
    with anyio.move_on_after(args.after_ms / 1000.0) as scope:
        result = await _do_call(client, args, progress)
    out["cancelled"] = bool(scope.cancelled_caught)
    out["elapsed_ms"] = round((time.monotonic() - t0) * 1000)
    out["progress"] = progress
    if result is not None:
        out.update(result)
    else:
        out.update({"is_error": None, "structured": None, "text": "", "error": None})
    # Give the cancel frame / connection close time to reach the server before teardown.
    await anyio.sleep(args.linger_ms / 1000.0)


async def sc_list_changed(client: Client, args: argparse.Namespace, out: dict[str, Any], wire: Wire, got: anyio.Event) -> None:
    out["list_changed"] = False
    out["ready"] = False
    if client.session.discover_result is not None:  # modern: subscriptions/listen
        out["channel"] = "subscriptions/listen"
        try:
            async with client.listen(tools_list_changed=True) as sub:
                out["ready"] = True
                out["honored"] = _jsonable(sub.honored)
                out["subscription_id"] = sub.subscription_id
                _eprint("READY")
                with anyio.move_on_after(args.wait_seconds):
                    async for ev in sub:
                        log.debug("listen event: %r", ev)
                        if isinstance(ev, ToolsListChanged):
                            out["list_changed"] = True
                            break
        except BaseException as e:  # noqa: BLE001
            if isinstance(e, (KeyboardInterrupt, SystemExit)):
                raise
            out["error"] = _error_json(e)
    else:  # legacy: standalone GET SSE stream opened by the transport after notifications/initialized
        out["channel"] = "GET"
        with anyio.move_on_after(min(args.wait_seconds, 10)):
            while not wire.get_ready.is_set():
                if wire.get_stream_status is not None and wire.get_stream_status != 200:
                    break
                await anyio.sleep(0.02)
        out["get_status"] = wire.get_stream_status
        if wire.get_ready.is_set():
            out["ready"] = True
            _eprint("READY")
            with anyio.move_on_after(args.wait_seconds):
                await got.wait()
            out["list_changed"] = got.is_set()
    out.setdefault("error", None)


async def sc_session_id(client: Client, args: argparse.Namespace, out: dict[str, Any], wire: Wire) -> None:
    # Let the fire-and-forget notifications/initialized POST land, so the session is fully
    # initialized server-side before we walk away (without DELETE) and hand out its id.
    with anyio.move_on_after(5):
        while not any(e["dir"] == "response" and e["rpc"] == "notifications/initialized" for e in wire.events):
            await anyio.sleep(0.02)
    out["session_id"] = wire.session_id
    out["error"] = None


# ----------------------------------------------------------------------------- main


async def run(args: argparse.Namespace) -> dict[str, Any]:
    wire = Wire()
    out: dict[str, Any] = {"scenario": args.scenario, "mode": args.mode}
    got_list_changed = anyio.Event()

    async def message_handler(message: Any) -> None:
        if isinstance(message, types.ServerNotification) and isinstance(message, types.ToolListChangedNotification):
            got_list_changed.set()
        root = getattr(message, "root", None)
        if isinstance(root, types.ToolListChangedNotification):
            got_list_changed.set()
        if isinstance(message, Exception):
            log.debug("transport exception: %r", message)
        await anyio.lowlevel.checkpoint()

    headers = {"Authorization": f"Bearer {args.token}"} if args.token else {}
    http = httpx2.AsyncClient(
        headers=headers,
        timeout=httpx2.Timeout(args.timeout, read=max(args.timeout, 300.0)),
        event_hooks={"request": [wire.on_request], "response": [wire.on_response]},
    )
    keep = args.keep_session or args.scenario == "session-id"
    transport = streamable_http_client(args.url, http_client=http, terminate_on_close=not keep)
    sdk_mode = {"modern": MODERN_VERSION, "legacy": "legacy", "auto": "auto"}[args.mode]
    client = Client(
        transport,
        mode=sdk_mode,
        client_info=CLIENT_INFO,
        read_timeout_seconds=args.timeout,
        message_handler=message_handler,
    )
    async with http:
        connected = False
        try:
            async with client:
                connected = True
                if not await _post_connect(client, args, out):
                    pass
                elif args.scenario == "list":
                    await sc_list(client, args, out)
                elif args.scenario == "call":
                    await sc_call(client, args, out)
                elif args.scenario == "call-progress":
                    await sc_call_progress(client, args, out)
                elif args.scenario == "cancel":
                    await sc_cancel(client, args, out)
                elif args.scenario == "list-changed":
                    await sc_list_changed(client, args, out, wire, got_list_changed)
                elif args.scenario == "session-id":
                    await sc_session_id(client, args, out, wire)
        except BaseException as e:  # noqa: BLE001 - report, never crash
            if isinstance(e, (KeyboardInterrupt, SystemExit)):
                raise
            log.debug("client failed", exc_info=True)
            if not connected:
                out["stage"] = "connect"
                out["error"] = _error_json(e)
            else:
                out["teardown_error"] = _error_json(e)
        if keep and wire.session_id:
            out["session_id"] = wire.session_id
    out.setdefault("error", None)
    if isinstance(out["error"], dict) and out["error"].get("kind") != "usage":
        failed = [e["status"] for e in wire.events if e["dir"] == "response" and e["status"] >= 400]
        out["error"]["http_status"] = failed[-1] if failed else None
    out["http"] = wire.summary()
    if args.trace:
        out["wire"] = wire.events
    return out


def parse_args(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", required=True)
    ap.add_argument("--token", help="sent as Authorization: Bearer TOKEN on every HTTP request")
    ap.add_argument("--mode", choices=("modern", "legacy", "auto"), default="modern")
    ap.add_argument("--no-discover", action="store_true", help="modern: skip the explicit server/discover")
    ap.add_argument("--timeout", type=float, default=30.0, help="per-request read timeout (s)")
    ap.add_argument("--keep-session", action="store_true", help="legacy: do not DELETE the session on exit")
    ap.add_argument("--trace", action="store_true", help="include every HTTP request/response in 'wire'")
    ap.add_argument("--debug", action="store_true", help="SDK logging at DEBUG on stderr")
    sub = ap.add_subparsers(dest="scenario", required=True)
    sub.add_parser("list")
    for name in ("call", "call-progress", "cancel"):
        p = sub.add_parser(name)
        p.add_argument("name")
        p.add_argument("arguments", nargs="?", default="{}")
        if name == "cancel":
            p.add_argument("--after-ms", type=int, required=True)
            p.add_argument("--linger-ms", type=int, default=300, help="wait after cancelling before teardown")
    p = sub.add_parser("list-changed")
    p.add_argument("--wait-seconds", type=float, default=10.0)
    sub.add_parser("session-id")
    args = ap.parse_args(argv)
    if hasattr(args, "arguments"):
        try:
            args.arguments = json.loads(args.arguments)
        except json.JSONDecodeError as e:
            raise UsageError(f"JSON_ARGS is not JSON: {e}") from e
        if not isinstance(args.arguments, dict):
            raise UsageError("JSON_ARGS must be a JSON object")
    if args.scenario == "session-id" and args.mode != "legacy":
        raise UsageError("session-id requires --mode legacy")
    return args


def main(argv: list[str] | None = None) -> int:
    try:
        args = parse_args(sys.argv[1:] if argv is None else argv)
    except UsageError as e:
        print(json.dumps({"error": {"kind": "usage", "code": None, "message": str(e)}}))
        return 2
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.DEBUG if args.debug else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    try:
        out = anyio.run(run, args)
    except BaseException as e:  # noqa: BLE001 - a driver bug: still one JSON object on stdout
        if isinstance(e, KeyboardInterrupt):
            raise
        traceback.print_exc(file=sys.stderr)
        print(json.dumps({"scenario": args.scenario, "mode": args.mode, "driver_error": f"{type(e).__name__}: {e}"}))
        return 1
    print(json.dumps(out, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
