/*
 * hub_provider.h — the one contract between the mcp-hub host and a provider library.
 *
 * A provider is a shared library (.so) that exports two C symbols:
 *
 *     uint32_t   hub_provider_abi(void);
 *     hub_status hub_provider_init(const hub_host_api *host, hub_call *load,
 *                                  hub_str settings_json, hub_provider *out);
 *
 * The host dlopens the library (RTLD_NOW | RTLD_LOCAL), calls hub_provider_abi() BEFORE anything
 * else and refuses the library unless the major version equals HUB_ABI_MAJOR and the minor version
 * is at most the host's. Only then does it call hub_provider_init(), which fills in the manifest
 * (*out): the provider's tools, the secrets it will ask for and the hosts it will call.
 *
 * Rules that hold for every declaration below:
 *  - No language runtime types cross this boundary: only C scalars, pointers, and JSON text.
 *  - Every struct starts with struct_size (and, where the struct is versioned on its own,
 *    abi_major/abi_minor). Fields are only ever APPENDED; a reader uses the overlapping prefix.
 *  - OWNERSHIP is stated on every pointer. "borrowed for the call" means valid until the function
 *    it was passed to returns; "provider-owned until shutdown" means the provider keeps it alive
 *    until shutdown() returns. The provider never hands the host memory to free and the host never
 *    hands the provider memory to free: results and errors go through host setters that COPY.
 *  - Nothing throws or longjmps across the boundary: functions return a hub_status and report
 *    detail through set_error().
 *  - Providers must not open sockets, read files or read the environment for secrets: every
 *    secret comes from host->secret_get and every outbound request goes through host->http,
 *    where the host applies the vault scope, the hostname allowlist and the address policy.
 *    (The host cannot stop a native plugin from calling connect() itself: in-process providers are
 *    trusted code, which is why the config can pin each library's sha256.)
 *
 * Threads: hub_provider_init and shutdown are called on one control thread. Tool invoke() and
 * health() calls may run CONCURRENTLY on the host's invocation pool (health also from the hub's
 * background prober), so a provider's state must be safe to share between threads.
 *
 * Versions (append-only changelog; a minor version only ever adds):
 *   1.0  first version.
 *   1.1  one minor for everything Steps 6-11 need from the boundary:
 *        - status codes HUB_E_RATE_LIMITED (an upstream throttled the call) and
 *          HUB_E_UPSTREAM_AUTH (an upstream rejected the credential the provider sent);
 *        - host functions set_retry_after, progress, kv_get, kv_put, kv_delete, kv_list;
 *        - hub_tool fields title, output_schema_json, hints (HUB_TOOL_*).
 *        A 1.0 provider still loads on a 1.1 host: the host reads only the struct prefix the
 *        provider declared, and derives the 1.1 tool fields (see hub_tool.hints). A 1.1 provider
 *        on a 1.0 host is refused before init (minor > host's).
 */
#ifndef HUB_PROVIDER_H
#define HUB_PROVIDER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HUB_ABI_MAJOR 1
#define HUB_ABI_MINOR 1
/* What hub_provider_abi() returns: major in the high 16 bits, minor in the low 16. */
#define HUB_ABI_VERSION ((uint32_t)((HUB_ABI_MAJOR << 16) | HUB_ABI_MINOR))

/* Names of the exported entry points, for dlsym. */
#define HUB_PROVIDER_ABI_SYMBOL "hub_provider_abi"
#define HUB_PROVIDER_INIT_SYMBOL "hub_provider_init"

/* Status codes. A fixed-width integer, not an enum, so its size never depends on the compiler. */
typedef int32_t hub_status;
#define HUB_OK            0  /* success */
#define HUB_E_ARGS        1  /* the caller's input is wrong (HTTP 400) */
#define HUB_E_DENIED      2  /* the host refused: secret out of scope, host not allowed (HTTP 403) */
#define HUB_E_UPSTREAM    3  /* the upstream service failed or answered with an error (HTTP 502) */
#define HUB_E_TIMEOUT     4  /* the call's deadline passed (HTTP 504) */
#define HUB_E_INTERNAL    5  /* a bug or an unexpected state in the provider (HTTP 500) */
#define HUB_E_UNAVAILABLE 6  /* a dependency (vault, upstream) is unavailable right now (HTTP 503) */
#define HUB_E_NOT_FOUND   7  /* the thing asked for does not exist (a secret, an upstream object) */
/* 1.1 */
#define HUB_E_RATE_LIMITED 8 /* the UPSTREAM throttled the call (its own 429): HTTP 429 with the
                                Retry-After given to set_retry_after, worded as the vendor's limit */
