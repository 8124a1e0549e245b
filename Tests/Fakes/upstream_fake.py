#!/usr/bin/env python3
"""A fake upstream for mcp-hub's tests: HTTPS on loopback with a test certificate.

Egress reaches it through real upstream names (api.socket.dev, o1.ingest.sentry.io, ...) via a
`connect_to` override, so TLS is verified exactly as in production, against a test CA.

    upstream_fake.py --cert server.pem --key server.key

prints one line when both listeners are up (the ports are chosen by the kernel):

    READY port=<https port> control=<http port>

The control listener is plain HTTP on 127.0.0.1, separate from the fake so that asking for
the counters never counts as upstream traffic:

    GET  /stats  -> {"connections": N, "handshake_failures": N, "requests": N, "log": [...]}
    POST /reset  -> zeroes the counters (and gives the vendor fakes a fresh VendorState)
    PUT  /jwks   -> body is the JSON Web Key Set the JWKS route serves from now on

`GET https://<ref>.supabase.co/auth/v1/.well-known/jwks.json` (any host; the certificate names
abc.supabase.co) answers the key set last PUT, `{"keys":[]}` until then: a Supabase project's
signing keys, which tests rotate without restarting anything.


and, for end-to-end tests of the providers, the vendor fakes' state (vendor_routes.VendorState):

    POST /vendor/state    {"socket_token": "…", …}  sets existing VendorState fields (tokens, orgs)
    POST /vendor/fault    {"host", "path_prefix", "status", "times", "retry_after", "message", "delay_ms"}
                          -> VendorState.inject: the next `times` matching requests fail (or hang)
    GET  /vendor/requests -> every request the vendor fakes saw, oldest first, with headers and body
    GET  /vendor/sentry-events -> the envelopes Sentry's ingest fake accepted

`requests` counts every HTTP request that reached the handler (any path, before routing);
`connections` counts accepted TCP connections, TLS failures included. A test that expects
egress to refuse asserts both stay at zero.

Routes live in ROUTES: add one with the @route decorator. A handler receives the Exchange and
returns a Reply (or None after writing the response itself, for streaming routes). A path not
in ROUTES goes to vendor_routes.handle (the Socket, Sentry and Netdata fakes, next to this
file) when that module is present; whatever neither answers gets a 404.
"""

import argparse
import json
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

try:
    import vendor_routes  # the vendor fakes; optional so the generic routes work alone
except ImportError:
    vendor_routes = None


class Reply:
    def __init__(self, status=200, body=b"", headers=None, content_type="application/json"):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        self.status = status
        self.body = body
        self.headers = list(headers or [])
        if content_type and body:
            self.headers.append(("Content-Type", content_type))


class Exchange:
    """What a route handler sees of one request."""

    def __init__(self, handler, path, query, body):
        self.handler = handler
        self.method = handler.command
        self.path = path
        self.query = query
        self.headers = handler.headers
        self.body = body

    def arg(self, name, default=None):
        values = self.query.get(name)
        return values[0] if values else default

    def int_arg(self, name, default):
        return int(self.arg(name, default))


ROUTES = {}


def route(path):
    def register(function):
        ROUTES[path] = function
        return function
    return register


# ---- generic test routes ---------------------------------------------------------------------

@route("/ok")
def ok(exchange):
    return Reply(200, {"ok": True, "path": exchange.path})


@route("/echo")
def echo(exchange):
    """Reflects the request, so tests can see what egress actually sent."""
    return Reply(200, {
        "method": exchange.method,
        "path": exchange.path,
        "headers": {name.lower(): value for name, value in exchange.headers.items()},
        "body": exchange.body.decode("utf-8", "replace"),
    })


@route("/slow")
def slow(exchange):
    time.sleep(exchange.int_arg("ms", 1000) / 1000)
    return Reply(200, {"slept_ms": exchange.int_arg("ms", 1000)})


