"""Faithful fakes of the Socket, Sentry and Netdata Cloud endpoints the mcp-hub providers call.

Shapes follow /work/shared/reference/upstream-apis.md (taken from the vendors' own OpenAPI specs,
SDKs and servers). Python 3 standard library only. The TLS server (upstream_fake.py) imports this
module and, for every request, calls

    handle(method, host, path, query, headers, body, state) -> (status, headers, body) | None

`query` maps a name to a string or a list of strings (what urllib.parse.parse_qs gives);
`headers` may use any case; `body` is bytes. None means "no route here" (the server answers its
own 404). `state` is a VendorState: the tokens each fake expects, its canned data, faults to
inject, and a record of every request received (for tests to assert on).

Run this file to self-test the handlers without a network.
"""

import base64
import binascii
import json
import re
import threading
import time
from urllib.parse import unquote

SOCKET_HOST = "api.socket.dev"
SENTRY_HOST = "sentry.io"
NETDATA_HOST = "app.netdata.cloud"
# o<orgid>.ingest.sentry.io and o<orgid>.ingest.<region>.sentry.io
SENTRY_INGEST_HOST = re.compile(r"^o\d+\.ingest(\.[a-z]{2})?\.sentry\.io$")


# --------------------------------------------------------------------------------------------
# State


class VendorState:
    """Everything a test controls or inspects. Thread-safe: the TLS server may serve in threads."""

    def __init__(
        self,
        socket_token="sktsec_test_token",
        socket_org="acme",
        sentry_token="sntrys_test_token",
        sentry_org="acme",
        sentry_public_key="0123456789abcdef0123456789abcdef",
        sentry_project_id="4505",
        netdata_token="ndc_test_token",
        netdata_space="6f1b3f2e-0000-4000-8000-000000000001",
        netdata_room="6f1b3f2e-0000-4000-8000-000000000002",
        now=None,
    ):
        self.lock = threading.Lock()
        self.requests = []  # RecordedRequest, oldest first
        self.faults = []  # Fault, consumed in order
        self.now = int(now if now is not None else time.time())

        self.socket_token = socket_token
        self.socket_org = socket_org
        self.socket_quota = {"quota": 950, "maxQuota": 1000, "nextWindowRefresh": "2026-08-20T10:00:00Z"}
        self.socket_scans = default_socket_scans(socket_org)
        # scan id -> how many 202 "processing" answers remain (only with cached=true, as Socket does)
        self.socket_processing = {}
        self.socket_alerts = default_socket_alerts()
        # Socket's rule "an empty page is not the end": when set, the first page is empty but has a cursor.
        self.socket_empty_first_page = False

        self.sentry_token = sentry_token
        self.sentry_org = sentry_org
        self.sentry_public_key = sentry_public_key
        self.sentry_project_id = str(sentry_project_id)
        self.sentry_issues = default_sentry_issues(sentry_org)
        self.sentry_events = []  # parsed envelopes received on ingest

        self.netdata_token = netdata_token
        self.netdata_space = netdata_space
        self.netdata_room = netdata_room
        self.netdata_nodes = [
            {"ni": 0, "nd": "node-uuid-1", "mg": "guid-1", "nm": "host1", "state": "reachable", "v": "v2.10.3"},
            {"ni": 1, "nd": "node-uuid-2", "mg": "guid-2", "nm": "host2", "state": "reachable", "v": "v2.10.3"},
        ]
        self.netdata_contexts = {
            "system.cpu": {"units": "percentage", "dimensions": ["user", "system", "iowait"]},
            "system.load": {"units": "load", "dimensions": ["load1", "load5", "load15"]},
        }
        self.netdata_alerts = [
            {"ni": 0, "nm": "10min_cpu_iowait", "ctx": "system.cpu", "ch": "system.cpu", "st": "WARNING", "v": 12.3,
             "t": self.now - 120, "units": "%"},
            {"ni": 1, "nm": "ram_in_use", "ctx": "mem.available", "ch": "system.ram", "st": "CRITICAL", "v": 97.1,
             "t": self.now - 60, "units": "%"},
            {"ni": 0, "nm": "disk_space_usage", "ctx": "disk.space", "ch": "disk_space._", "st": "CLEAR", "v": 41.0,
             "t": self.now - 3600, "units": "%"},
        ]

    def inject(self, host, path_prefix, status, times=1, retry_after=None, message=None, delay_ms=0):
        """Makes the next `times` requests to host+path_prefix fail with the vendor's own error shape.
        `delay_ms` holds each of them that long first; with `status` None the request is then
        answered normally, which is how a test makes an upstream hang."""
        with self.lock:
            self.faults.append(Fault(host, path_prefix, status, times, retry_after, message, delay_ms))

    def take_fault(self, host, path):
        with self.lock:
            for fault in self.faults:
                if fault.host == host and path.startswith(fault.path_prefix) and fault.times > 0:
                    fault.times -= 1
                    return fault
        return None

    def record(self, request):
        with self.lock:
            self.requests.append(request)

    def received(self, host=None, path_prefix=""):
        with self.lock:
            return [r for r in self.requests if (host is None or r.host == host) and r.path.startswith(path_prefix)]


class Fault:
    def __init__(self, host, path_prefix, status, times, retry_after, message, delay_ms=0):
        self.host, self.path_prefix, self.status, self.times = host, path_prefix, status, times
        self.retry_after, self.message, self.delay_ms = retry_after, message, delay_ms


class RecordedRequest:
    def __init__(self, method, host, path, query, headers, body):
        self.method, self.host, self.path, self.query, self.headers, self.body = method, host, path, query, headers, body

    def __repr__(self):
        return "%s https://%s%s %r" % (self.method, self.host, self.path, self.query)


# --------------------------------------------------------------------------------------------
# Entry point