#define HUB_E_UPSTREAM_AUTH 9 /* the upstream rejected the credential the provider sent (its 401/403):
                                 HTTP 502; the host names the vault secrets the call read, which is
                                 what an admin must check */

/* Log levels for host->log. */
#define HUB_LOG_DEBUG 0
#define HUB_LOG_INFO  1
#define HUB_LOG_WARN  2
#define HUB_LOG_ERROR 3

/* A UTF-8 string with a length; it is NOT NUL-terminated unless stated. OWNERSHIP: always
 * borrowed; the declaration using it says for how long. */
typedef struct hub_str {
    const char *ptr;
    size_t len;
} hub_str;

/* One call from the host into the provider: a tool invocation, a health probe, or the load itself.
 * Opaque. OWNERSHIP: host-owned; valid only until the provider function it was passed to returns.
 * A provider must not keep it, nor use it from another thread after returning. */
typedef struct hub_call hub_call;

/* An HTTP header. OWNERSHIP: as the struct that holds it. */
typedef struct hub_http_header {
    hub_str name;
    hub_str value;
} hub_http_header;

/* A request a provider asks the host to send. OWNERSHIP: provider-owned, borrowed by the host for
 * the duration of host->http. */
typedef struct hub_http_request {
    uint32_t struct_size;            /* sizeof(hub_http_request) as the provider compiled it */
    hub_str method;                  /* "GET", "POST", … */
    hub_str url;                     /* absolute https:// URL; checked against the allowlist */
    const hub_http_header *headers;  /* header_count entries; may be NULL when header_count is 0 */
    size_t header_count;
    hub_str body;                    /* may be empty */
    uint32_t timeout_ms;             /* 0: use what remains of the call's deadline; never more */
} hub_http_request;

/* What the host answers. The provider passes a zeroed struct with struct_size set; the host fills
 * the fields that fit. OWNERSHIP: every pointer is host-owned and valid until the current provider
 * function (invoke or health) returns. */
typedef struct hub_http_response {
    uint32_t struct_size;            /* set by the provider: sizeof(hub_http_response) */
    int32_t status;                  /* HTTP status code */
    hub_str body;
    const hub_http_header *headers;  /* header_count entries, names in lower case */
    size_t header_count;
} hub_http_response;

/* Services the host offers a provider. OWNERSHIP: host-owned, immutable, valid from
 * hub_provider_init until shutdown returns. Fields are appended in later minor versions: check
 * struct_size (or abi_minor) before using a field added after 1.0. */
