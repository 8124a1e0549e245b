/*
 * A provider written in plain C: proof that the ABI is language-neutral, and the source of the
 * load-failure fixtures. The tests compile it with `cc -shared -fPIC`, once per variant:
 *
 *   (none)                a working provider "cfixture"
 *   FIXTURE_WRONG_MAJOR   hub_provider_abi() reports ABI major 2
 *   FIXTURE_NO_INIT       hub_provider_init is not exported
 *   FIXTURE_INIT_FAILS    hub_provider_init refuses with a message
 *   FIXTURE_BAD_SCHEMA    the "add" tool's input schema is not JSON
 *   FIXTURE_NEWER_MINOR   hub_provider_abi() reports ABI 1.99
 *   FIXTURE_ADD_OFFSET=N  "add" returns a + b + N: a changed build of the same provider, for
 *                         hot-reload tests
 *   FIXTURE_ABI_1_0       built as a 1.0 provider: reports ABI 1.0, lays its tools out with the
 *                         1.0 hub_tool (no title, output schema or hints) and never calls a 1.1
 *                         host function: a 1.1 host must still load and serve it
 *
 * Each init allocates its own instance; shutdown marks it (and deliberately does not free it),
 * so a call that reaches a shut-down instance fails loudly instead of passing unnoticed. */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hub_provider.h"

#ifndef FIXTURE_ADD_OFFSET
#define FIXTURE_ADD_OFFSET 0
#endif

#ifdef FIXTURE_ABI_1_0
/* hub_tool as ABI 1.0 declared it: the host must walk the array with this stride. */
typedef struct {
    uint32_t struct_size;
    const char *name, *description, *input_schema_json, *category;
    hub_status (*invoke)(void *state, const struct hub_tool *tool, hub_call *call, hub_str args_json);
    void *data;
} fixture_tool;
#define FIXTURE_MINOR 0
#else
typedef hub_tool fixture_tool;
#define FIXTURE_MINOR HUB_ABI_MINOR
#endif

static const hub_host_api *host;

/* One per hub_provider_init: a reload makes a new one, and the old one is shut down. */
struct instance {
    volatile int shut_down;
};

/* Refuses a call on an instance the host has already shut down (a retirement bug). */
static int refuse_if_shut_down(void *state, hub_call *call) {
    struct instance *self = state;
    if (!self || !self->shut_down) return 0;
    host->set_error(call, HUB_E_INTERNAL, (hub_str){"called after shutdown", 21});
    return 1;
}

static hub_str str(const char *text) {
    hub_str s = {text, strlen(text)};
    return s;
}

static void fail(hub_call *call, hub_status status, const char *message) {
    host->set_error(call, status, str(message));
}

/* Finds `"key":<integer>` in a compact JSON object: enough for a fixture whose input the host
 * has already validated against the schema. */
static int int_field(hub_str json, const char *key, long *out) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    char buffer[1024];
    size_t n = json.len < sizeof buffer - 1 ? json.len : sizeof buffer - 1;
    memcpy(buffer, json.ptr, n);
    buffer[n] = 0;
    const char *at = strstr(buffer, pattern);
    if (!at) return 0;
    return sscanf(at + strlen(pattern), "%ld", out) == 1;
}

static hub_status add(void *state, const hub_tool *tool, hub_call *call, hub_str args) {
    (void)tool;
    if (refuse_if_shut_down(state, call)) return HUB_E_INTERNAL;
    long a = 0, b = 0;
    if (!int_field(args, "a", &a) || !int_field(args, "b", &b)) {
        fail(call, HUB_E_ARGS, "a and b are required integers");
        return HUB_E_ARGS;
    }
    char result[128];
    snprintf(result, sizeof result, "{\"sum\":%ld,\"language\":\"c\"}", a + b + (long)FIXTURE_ADD_OFFSET);
    host->set_result(call, str(result));
    return HUB_OK;
}