def handle(method, host, path, query, headers, body, state):
    """Routes one request by Host header, then path. Returns (status, headers, body) or None."""
    host = (host or "").split(":")[0].lower()
    headers = {str(k).lower(): str(v) for k, v in (headers or {}).items()}
    query = normalise_query(query or {})
    body = body or b""
    state.record(RecordedRequest(method, host, path, query, headers, body))

    if host == SOCKET_HOST:
        vendor = Socket
    elif host == SENTRY_HOST:
        vendor = SentryREST
    elif SENTRY_INGEST_HOST.match(host):
        vendor = SentryIngest
    elif host == NETDATA_HOST:
        vendor = Netdata
    else:
        return None
    fault = state.take_fault(host, path)
    if fault is not None:
        if fault.delay_ms:
            time.sleep(fault.delay_ms / 1000)  # outside the lock: other requests go on meanwhile
        if fault.status:
            return vendor.fault(fault, state)
    return vendor.route(method, host, path, query, headers, body, state)


def normalise_query(query):
    return {k: (list(v) if isinstance(v, (list, tuple)) else [str(v)]) for k, v in query.items()}


def first(query, name, default=None):
    values = query.get(name)
    return values[0] if values else default


def json_response(status, payload, extra_headers=None):
    headers = {"Content-Type": "application/json"}
    headers.update(extra_headers or {})
    return status, headers, json.dumps(payload, separators=(",", ":")).encode()


def bearer(headers):
    value = headers.get("authorization", "")
    return value[7:].strip() if value[:7].lower() == "bearer " else None


# --------------------------------------------------------------------------------------------
# Socket.dev


class Socket:
    """api.socket.dev/v0: quota, organizations, full scans (NDJSON), alerts (cursor pagination)."""

    MESSAGES = {
        400: "Bad request",
        401: "Request not authenticated",
        403: "Insufficient max_quota for API method",
        404: "Resource not found",
        429: "Insufficient quota for API route",
        500: "Internal server error",
        503: "Service unavailable",
    }

    @staticmethod
    def error(status, message=None, retry_after=None):
        extra = {"Retry-After": str(retry_after if retry_after is not None else 60)} if status == 429 else {}
        if status == 503 and retry_after is not None:
            extra = {"Retry-After": str(retry_after)}
        text = message or Socket.MESSAGES.get(status, "Error")
        return json_response(status, {"error": {"message": text, "details": None}}, extra)

    @staticmethod
    def fault(fault, state):
        return Socket.error(fault.status, fault.message, fault.retry_after)

    @staticmethod
    def token(headers):
        """Bearer <token> (socket-mcp) or Basic base64("<token>:") (SDK, CLI, curl -u key:)."""
        value = headers.get("authorization", "")
        scheme, _, credential = value.partition(" ")
        if scheme.lower() == "bearer":
            return credential.strip()
        if scheme.lower() == "basic":
            try:
                user, _, _password = base64.b64decode(credential.strip(), validate=True).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return None
            return user
        return None

    @staticmethod
    def route(method, host, path, query, headers, body, state):
        if not path.startswith("/v0/"):
            return Socket.error(404)
        token = Socket.token(headers)
        if not token or token != state.socket_token:
            return Socket.error(401)
        parts = [unquote(p) for p in path[len("/v0/"):].strip("/").split("/")]

        if parts == ["quota"] and method == "GET":
            return json_response(200, state.socket_quota)
        if parts == ["organizations"] and method == "GET":
            org = {"id": "org_1", "name": "Acme", "image": None, "plan": "team", "slug": state.socket_org}
            return json_response(200, {"organizations": {"org_1": org}})
        if len(parts) >= 3 and parts[0] == "orgs":
            if parts[1] != state.socket_org:
                return Socket.error(404, "Organization not found")
            rest = parts[2:]
            if rest == ["full-scans"] and method == "GET":
                return Socket.list_scans(query, state)
            if len(rest) == 2 and rest[0] == "full-scans" and method == "GET":
                return Socket.read_scan(rest[1], query, state)
            if len(rest) == 3 and rest[0] == "full-scans" and rest[2] == "metadata" and method == "GET":
                scan = state.socket_scans.get(rest[1])
                return json_response(200, scan["meta"]) if scan else Socket.error(404, "Full scan not found")
            if rest == ["alerts"] and method == "GET":
                return Socket.alerts(query, state)
        return Socket.error(404)

    @staticmethod
    def list_scans(query, state):
        repo, branch = first(query, "repo"), first(query, "branch")
        try:
            per_page = int(first(query, "per_page", "30"))
            page = int(first(query, "page", "1"))
        except ValueError:
            return Socket.error(400, "Invalid pagination parameters")
        if not 1 <= per_page <= 100 or page < 1:
            return Socket.error(400, "Invalid pagination parameters")
        scans = [s["meta"] for s in state.socket_scans.values()]
        scans = [s for s in scans if (repo is None or s["repo"] == repo) and (branch is None or s["branch"] == branch)]
        descending = first(query, "direction", "desc") == "desc"
        scans.sort(key=lambda s: s[first(query, "sort", "created_at")] or "", reverse=descending)
        window = scans[(page - 1) * per_page: page * per_page]
        next_page = page + 1 if page * per_page < len(scans) else None
        return json_response(200, {"results": window, "nextPage": next_page, "nextPageCursor": None})

    @staticmethod
    def read_scan(scan_id, query, state):
        scan = state.socket_scans.get(scan_id)
        if scan is None:
            return Socket.error(404, "Full scan not found")
        # Only the cached read answers 202 while the scan is still being computed; the SDK polls.
        if first(query, "cached") == "true":
            with state.lock:
                remaining = state.socket_processing.get(scan_id, 0)
                if remaining > 0:
                    state.socket_processing[scan_id] = remaining - 1
            if remaining > 0:
                return json_response(202, {"status": "processing", "id": scan_id})
        lines = b"".join(json.dumps(a, separators=(",", ":")).encode() + b"\n" for a in scan["artifacts"])
        return 200, {"Content-Type": "application/x-ndjson"}, lines

    ALERT_FILTERS = {
        "alertSeverity": lambda a: [a["severity"]],
        "alertStatus": lambda a: [a["status"]],
        "alertCategory": lambda a: [a["category"]],
        "alertType": lambda a: [a["type"]],
        "repoSlug": lambda a: [l["repository"]["slug"] for l in a["locations"]],
        "branch": lambda a: [l["branch"]["name"] for l in a["locations"]],
        "artifactType": lambda a: [l["artifact"]["type"] for l in a["locations"]],
        "artifactName": lambda a: [l["artifact"]["name"] for l in a["locations"]],
    }

    @staticmethod
    def alerts(query, state):
        try:
            per_page = int(first(query, "per_page", "1000"))
        except ValueError:
            return Socket.error(400, "per_page must be an integer")
        if not 1 <= per_page <= 5000:
            return Socket.error(400, "per_page must be between 1 and 5000")
        items = list(state.socket_alerts)
        for name, values in query.items():
            if not name.startswith("filters."):
                continue
            field, _, negation = name[len("filters."):].partition(".")
            if field not in Socket.ALERT_FILTERS or negation not in ("", "notIn"):
                return Socket.error(400, "Unknown filter %s" % name)
            wanted = {v for value in values for v in value.split(",") if v}
            keep_matches = negation == ""
            items = [a for a in items if bool(wanted & set(Socket.ALERT_FILTERS[field](a))) == keep_matches]

        cursor = first(query, "startAfterCursor")
        start = 0
        if cursor is not None:
            start = Socket.decode_cursor(cursor)
            if start is None:
                return Socket.error(400, "Invalid startAfterCursor")
        if state.socket_empty_first_page and cursor is None:
            page, end = [], 0
        else:
            page = items[start:start + per_page]
            end = start + len(page)
        end_cursor = Socket.encode_cursor(end) if end < len(items) or (not page and cursor is None and items) else None
        meta = {"organizationId": "org_1", "queryStartTimestamp": state.now * 1000, "filters": {}}
        return json_response(200, {"items": page, "endCursor": end_cursor, "meta": meta})

    @staticmethod
    def encode_cursor(index):
        return base64.urlsafe_b64encode(json.dumps({"after": index}).encode()).decode()

    @staticmethod
    def decode_cursor(cursor):
        try:
            return int(json.loads(base64.urlsafe_b64decode(cursor.encode()))["after"])
        except (ValueError, KeyError, TypeError, binascii.Error):
            return None