typedef struct hub_host_api {
    uint32_t struct_size;
    uint16_t abi_major;
    uint16_t abi_minor;

    /* Writes a line to the hub's log, attributed to the provider and the call. */
    void (*log)(hub_call *call, int32_t level, hub_str message);

    /* Reads secret `name` from the vault. The host answers only names within the provider's
     * configured vault scope; anything else returns HUB_E_DENIED and is recorded.
     * OWNERSHIP: *out points to host-owned memory valid until the current provider function
     * returns. Never log it, never return it in a result: the host scrubs it, but don't rely on that.
     * During hub_provider_init this returns HUB_E_DENIED: secrets are read per call, so rotation
     * needs no reload. */
    hub_status (*secret_get)(hub_call *call, hub_str name, hub_str *out);

    /* Sends an HTTP request through the host's egress (allowlist, address policy, TLS, deadline).
     * Returns HUB_OK when a response arrived, whatever its status code; HUB_E_DENIED when the
     * request was refused before anything was sent; HUB_E_TIMEOUT; HUB_E_UPSTREAM for transport
     * failures. During hub_provider_init this returns HUB_E_DENIED. */
    hub_status (*http)(hub_call *call, const hub_http_request *request, hub_http_response *response);

    /* Sets the call's result: UTF-8 JSON text. The host copies it; calling again replaces it. */
    void (*set_result)(hub_call *call, hub_str json);

    /* Records why the call failed. The host copies the message. The status the provider function
     * returns decides the outcome; this only supplies the words. */
    void (*set_error)(hub_call *call, hub_status status, hub_str message);

    /* Nonzero once the host has given up on the call (deadline passed, hub shutting down). */
    int32_t (*cancelled)(hub_call *call);

    /* Milliseconds left before the call's deadline (0 when passed; UINT32_MAX when none). */
    uint32_t (*remaining_ms)(hub_call *call);

    /* Why the last host function that failed in this call failed ("host 'evil.com' is not in
     * allowed_hosts"), safe to show the caller. OWNERSHIP: host-owned, valid until the current
     * provider function returns. Empty when nothing failed. */
    hub_str (*last_error)(hub_call *call);

    /* ---- 1.1 (present when abi_minor >= 1) ---- */

    /* How long the caller should wait before retrying, in seconds: say it before returning
     * HUB_E_RATE_LIMITED or HUB_E_UNAVAILABLE, typically the upstream's own Retry-After. The host
     * passes it to the caller as Retry-After (clamped to 1..86400). 0 clears it. */
    void (*set_retry_after)(hub_call *call, uint32_t seconds);

    /* Reports how far a long call has come: `progress` units of `total` (total <= 0: unknown),
     * with an optional short message. Cheap: the host forwards it only to a caller that asked
     * for progress (MCP's progressToken) and drops reports that do not increase `progress`. */
    void (*progress)(hub_call *call, double progress, double total, hub_str message);

    /* A small durable key-value store the host keeps for each provider (both audit stores),
     * scoped to the provider: a provider sees only its own keys. Keys: 1-200 bytes of
     * [A-Za-z0-9._:/-]. Values: JSON text up to 64 KiB. Every put and delete is recorded in the
     * audit trail with the calling user. During hub_provider_init these return HUB_E_DENIED.
     * A host without a store returns HUB_E_UNAVAILABLE (last_error says why).
     * kv_get: HUB_E_NOT_FOUND when absent. kv_list: *entries_json_out is a JSON array of
     * {"key":…,"value":…} for keys starting with `prefix`, in key order, at most 1000.
     * OWNERSHIP: *value_out and *entries_json_out are host-owned, valid until the current
     * provider function returns. */
    hub_status (*kv_get)(hub_call *call, hub_str key, hub_str *value_out);
    hub_status (*kv_put)(hub_call *call, hub_str key, hub_str value_json);
    hub_status (*kv_delete)(hub_call *call, hub_str key);
    hub_status (*kv_list)(hub_call *call, hub_str prefix, hub_str *entries_json_out);
} hub_host_api;

/* hub_tool.hints (1.1): what a caller (and an agent's model) may assume about a tool. */
#define HUB_TOOL_HINTS_DECLARED (1u << 0) /* the bits below are meaningful; when clear (every 1.0
                                             tool, or a 1.1 tool that left hints 0) the host
                                             derives them: category "reads" = read-only and
                                             idempotent, anything else = may change state */
#define HUB_TOOL_READ_ONLY      (1u << 1) /* does not change anything upstream */
#define HUB_TOOL_DESTRUCTIVE    (1u << 2) /* may delete or overwrite (meaningful when not read-only) */
#define HUB_TOOL_IDEMPOTENT     (1u << 3) /* calling twice with the same input has no extra effect */
#define HUB_TOOL_OPEN_WORLD     (1u << 4) /* talks to an external service (every tool that uses http) */