@route("/big")
def big(exchange):
    """`bytes=N` bytes of 'x'. `length=0` streams them without Content-Length (connection
    close), so the client cannot refuse up front and must cut while reading."""
    count = exchange.int_arg("bytes", 1024)
    if exchange.arg("length", "1") != "0":
        return Reply(200, b"x" * count, content_type="application/octet-stream")
    handler = exchange.handler
    handler.send_response(200)
    handler.send_header("Content-Type", "application/octet-stream")
    handler.send_header("Connection", "close")
    handler.end_headers()
    handler.close_connection = True
    chunk = b"x" * 65536
    sent = 0
    try:
        while sent < count:
            piece = chunk[: min(len(chunk), count - sent)]
            handler.wfile.write(piece)
            sent += len(piece)
    except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
        pass
    return None


@route("/redirect")
def redirect(exchange):
    status = exchange.int_arg("status", 302)
    return Reply(status, b"", headers=[("Location", exchange.arg("to", "/ok"))])


@route("/redirect-chain")
def redirect_chain(exchange):
    remaining = exchange.int_arg("n", 1)
    if remaining <= 0:
        return Reply(200, {"chain": "done"})
    return Reply(302, b"", headers=[("Location", f"/redirect-chain?n={remaining - 1}")])


class JWKSState:
    """The key set the Supabase JWKS route serves; replaced whole through the control port."""

    def __init__(self):
        self.lock = threading.Lock()
        self.document = b'{"keys":[]}'

    def set(self, document):
        json.loads(document)  # refuse what is not JSON, so a test typo fails loudly
        with self.lock:
            self.document = document

    def get(self):
        with self.lock:
            return self.document


JWKS = JWKSState()


@route("/auth/v1/.well-known/jwks.json")
def supabase_jwks(exchange):
    return Reply(200, JWKS.get())


def vendor_reply(exchange):
    """The vendor fakes' answer, or a 404 naming the path."""
    answer = None
    if vendor_routes is not None:
        answer = vendor_routes.handle(
            exchange.method, exchange.headers.get("Host"), exchange.path, exchange.query,
            dict(exchange.headers.items()), exchange.body, COUNTERS.vendor)
    if answer is None:
        return Reply(404, {"error": "no route", "path": exchange.path})
    status, headers, body = answer
    return Reply(status, body, headers=list((headers or {}).items()), content_type=None)


# ---- server machinery ------------------------------------------------------------------------

class Counters:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.connections = 0
            self.handshake_failures = 0
            self.requests = 0
            self.log = []
            self.vendor = vendor_routes.VendorState() if vendor_routes else None

    def snapshot(self):
        with self.lock:
            return {
                "connections": self.connections,
                "handshake_failures": self.handshake_failures,
                "requests": self.requests,
                "log": list(self.log),
            }


COUNTERS = Counters()


class UpstreamHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so tests can observe connection reuse
    server_version = "upstream-fake/1"

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, TimeoutError):
            self.close_connection = True

    def _dispatch(self):
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with COUNTERS.lock:
            COUNTERS.requests += 1
            COUNTERS.log.append({"method": self.command, "path": self.path, "host": self.headers.get("Host")})
        handler = ROUTES.get(parts.path)
        exchange = Exchange(self, parts.path, parse_qs(parts.query), body)
        reply = handler(exchange) if handler else vendor_reply(exchange)
        if reply is None:
            return
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _dispatch

    def log_message(self, format, *args):
        sys.stderr.write("upstream-fake: " + (format % args) + "\n")