/* Sleeps in small steps, stopping when the host cancels the call: how a well-behaved provider
 * honours its deadline. With "stubborn":true it ignores cancellation, like a provider stuck in
 * a blocking call: the host has answered 504 long before this code returns. */
static hub_status nap(void *state, const hub_tool *tool, hub_call *call, hub_str args) {
    (void)tool;
    long ms = 0;
    int_field(args, "ms", &ms);
    struct timespec step = {0, 5 * 1000 * 1000};
    int stubborn = memmem(args.ptr, args.len, "\"stubborn\":true", 15) != NULL;
    for (long slept = 0; slept < ms; slept += 5) {
        if (!stubborn && host->cancelled(call)) {
            fail(call, HUB_E_TIMEOUT, "cancelled by the host");
            return HUB_E_TIMEOUT;
        }
#ifndef FIXTURE_ABI_1_0
        /* Progress every 50 ms, in milliseconds slept (ABI 1.1). */
        if (slept % 50 == 0 && host->abi_minor >= 1) host->progress(call, (double)slept, (double)ms, str("napping"));
#endif
        nanosleep(&step, NULL);
    }
    /* Checked after sleeping: the instance must outlive every call that started on it. */
    if (refuse_if_shut_down(state, call)) return HUB_E_INTERNAL;
    /* Which build answered: a call in flight across a reload must finish on the old one. */
    char result[64];
    snprintf(result, sizeof result, "{\"slept\":true,\"add_offset\":%ld}", (long)FIXTURE_ADD_OFFSET);
    host->set_result(call, str(result));
    return HUB_OK;
}

/* Reads a secret and (badly) returns it: the host must scrub it from the reply and the audit row. */
static hub_status leak(void *state, const hub_tool *tool, hub_call *call, hub_str args) {
    (void)state; (void)tool; (void)args;
    hub_str secret = {0, 0};
    hub_status status = host->secret_get(call, str("cfixture_token"), &secret);
    if (status != HUB_OK) {
        hub_str why = host->last_error(call);
        host->set_error(call, status, why);
        return status;
    }
    char result[512];
    snprintf(result, sizeof result, "{\"oops\":\"%.*s\"}", (int)secret.len, secret.ptr);
    host->set_result(call, str(result));
    return HUB_OK;
}

/* Asks for a secret outside its scope: the host must refuse. */
static hub_status peek(void *state, const hub_tool *tool, hub_call *call, hub_str args) {
    (void)state; (void)tool; (void)args;
    hub_str secret = {0, 0};
    hub_status status = host->secret_get(call, str("socket_api_key"), &secret);
    if (status != HUB_OK) {
        host->set_error(call, status, host->last_error(call));
        return status;
    }
    host->set_result(call, str("{\"got\":true}"));
    return HUB_OK;
}

#ifndef FIXTURE_ABI_1_0
/* The upstream said 429 with Retry-After: 42 (ABI 1.1): the caller must get 429 with it. */
static hub_status throttle(void *state, const hub_tool *tool, hub_call *call, hub_str args) {
    (void)state; (void)tool; (void)args;
    host->set_retry_after(call, 42);
    fail(call, HUB_E_RATE_LIMITED, "the vendor allows 10 requests per minute");
    return HUB_E_RATE_LIMITED;
}

/* The upstream rejected the credential (ABI 1.1): the host names the secret the call read. */
static hub_status rejected(void *state, const hub_tool *tool, hub_call *call, hub_str args) {
    (void)state; (void)tool; (void)args;
    hub_str secret = {0, 0};
    host->secret_get(call, str("cfixture_token"), &secret);
    fail(call, HUB_E_UPSTREAM_AUTH, "401 Unauthorized");
    return HUB_E_UPSTREAM_AUTH;
}
#endif

static void fixture_shutdown(void *state) {
    struct instance *self = state;
    if (self) self->shut_down = 1;
}

static hub_status health(void *state, hub_call *call) {
    (void)state;
    host->set_result(call, str("{\"status\":\"ok\"}"));
    return HUB_OK;
}