/* One tool. OWNERSHIP: provider-owned until shutdown. */
typedef struct hub_tool {
    uint32_t struct_size;            /* sizeof(hub_tool) as the provider compiled it; the host
                                        walks the tools array with THIS stride */
    const char *name;                /* "scan.repo": [a-z0-9][a-z0-9._-]*, NUL-terminated */
    const char *description;         /* one line for humans and agents, NUL-terminated */
    const char *input_schema_json;   /* JSON Schema of the input object, NUL-terminated */
    const char *category;            /* "reads" | "scans" | "writes": the rate-limit class */

    /* Runs the tool. `tool` is this very entry (so one function can serve several tools, telling
     * them apart by tool->data). args_json: the validated input object, borrowed for the call.
     * Report the output with host->set_result (JSON) and return HUB_OK, or call host->set_error
     * and return the matching status. May run concurrently with other invocations. */
    hub_status (*invoke)(void *state, const struct hub_tool *tool, hub_call *call, hub_str args_json);

    void *data;                      /* the provider's own, passed back through `tool`; the host
                                        never reads it */

    /* ---- 1.1 (present when struct_size reaches them) ---- */
    const char *title;               /* a short human title ("Scan a repository"); may be NULL */
    const char *output_schema_json;  /* JSON Schema of the result object; may be NULL. When set,
                                        MCP clients are told the shape of structuredContent */
    uint32_t hints;                  /* HUB_TOOL_* bits */
} hub_tool;

/* The manifest a provider fills in hub_provider_init. The host allocates and zeroes it and sets
 * struct_size to the size it allocated; the provider writes its own sizeof(hub_provider),
 * abi_major and abi_minor, and the fields below. Every pointer is provider-owned until shutdown. */
typedef struct hub_provider {
    uint32_t struct_size;
    uint16_t abi_major;
    uint16_t abi_minor;

    const char *name;                 /* must equal the provider's key in provider-config.yaml */
    const char *version;              /* the provider's own version, e.g. "1.2.0" */
    const char *toolchain;            /* what built it, e.g. "swift-6.3.1"; Swift providers must
                                         match the host's runtime */

    void *state;                      /* passed back to invoke, health and shutdown */

    const hub_tool *tools;            /* tool_count entries */
    size_t tool_count;

    const char *const *secrets;       /* secret_count names the provider will ask secret_get for */
    size_t secret_count;

    const char *const *hosts;         /* host_count hostnames it will call; each must be within the
                                         provider's allowed_hosts in the config or it is refused */
    size_t host_count;

    /* Health probe: set_result with {"status":"ok"|"degraded"|"down", "error":…} and return HUB_OK.
     * The host serves it as the `health` tool when the config lists `health` and the provider
     * exports no tool of that name, and its background prober calls it on an interval, each
     * probe bounded. May be NULL: the provider then has no probe (listing `health` in the config
     * refuses it at load) and nothing probes it. */
    hub_status (*health)(void *state, hub_call *call);

    /* Called once when the host retires this provider (hot reload or hub shutdown), after every
     * call into it has returned. Release resources here. May be NULL. The library itself is never
     * unloaded (Swift images cannot be), so this is the provider's last chance to clean up. */
    void (*shutdown)(void *state);
} hub_provider;

/* The entry points every provider library exports. */
typedef uint32_t (*hub_provider_abi_fn)(void);
typedef hub_status (*hub_provider_init_fn)(const hub_host_api *host, hub_call *load,
                                          hub_str settings_json, hub_provider *out);

/* Size of the 1.0 prefix of each struct: the smallest struct_size the host accepts. */
#define HUB_PROVIDER_SIZE_V1_0 (offsetof(hub_provider, shutdown) + sizeof(void (*)(void *)))
#define HUB_TOOL_SIZE_V1_0 (offsetof(hub_tool, data) + sizeof(void *))
#define HUB_TOOL_SIZE_V1_1 (offsetof(hub_tool, hints) + sizeof(uint32_t))
/* The 1.0 prefix of the host table; a provider checks abi_minor >= 1 before any 1.1 function. */
#define HUB_HOST_API_SIZE_V1_0 (offsetof(hub_host_api, last_error) + sizeof(void *))

#ifdef __cplusplus
}
#endif

#endif /* HUB_PROVIDER_H */