def default_socket_scans(org):
    def meta(scan_id, repo, branch, created):
        return {
            "id": scan_id, "created_at": created, "updated_at": created, "organization_id": "org_1",
            "organization_slug": org, "repository_id": "repo_" + repo, "repository_slug": repo, "repo": repo,
            "branch": branch, "commit_hash": None, "commit_message": None, "pull_request": None, "committers": [],
            "html_report_url": "https://socket.dev/dashboard/org/%s/sbom/%s" % (org, scan_id), "api_url": None,
            "integration_type": "api", "scan_type": "socket", "scan_state": "scan", "unmatchedFiles": [],
        }

    def artifact(name, version, alerts, namespace=""):
        return {
            "id": "art_" + name, "type": "npm", "namespace": namespace, "name": name, "version": version,
            "direct": True, "dev": False,
            "manifestFiles": [{"file": "package-lock.json", "start": 10, "end": 20}], "license": "MIT",
            "alerts": alerts,
            "score": {"license": 1, "maintenance": 0.8, "overall": 0.5, "quality": 0.9, "supplyChain": 0.9,
                      "vulnerability": 0.25},
        }

    def alert(kind, severity, category, action="error"):
        return {"key": "k_%s_%s" % (kind, severity), "type": kind, "severity": severity, "category": category,
                "props": {}, "action": action}

    return {
        "scan_old": {"meta": meta("scan_old", "my-repo", "main", "2026-01-01T00:00:00Z"),
                     "artifacts": [artifact("left-pad", "1.0.0", [])]},
        "scan_1": {
            "meta": meta("scan_1", "my-repo", "main", "2026-02-01T00:00:00Z"),
            "artifacts": [
                artifact("lodash", "4.17.20", [alert("cve", "high", "vulnerability")]),
                # Full-scan artifacts say "middle" where the alerts list says "medium".
                artifact("request", "2.88.2", [alert("deprecated", "middle", "maintenance", "warn")]),
                artifact("evil-pkg", "0.0.1", [alert("malware", "critical", "supplyChainRisk"),
                                               alert("installScripts", "low", "supplyChainRisk", "monitor")]),
                artifact("express", "4.19.2", []),
            ],
        },
        "scan_dev": {"meta": meta("scan_dev", "my-repo", "dev", "2026-02-02T00:00:00Z"),
                     "artifacts": [artifact("express", "4.19.2", [])]},
    }