#ifdef FIXTURE_BAD_SCHEMA
#define ADD_SCHEMA "{\"type\":\"object\",\"properties\":{"
#else
#define ADD_SCHEMA "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"integer\"}}," \
                   "\"required\":[\"a\",\"b\"],\"additionalProperties\":false}"
#endif

#define EMPTY_SCHEMA "{\"type\":\"object\",\"additionalProperties\":false}"

static fixture_tool tools[] = {
#ifdef FIXTURE_ABI_1_0
    {sizeof(fixture_tool), "add", "Adds two integers, in C.", ADD_SCHEMA, "reads", add, NULL},
#else
    {sizeof(fixture_tool), "add", "Adds two integers, in C.", ADD_SCHEMA, "reads", add, NULL,
     "Add two integers", "{\"type\":\"object\",\"properties\":{\"sum\":{\"type\":\"integer\"},"
     "\"language\":{\"type\":\"string\"}},\"required\":[\"sum\"]}",
     HUB_TOOL_HINTS_DECLARED | HUB_TOOL_READ_ONLY | HUB_TOOL_IDEMPOTENT},
    {sizeof(fixture_tool), "throttle", "Fails as an upstream 429 with Retry-After 42.", EMPTY_SCHEMA, "reads",
     throttle, NULL, NULL, NULL, 0},
    {sizeof(fixture_tool), "rejected", "Fails as an upstream that rejects the credential.", EMPTY_SCHEMA, "reads",
     rejected, NULL, NULL, NULL, 0},
#endif
    {sizeof(fixture_tool), "nap", "Sleeps for ms milliseconds unless cancelled.",
     "{\"type\":\"object\",\"properties\":{\"ms\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":60000},"
     "\"stubborn\":{\"type\":\"boolean\"}},"
     "\"required\":[\"ms\"],\"additionalProperties\":false}", "reads", nap, NULL},
    {sizeof(fixture_tool), "leak", "Returns its own secret (the host must scrub it).",
     "{\"type\":\"object\",\"additionalProperties\":false}", "reads", leak, NULL},
    {sizeof(fixture_tool), "peek", "Asks for another provider's secret (the host must refuse).",
     "{\"type\":\"object\",\"additionalProperties\":false}", "reads", peek, NULL},
};

static const char *const secrets[] = {"cfixture_token"};

uint32_t hub_provider_abi(void) {
#if defined(FIXTURE_WRONG_MAJOR)
    return (2u << 16) | 0u;
#elif defined(FIXTURE_NEWER_MINOR)
    return (1u << 16) | 99u;
#elif defined(FIXTURE_ABI_1_0)
    return (1u << 16) | 0u;
#else
    return HUB_ABI_VERSION;
#endif
}

#ifndef FIXTURE_NO_INIT
hub_status hub_provider_init(const hub_host_api *api, hub_call *load, hub_str settings, hub_provider *out) {
    (void)settings;
    host = api;
#ifdef FIXTURE_INIT_FAILS
    api->set_error(load, HUB_E_INTERNAL, str("cfixture refuses to start: no upstream configured"));
    return HUB_E_INTERNAL;
#else
    (void)load;
    out->struct_size = sizeof(hub_provider);
    out->abi_major = HUB_ABI_MAJOR;
    out->abi_minor = FIXTURE_MINOR;
    out->name = "cfixture";
    out->version = "0.1.0";
    out->toolchain = "c";
    struct instance *self = calloc(1, sizeof *self);
    if (!self) return HUB_E_INTERNAL;
    out->state = self;
    out->tools = (const hub_tool *)tools;
    out->tool_count = sizeof tools / sizeof tools[0];
    out->secrets = secrets;
    out->secret_count = 1;
    out->hosts = NULL;
    out->host_count = 0;
    out->health = health;
    out->shutdown = fixture_shutdown;
    return HUB_OK;
#endif
}
#endif