class TLSServer(ThreadingHTTPServer):
    """Wraps each accepted socket in TLS on the connection's own thread, so a client that
    rejects the certificate (or never speaks) cannot stall the accept loop."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, context):
        self.context = context
        super().__init__(address, UpstreamHandler)

    def get_request(self):
        connection, address = super().get_request()
        # Headers and body go out in separate writes; without NODELAY, Nagle and the client's
        # delayed ACK add 40 ms to every keep-alive response.
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with COUNTERS.lock:
            COUNTERS.connections += 1
        return connection, address

    def finish_request(self, request, client_address):
        request.settimeout(30)
        try:
            tls = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as error:
            with COUNTERS.lock:
                COUNTERS.handshake_failures += 1
            sys.stderr.write(f"upstream-fake: TLS handshake failed: {error}\n")
            return
        try:
            UpstreamHandler(tls, client_address, self)
        finally:
            try:
                tls.close()
            except OSError:
                pass

    def handle_error(self, request, client_address):
        sys.stderr.write(f"upstream-fake: error from {client_address}: {sys.exc_info()[1]!r}\n")


# Fields a test may set: plain values only, so a test cannot replace the fake's canned data by accident.
SETTABLE_VENDOR_FIELDS = {
    "socket_token", "socket_org", "socket_empty_first_page", "socket_processing", "socket_quota",
    "sentry_token", "sentry_org", "sentry_public_key", "sentry_project_id",
    "netdata_token", "netdata_space", "netdata_room",
}


def recorded(request):
    """A RecordedRequest as JSON (the body as text: every vendor speaks JSON or NDJSON)."""
    return {
        "method": request.method, "host": request.host, "path": request.path, "query": request.query,
        "headers": request.headers, "body": request.body.decode("utf-8", "replace"),
    }


def sentry_event(envelope):
    items = [{"header": i["header"], "payload": i["payload"], "raw": i["raw"].decode("utf-8", "replace")}
             for i in envelope["items"]]
    return dict(envelope, items=items)


class ControlHandler(BaseHTTPRequestHandler):
    def _reply(self, payload, status=200):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _vendor(self):
        if COUNTERS.vendor is None:
            self._reply({"error": "vendor_routes.py is not loaded"}, 404)
        return COUNTERS.vendor

    def do_GET(self):
        if self.path == "/stats":
            self._reply(COUNTERS.snapshot())
        elif self.path == "/vendor/requests":
            vendor = self._vendor()
            if vendor is not None:
                self._reply([recorded(r) for r in vendor.received()])
        elif self.path == "/vendor/sentry-events":
            vendor = self._vendor()
            if vendor is not None:
                with vendor.lock:
                    self._reply([sentry_event(e) for e in vendor.sentry_events])
        else:
            self.send_error(404)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            return self._reply({"error": "body is not JSON"}, 400)
        if self.path == "/reset":
            COUNTERS.reset()
            self._reply({"reset": True})
        elif self.path == "/vendor/state":
            vendor = self._vendor()
            if vendor is None:
                return
            unknown = sorted(set(body) - SETTABLE_VENDOR_FIELDS)
            if unknown:
                return self._reply({"error": "not settable: %s" % ", ".join(unknown)}, 400)
            with vendor.lock:
                for name, value in body.items():
                    setattr(vendor, name, value)
            self._reply({"set": sorted(body)})
        elif self.path == "/vendor/fault":
            vendor = self._vendor()
            if vendor is None:
                return
            try:
                vendor.inject(body["host"], body.get("path_prefix", "/"), body.get("status"),
                              times=int(body.get("times", 1)), retry_after=body.get("retry_after"),
                              message=body.get("message"), delay_ms=int(body.get("delay_ms", 0)))
            except (KeyError, TypeError, ValueError) as error:
                return self._reply({"error": "bad fault: %r" % error}, 400)
            self._reply({"injected": True})
        else:
            self.send_error(404)

    def do_PUT(self):
        if self.path != "/jwks":
            self.send_error(404)
            return
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            JWKS.set(body)
        except ValueError as error:
            self.send_error(400, str(error))
            return
        self._reply({"jwks": True})

    def log_message(self, format, *args):
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cert", required=True, help="PEM server certificate (chain)")
    parser.add_argument("--key", required=True, help="PEM private key")
    parser.add_argument("--host", default="127.0.0.1")
    arguments = parser.parse_args()

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(arguments.cert, arguments.key)

    upstream = TLSServer((arguments.host, 0), context)
    control = ThreadingHTTPServer(("127.0.0.1", 0), ControlHandler)
    control.daemon_threads = True
    for server in (upstream, control):
        threading.Thread(target=server.serve_forever, daemon=True).start()

    print(f"READY port={upstream.server_address[1]} control={control.server_address[1]}", flush=True)
    # Exit when the test process closes our stdin (or dies), so no fake outlives its test.
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