def default_socket_alerts():
    def item(n, kind, severity, category, status, repo, name, version, cve=None):
        return {
            "id": "alert_%d" % n, "key": "key_%d" % n, "type": kind, "category": category,
            "title": "%s in %s" % (kind, name), "description": None, "severity": severity, "status": status,
            "createdAt": "2026-01-0%dT00:00:00Z" % (1 + n % 9), "updatedAt": "2026-01-10T00:00:00Z",
            "clearedAt": None if status == "open" else "2026-01-11T00:00:00Z",
            "dashboardUrl": "https://socket.dev/dashboard/org/acme/alerts/%d" % n,
            "fix": {"type": "upgrade", "description": None},
            "vulnerability": ({"cveId": cve, "cvssScore": 7.2, "ghsaIds": ["GHSA-35jh-r3h4-6jhm"], "isKev": False,
                               "firstPatchedVersionIdentifier": "4.17.21"} if cve else None),
            "locations": [{
                "repository": {"slug": repo}, "branch": {"name": "main", "type": None},
                "dependency": {"direct": True, "dev": False, "dead": False, "manifestFiles": []},
                "artifact": {"type": "npm", "name": name, "version": version, "id": "art_%d" % n},
            }],
        }

    return [
        item(1, "cve", "high", "vulnerability", "open", "my-repo", "lodash", "4.17.20", "CVE-2021-23337"),
        item(2, "malware", "critical", "supplyChainRisk", "open", "my-repo", "evil-pkg", "0.0.1"),
        item(3, "deprecated", "medium", "maintenance", "open", "my-repo", "request", "2.88.2"),
        item(4, "installScripts", "low", "supplyChainRisk", "open", "other-repo", "esbuild", "0.20.0"),
        item(5, "mediumCVE", "medium", "vulnerability", "cleared", "my-repo", "minimist", "1.2.5", "CVE-2021-44906"),
        item(6, "criticalCVE", "critical", "vulnerability", "open", "other-repo", "vm2", "3.9.19", "CVE-2023-37466"),
        item(7, "usesEval", "low", "supplyChainRisk", "open", "my-repo", "ejs", "3.1.9"),
    ]


# --------------------------------------------------------------------------------------------
# Sentry REST (sentry.io/api/0)


class SentryREST:
    RATE_HEADERS = {
        "X-Sentry-Rate-Limit-Limit": "40",
        "X-Sentry-Rate-Limit-Remaining": "39",
        "X-Sentry-Rate-Limit-ConcurrentLimit": "25",
        "X-Sentry-Rate-Limit-ConcurrentRemaining": "24",
    }
    MESSAGES = {
        400: "Invalid request",
        401: "Invalid token",
        403: "You do not have permission to perform this action.",
        404: "The requested resource does not exist",
        429: "You are attempting to use this endpoint too frequently. Limit is 40 requests in 1 seconds",
        500: "Internal Error",
    }

    @staticmethod
    def respond(status, payload, state, extra=None):
        headers = dict(SentryREST.RATE_HEADERS)
        headers["X-Sentry-Rate-Limit-Reset"] = str(state.now + 1)
        headers.update(extra or {})
        return json_response(status, payload, headers)

    @staticmethod
    def error(status, state, message=None, extra=None):
        return SentryREST.respond(status, {"detail": message or SentryREST.MESSAGES.get(status, "Error")}, state, extra)

    @staticmethod
    def fault(fault, state):
        extra = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else None
        if fault.status == 429:
            return SentryREST.respond(
                429, {"detail": fault.message or SentryREST.MESSAGES[429]}, state,
                dict(extra or {}, **{"X-Sentry-Rate-Limit-Remaining": "0"}))
        if fault.status == 403 and fault.message == "sso-required":
            detail = {"code": "sso-required", "message": "Must login via SSO", "extra": {}}
            return SentryREST.respond(403, {"detail": detail}, state, extra)
        return SentryREST.error(fault.status, state, fault.message, extra)

    @staticmethod
    def route(method, host, path, query, headers, body, state):
        token = bearer(headers)
        if path == "/api/0/" and method == "GET":
            # Always 200: a null `auth` is how the index says the token is missing or invalid.
            valid = token == state.sentry_token
            auth = {"scopes": ["event:read", "org:read", "project:read"]} if valid else None
            user = {"id": "1", "name": "Ops Bot", "username": "ops-bot"} if valid else None
            return SentryREST.respond(200, {"version": "0", "auth": auth, "user": user}, state)
        if not path.startswith("/api/0/"):
            return None
        if token is None:
            return SentryREST.error(401, state, "Authentication credentials were not provided.")
        if token != state.sentry_token:
            return SentryREST.error(401, state, "Invalid token")
        match = re.match(r"^/api/0/organizations/([^/]+)/issues/$", path)
        if match and method == "GET":
            if unquote(match.group(1)) != state.sentry_org:
                return SentryREST.error(404, state)
            return SentryREST.issues(query, state)
        return SentryREST.error(404, state)

    @staticmethod
    def issues(query, state):
        try:
            limit = int(first(query, "limit", first(query, "per_page", "100")))
        except ValueError:
            return SentryREST.error(400, state, "Invalid per_page value.")
        if limit > 100:
            return SentryREST.error(400, state, "Invalid per_page value. Cannot exceed 100.")
        if limit < 1:
            return SentryREST.error(400, state, "Invalid per_page value.")
        period = first(query, "statsPeriod")
        if period is not None and not re.match(r"^\d+[smhdw]$", period):
            return SentryREST.error(400, state, "Invalid stats_period. Valid choices are '', '24h', and '14d'")
        cursor = first(query, "cursor", "0:0:0")
        cursor_match = re.match(r"^(\d+):(\d+):([01])$", cursor)
        if not cursor_match:
            return SentryREST.error(400, state, "Invalid cursor parameter.")
        offset = int(cursor_match.group(2))

        issues = list(state.sentry_issues)
        projects = [p for p in query.get("project", []) if p != "-1"]
        if projects:
            issues = [i for i in issues if i["project"]["id"] in projects]
        for term in first(query, "query", "is:unresolved").split():
            if term.startswith("is:"):
                issues = [i for i in issues if i["status"] == term[3:]]
            elif term.startswith("level:"):
                issues = [i for i in issues if i["level"] == term[6:]]
            else:
                issues = [i for i in issues if term.lower() in i["title"].lower()]
        page = issues[offset:offset + limit]
        more = offset + limit < len(issues)
        base = "https://sentry.io/api/0/organizations/%s/issues/" % state.sentry_org
        previous_cursor = "0:%d:1" % max(offset - limit, 0) if offset else "0:0:1"
        next_cursor = "0:%d:0" % (offset + limit)
        link = ('<%s?&cursor=%s>; rel="previous"; results="%s"; cursor="%s", '
                '<%s?&cursor=%s>; rel="next"; results="%s"; cursor="%s"') % (
            base, previous_cursor, "true" if offset else "false", previous_cursor,
            base, next_cursor, "true" if more else "false", next_cursor)
        return SentryREST.respond(200, page, state, {"Link": link})


def default_sentry_issues(org):
    def issue(n, title, level, status, count, project=("2", "pump-station")):
        return {
            "id": str(n), "shortId": "PUMP-STATION-%d" % n, "title": title,
            "culprit": "raven.scripts.runner in main",
            "permalink": "https://sentry.io/organizations/%s/issues/%d/" % (org, n), "level": level,
            "status": status, "platform": "python", "isBookmarked": False, "isPublic": False,
            "project": {"id": project[0], "name": project[1].replace("-", " ").title(), "slug": project[1]},
            "count": str(count),  # Sentry sends counts as strings
            "userCount": n % 4, "firstSeen": "2018-11-06T21:19:55Z", "lastSeen": "2018-12-06T21:19:55Z",
            "metadata": {"title": title}, "type": "error", "numComments": 0, "assignedTo": None,
        }

    return [
        issue(1, "This is an example Python exception", "error", "unresolved", 150),
        issue(2, "Database connection lost", "fatal", "unresolved", 7),
        issue(3, "Slow request", "warning", "unresolved", 1200, ("3", "web")),
        issue(4, "Old resolved thing", "error", "resolved", 3),
        issue(5, "Debug breadcrumb overflow", "info", "unresolved", 42),
    ]


# --------------------------------------------------------------------------------------------
# Sentry ingest (o<orgid>.ingest[.<region>].sentry.io)


class SentryIngest:
    MAX_ITEM = 1024 * 1024  # 1 MiB per event item

    @staticmethod
    def fault(fault, state):
        headers = {}
        if fault.status == 429:
            headers["Retry-After"] = str(fault.retry_after if fault.retry_after is not None else 60)
            headers["X-Sentry-Rate-Limits"] = "60:transaction:key, 2700:default;error;security:organization"
        return json_response(fault.status, {"detail": fault.message or "event rejected", "causes": []}, headers)

    @staticmethod
    def auth_fields(headers, query):
        """X-Sentry-Auth: `Sentry k=v, k=v` in any order (docs and sentry-python differ); or query."""
        fields = {}
        value = headers.get("x-sentry-auth", "")
        if value[:7].lower() == "sentry ":
            value = value[7:]
        for part in value.split(","):
            name, sep, field = part.strip().partition("=")
            if sep:
                fields[name.strip()] = field.strip()
        for name in ("sentry_key", "sentry_version", "sentry_client"):
            if name not in fields and first(query, name):
                fields[name] = first(query, name)
        return fields

    @staticmethod
    def route(method, host, path, query, headers, body, state):
        match = re.match(r"^/api/(\d+)/(envelope|store)/$", path)
        if not match:
            return json_response(404, {"detail": "not found"})
        if method != "POST":
            return json_response(405, {"detail": "method not allowed"})
        fields = SentryIngest.auth_fields(headers, query)
        if "sentry_key" not in fields:
            return json_response(403, {"detail": "missing authorization information"})
        if fields["sentry_key"] != state.sentry_public_key or match.group(1) != state.sentry_project_id:
            return json_response(403, {"detail": "event submission rejected with_reason: ProjectId"})
        if match.group(2) == "store":
            return json_response(400, {"detail": "the fake only implements envelopes"})
        try:
            envelope = parse_envelope(body)
        except EnvelopeTooLarge:
            return json_response(413, {"detail": "envelope exceeded size limits", "causes": ["item too large"]})
        except ValueError as error:
            return json_response(400, {"detail": "invalid envelope", "causes": [str(error)]})
        envelope["content_type"] = headers.get("content-type")
        envelope["auth"] = fields
        with state.lock:
            state.sentry_events.append(envelope)
        return json_response(200, {"id": envelope["header"]["event_id"]})


class EnvelopeTooLarge(ValueError):
    pass


def parse_envelope(body):
    """Header line, then (item header, payload) pairs; a payload is `length` bytes or one line."""
    header_line, _, rest = body.partition(b"\n")
    header = json.loads(header_line)
    if not re.match(r"^[0-9a-f]{32}$", str(header.get("event_id", ""))):
        raise ValueError("event_id must be 32 lowercase hex digits")
    items = []
    while rest.strip():
        item_line, _, rest = rest.partition(b"\n")
        item_header = json.loads(item_line)
        length = item_header.get("length")
        if length is not None:
            payload, rest = rest[:length], rest[length:]
            if len(payload) != length:
                raise ValueError("item shorter than its length")
            rest = rest[1:] if rest.startswith(b"\n") else rest
        else:
            payload, _, rest = rest.partition(b"\n")
        if len(payload) > SentryIngest.MAX_ITEM:
            raise EnvelopeTooLarge()
        parsed = json.loads(payload) if item_header.get("type") == "event" else None
        items.append({"header": item_header, "payload": parsed, "raw": payload})
    if not items:
        raise ValueError("envelope has no items")
    return {"header": header, "items": items}


# --------------------------------------------------------------------------------------------
# Netdata Cloud (app.netdata.cloud/api/v2, /api/v3)

NETDATA_HTML_404 = (b"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Netdata</title></head>"
                    b"<body><div id=\"app\"></div><noscript>You need to enable JavaScript to run this app."
                    b"</noscript></body></html>")


class Netdata:
    @staticmethod
    def error(status, key, message, extra=None):
        payload = {"errorCode": "%d-%s" % (status, key), "errorMsgKey": key, "errorMessage": message,
                   "status": status}
        return json_response(status, payload, extra)

    @staticmethod
    def html_404():
        return 404, {"Content-Type": "text/html; charset=utf-8"}, NETDATA_HTML_404

    @staticmethod
    def fault(fault, state):
        if fault.status == 404 and fault.message == "html":
            return Netdata.html_404()
        keys = {400: "ErrBadRequest", 401: "ErrUnauthenticated", 403: "ErrForbidden", 404: "ErrNotFound",
                429: "ErrTooManyRequests", 500: "ErrInternalServerError", 503: "ErrServiceUnavailable"}
        extra = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else None
        return Netdata.error(fault.status, keys.get(fault.status, "ErrUnknown"), fault.message or "error", extra)

    @staticmethod
    def route(method, host, path, query, headers, body, state):
        v2_rooms = re.match(r"^/api/v2/spaces/([^/]+)/rooms$", path)
        v3_room = re.match(r"^/api/v3/spaces/([^/]+)/rooms/([^/]+)/(nodes|data)$", path)
        v2_room = re.match(r"^/api/v2/spaces/([^/]+)/rooms/([^/]+)/alerts$", path)
        known = (path == "/api/v2/spaces" and method == "GET") or (v2_rooms and method == "GET") or \
            ((v3_room or v2_room) and method == "POST")
        if not known:
            return Netdata.html_404()  # Cloud's web app answers unknown paths, e.g. /api/v1/data
        if bearer(headers) != state.netdata_token:
            return Netdata.error(401, "ErrUnauthenticated", "invalid or missing API token")
        if path == "/api/v2/spaces":
            return json_response(200, [{"id": state.netdata_space, "slug": "acme", "name": "Acme",
                                        "permissions": ["space:ReadRoom", "room:Read"]}])
        match = v2_rooms or v3_room or v2_room
        if match.group(1) != state.netdata_space:
            return Netdata.error(403, "ErrForbidden", "you are not a member of this space")
        if v2_rooms:
            return json_response(200, [{"id": state.netdata_room, "slug": "all-nodes-x1", "name": "All nodes",
                                        "node_count": len(state.netdata_nodes), "member_count": 2, "isMember": True,
                                        "permissions": ["room:Read"], "createdAt": "2025-01-01T00:00:00Z"}])
        if match.group(2) != state.netdata_room:
            return Netdata.error(404, "ErrRoomNotFound", "room not found")
        try:
            request = json.loads(body or b"{}")
            if not isinstance(request, dict):
                raise ValueError
        except ValueError:
            return Netdata.error(400, "ErrBadRequest", "invalid JSON body")
        if v2_room:
            return Netdata.alerts(request, state)
        if match.group(3) == "nodes":
            nodes = [dict(n, labels={}, health={"status": "warning", "alerts": {"warning": 1, "critical": 0}})
                     for n in state.netdata_nodes]
            return json_response(200, {"nodes": nodes})
        return Netdata.data(request, state)

    @staticmethod
    def data(request, state):
        contexts = (request.get("scope") or {}).get("contexts")
        if not contexts or not isinstance(contexts, list):
            return Netdata.error(400, "ErrBadRequest", "scope.contexts is required")
        window = request.get("window") or {}
        after, before, points = window.get("after", -600), window.get("before", 0), window.get("points", 0)
        if not all(isinstance(v, int) for v in (after, before, points)) or points <= 0 or after >= before:
            return Netdata.error(400, "ErrBadRequest", "after parameter must be greater than 0")
        if request.get("format") != "json2":
            return Netdata.error(400, "ErrBadRequest", "format must be json2")
        metrics = ((request.get("aggregations") or {}).get("metrics") or [{}])[0]
        group_by = (metrics.get("group_by") or ["dimension"])[0]

        known = [state.netdata_contexts[c] for c in contexts if c in state.netdata_contexts]
        if group_by == "node":
            series = [n["nm"] for n in state.netdata_nodes]
        elif group_by == "dimension":
            series = [d for c in known for d in c["dimensions"]]
        else:
            series = ["selected"] if known else []
        start, step = state.now + after, max((before - after) // points, 1)
        rows = []
        for p in range(points if series else 0):
            t = start + (p + 1) * step
            rows.append([t] + [[round(5 + (i * 3.1 + p * 0.7) % 10, 2), 0, 0] for i in range(len(series))])
        rows.reverse()  # newest first, as Netdata sends them
        units = known[0]["units"] if known else None
        return json_response(200, {
            "api": 2, "agents": [{"mg": n["mg"], "nd": n["nd"], "nm": n["nm"]} for n in state.netdata_nodes],
            "versions": {}, "summary": {"nodes": [], "contexts": [{"id": c} for c in contexts]},
            "totals": {"nodes": {"sl": len(state.netdata_nodes), "qr": len(state.netdata_nodes)}},
            "functions": [], "db": {"tiers": 3, "update_every": step},
            "view": {"title": contexts[0], "units": units, "after": start, "before": state.now + before,
                     "min": 0, "max": 100},
            "result": {"labels": ["time"] + series, "point": {"value": 0, "arp": 1, "pa": 2}, "data": rows},
            "timings": {"prep_ms": 0.1, "query_ms": 1.2, "output_ms": 0.1, "total_ms": 1.4, "cloud_ms": 3.0},
        })

    @staticmethod
    def alerts(request, state):
        options = request.get("options") or []
        instances = list(state.netdata_alerts)
        statuses = request.get("status")
        if statuses:
            instances = [a for a in instances if a["st"] in statuses]
        summary = {}
        for a in instances:
            entry = summary.setdefault(a["nm"], {"nm": a["nm"], "cr": 0, "wr": 0, "cl": 0})
            entry[{"CRITICAL": "cr", "WARNING": "wr"}.get(a["st"], "cl")] += 1
        payload = {"api": 2, "nodes": state.netdata_nodes}
        payload["alerts"] = list(summary.values()) if "summary" in options else []
        if "instances" in options:
            payload["alert_instances"] = [
                a if "values" in options else {k: v for k, v in a.items() if k != "v"} for a in instances]
        return json_response(200, payload)


# --------------------------------------------------------------------------------------------
# Self-test (no network)


def _self_test():
    state = VendorState(now=1700000000)

    def call(method, host, path, query=None, headers=None, body=b""):
        return handle(method, host, path, query or {}, headers or {}, body, state)

    def body_json(answer):
        return json.loads(answer[2])

    sock = {"Authorization": "Bearer " + state.socket_token}
    basic = {"authorization": "Basic " + base64.b64encode((state.socket_token + ":").encode()).decode()}

    # Socket: auth in both forms, error shape, quota.
    assert call("GET", SOCKET_HOST, "/v0/quota")[0] == 401
    assert body_json(call("GET", SOCKET_HOST, "/v0/quota"))["error"]["details"] is None
    assert call("GET", SOCKET_HOST, "/v0/quota", headers={"Authorization": "Bearer nope"})[0] == 401
    assert body_json(call("GET", SOCKET_HOST, "/v0/quota", headers=sock))["quota"] == 950
    assert call("GET", SOCKET_HOST + ":443", "/v0/quota", headers=basic)[0] == 200
    assert call("GET", SOCKET_HOST, "/v0/orgs/other/alerts", headers=sock)[0] == 404

    # Socket: latest full scan for repo+branch, then NDJSON with a 202 first when cached=true.
    answer = call("GET", SOCKET_HOST, "/v0/orgs/acme/full-scans", {"repo": ["my-repo"], "branch": ["main"],
                  "per_page": ["1"], "sort": ["created_at"], "direction": ["desc"]}, sock)
    listed = body_json(answer)
    assert [s["id"] for s in listed["results"]] == ["scan_1"] and listed["nextPage"] == 2, listed
    state.socket_processing["scan_1"] = 1
    assert call("GET", SOCKET_HOST, "/v0/orgs/acme/full-scans/scan_1", {"cached": "true"}, sock)[0] == 202
    status, headers, ndjson = call("GET", SOCKET_HOST, "/v0/orgs/acme/full-scans/scan_1", {"cached": "true"}, sock)
    assert status == 200 and headers["Content-Type"] == "application/x-ndjson"
    artifacts = [json.loads(line) for line in ndjson.splitlines()]
    assert any(a["severity"] == "middle" for art in artifacts for a in art["alerts"])
    assert call("GET", SOCKET_HOST, "/v0/orgs/acme/full-scans/nope", headers=sock)[0] == 404

    # Socket: alert pagination follows endCursor until null, filters, .notIn, empty first page.
    seen, cursor = [], None
    while True:
        q = {"per_page": "2", "filters.alertStatus": "open"}
        if cursor:
            q["startAfterCursor"] = cursor
        page = body_json(call("GET", SOCKET_HOST, "/v0/orgs/acme/alerts", q, sock))
        seen += page["items"]
        cursor = page["endCursor"]
        if cursor is None:
            break
    assert len(seen) == 6 and all(a["status"] == "open" for a in seen)
    high = body_json(call("GET", SOCKET_HOST, "/v0/orgs/acme/alerts",
                          {"filters.alertSeverity": "high,critical", "filters.repoSlug": "my-repo"}, sock))
    assert [a["id"] for a in high["items"]] == ["alert_1", "alert_2"] and high["endCursor"] is None
    not_low = body_json(call("GET", SOCKET_HOST, "/v0/orgs/acme/alerts", {"filters.alertSeverity.notIn": "low"}, sock))
    assert all(a["severity"] != "low" for a in not_low["items"])
    state.socket_empty_first_page = True
    empty = body_json(call("GET", SOCKET_HOST, "/v0/orgs/acme/alerts", {"per_page": "100"}, sock))
    assert empty["items"] == [] and empty["endCursor"] is not None
    rest = body_json(call("GET", SOCKET_HOST, "/v0/orgs/acme/alerts",
                          {"per_page": "100", "startAfterCursor": empty["endCursor"]}, sock))
    assert len(rest["items"]) == 7 and rest["endCursor"] is None
    state.socket_empty_first_page = False
    assert call("GET", SOCKET_HOST, "/v0/orgs/acme/alerts", {"startAfterCursor": "!!"}, sock)[0] == 400

    # Socket: injected faults keep the vendor's shapes.
    state.inject(SOCKET_HOST, "/v0/orgs/acme/alerts", 429, retry_after=30)
    status, headers, raw = call("GET", SOCKET_HOST, "/v0/orgs/acme/alerts", headers=sock)
    assert status == 429 and headers["Retry-After"] == "30"
    assert json.loads(raw)["error"]["message"] == "Insufficient quota for API route"
    state.inject(SOCKET_HOST, "/v0/", 403)
    assert body_json(call("GET", SOCKET_HOST, "/v0/quota", headers=sock))["error"]["message"] == \
        "Insufficient max_quota for API method"
    assert call("GET", SOCKET_HOST, "/v0/quota", headers=sock)[0] == 200
    state.inject(SOCKET_HOST, "/v0/quota", None, delay_ms=50)
    started = time.monotonic()
    assert call("GET", SOCKET_HOST, "/v0/quota", headers=sock)[0] == 200 and time.monotonic() - started >= 0.05

    # Sentry REST: index auth null/non-null, issues with string counts and Link pagination.
    sentry = {"Authorization": "Bearer " + state.sentry_token}
    assert body_json(call("GET", SENTRY_HOST, "/api/0/"))["auth"] is None
    assert body_json(call("GET", SENTRY_HOST, "/api/0/", headers=sentry))["auth"] is not None
    assert body_json(call("GET", SENTRY_HOST, "/api/0/organizations/acme/issues/"))["detail"] == \
        "Authentication credentials were not provided."
    status, headers, raw = call("GET", SENTRY_HOST, "/api/0/organizations/acme/issues/",
                                {"query": "is:unresolved", "limit": "2"}, sentry)
    issues = json.loads(raw)
    assert status == 200 and len(issues) == 2 and isinstance(issues[0]["count"], str)
    assert 'rel="next"; results="true"; cursor="0:2:0"' in headers["Link"], headers["Link"]
    assert 'rel="previous"; results="false"' in headers["Link"] and "X-Sentry-Rate-Limit-Remaining" in headers
    status, headers, raw = call("GET", SENTRY_HOST, "/api/0/organizations/acme/issues/",
                                {"limit": "2", "cursor": "0:2:0"}, sentry)
    assert len(json.loads(raw)) == 2 and 'rel="next"; results="false"' in headers["Link"]
    assert call("GET", SENTRY_HOST, "/api/0/organizations/acme/issues/", {"limit": "101"}, sentry)[0] == 400
    assert body_json(call("GET", SENTRY_HOST, "/api/0/organizations/acme/issues/", {"cursor": "x"}, sentry))[
        "detail"] == "Invalid cursor parameter."
    assert call("GET", SENTRY_HOST, "/api/0/organizations/nope/issues/", headers=sentry)[0] == 404
    state.inject(SENTRY_HOST, "/api/0/organizations/", 403, message="sso-required")
    assert body_json(call("GET", SENTRY_HOST, "/api/0/organizations/acme/issues/", headers=sentry))["detail"][
        "code"] == "sso-required"

    # Sentry ingest: X-Sentry-Auth in any order, envelope parsed, bad key 403.
    ingest = "o123.ingest.us.sentry.io"
    event = json.dumps({"message": "hello world", "level": "error"}).encode()
    envelope = (b'{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc","sent_at":"2026-01-01T00:00:00.000000Z"}\n'
                + json.dumps({"type": "event", "content_type": "application/json", "length": len(event)}).encode()
                + b"\n" + event + b"\n")
    auth = "Sentry sentry_version=7, sentry_client=mcp-hub/1.0, sentry_key=" + state.sentry_public_key
    status, _, raw = call("POST", ingest, "/api/4505/envelope/", headers={
        "X-Sentry-Auth": auth, "Content-Type": "application/x-sentry-envelope"}, body=envelope)
    assert status == 200 and json.loads(raw)["id"] == "9ec79c33ec9942ab8353589fcb2e04dc"
    assert state.sentry_events[-1]["items"][0]["payload"]["message"] == "hello world"
    assert call("POST", ingest, "/api/4505/envelope/", body=envelope)[0] == 403
    assert call("POST", ingest, "/api/4505/envelope/", headers={"X-Sentry-Auth": "Sentry sentry_key=bad"},
                body=envelope)[0] == 403
    assert call("POST", "o1.ingest.sentry.io", "/api/4505/envelope/", headers={"X-Sentry-Auth": auth},
                body=b"not json")[0] == 400
    state.inject(ingest, "/api/", 429)
    status, headers, _ = call("POST", ingest, "/api/4505/envelope/", headers={"X-Sentry-Auth": auth}, body=envelope)
    assert status == 429 and "X-Sentry-Rate-Limits" in headers and headers["Retry-After"] == "60"

    # Netdata: bearer, spaces, json2 data, alerts, HTML 404 for v1 paths.
    nd = {"Authorization": "Bearer " + state.netdata_token}
    room = "/spaces/%s/rooms/%s" % (state.netdata_space, state.netdata_room)
    assert call("GET", NETDATA_HOST, "/api/v2/spaces")[0] == 401
    assert body_json(call("GET", NETDATA_HOST, "/api/v2/spaces"))["errorMsgKey"] == "ErrUnauthenticated"
    assert body_json(call("GET", NETDATA_HOST, "/api/v2/spaces", headers=nd))[0]["id"] == state.netdata_space
    status, headers, raw = call("GET", NETDATA_HOST, "/api/v1/data", {"chart": "system.cpu"}, nd)
    assert status == 404 and headers["Content-Type"].startswith("text/html") and raw.startswith(b"<!doctype")
    query = {"scope": {"contexts": ["system.cpu"]}, "selectors": {"nodes": ["*"]},
             "window": {"after": -600, "before": 0, "points": 5},
             "aggregations": {"metrics": [{"group_by": ["dimension"], "aggregation": "avg"}],
                              "time": {"time_group": "average"}},
             "format": "json2", "options": ["jsonwrap", "minify", "unaligned"], "timeout": 30000}
    data = body_json(call("POST", NETDATA_HOST, "/api/v3" + room + "/data", headers=nd,
                          body=json.dumps(query).encode()))
    assert data["result"]["labels"] == ["time", "user", "system", "iowait"] and len(data["result"]["data"]) == 5
    assert data["result"]["data"][0][0] == 1700000000 and len(data["result"]["data"][0][1]) == 3
    for key in ("api", "agents", "versions", "summary", "totals", "functions", "db", "view", "result", "timings"):
        assert key in data, key
    no_scope = dict(query, scope={})
    assert body_json(call("POST", NETDATA_HOST, "/api/v3" + room + "/data", headers=nd,
                          body=json.dumps(no_scope).encode()))["errorMsgKey"] == "ErrBadRequest"
    alerts = body_json(call("POST", NETDATA_HOST, "/api/v2" + room + "/alerts", headers=nd,
                            body=b'{"options":["instances","values","summary"]}'))
    assert {a["st"] for a in alerts["alert_instances"]} == {"WARNING", "CRITICAL", "CLEAR"}
    assert call("POST", NETDATA_HOST, "/api/v2/spaces/%s/rooms/wrong/alerts" % state.netdata_space,
                headers=nd, body=b"{}")[0] == 404

    # Unknown hosts are not ours; every request was recorded.
    assert call("GET", "example.com", "/") is None
    assert len(state.received(SOCKET_HOST, "/v0/orgs/acme/full-scans")) == 4
    print("vendor_routes self-test: ok (%d requests handled)" % len(state.requests))


if __name__ == "__main__":
    _self_test()
