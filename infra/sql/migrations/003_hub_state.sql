-- 003: the hub's own durable state beside the audit trail, in one migration for Steps 9-11
-- (apply after 002). Run as the owner of ops.run_events.
--
--   ops.run_events.principal  who called, readable and chained: 'key:<name>' for an API key the hub
--                             issued (caller_id is then the key's id), the token's email for a
--                             Supabase user when it has one, NULL otherwise. Rows with a principal
--                             hash it too (canonical text v3, see AuditChain.swift).
--   ops.api_keys              machine identities (`mcp-hub keys create`): only a SHA-256 of the key
--                             is kept; expiring, revocable; never deleted, so an old row's caller_id
--                             always resolves to a name.
--   ops.provider_kv           the provider-scoped durable key-value store of ABI 1.1 (kv_get/put/
--                             delete/list); every put and delete is also an audit event.
--   ops.provider_quotas       usage per day x provider x tool x team x caller: calls, errors, cost
--                             units and the egress the host itself saw (PRD open question 4).
--
-- Nobody but the hub's login role (the owner) reads or writes the three tables: they hold no
-- secret, but key hashes and usage are the admin's business, served through the hub's own checks.

alter table ops.run_events add column if not exists principal text;

create table if not exists ops.api_keys (
    id          uuid primary key,
    name        text not null check (name ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
    role        text not null check (role in ('ops_viewer', 'ops_operator', 'ops_admin')),
    team        text,
    key_sha256  text not null unique check (key_sha256 ~ '^[0-9a-f]{64}$'),
    created_by  text not null,
    created_at  timestamptz not null default now(),
    expires_at  timestamptz not null,
    revoked_at  timestamptz,
    revoked_by  text
);
-- A name is taken while its key is live; a revoked key's name can be issued again (a new id).
create unique index if not exists idx_api_keys_live_name on ops.api_keys (name) where revoked_at is null;

create table if not exists ops.provider_kv (
    provider    text not null,
    key         text not null check (length(key) between 1 and 256),
    value       jsonb not null,
    updated_by  text,
    updated_at  timestamptz not null default now(),
    primary key (provider, key)
);

create table if not exists ops.provider_quotas (
    day                date not null,
    provider           text not null,
    tool               text not null,
    team               text not null default '',   -- '' = no team (a primary key cannot hold NULL)
    caller_id          text not null default '',   -- '' = unauthenticated
    calls              bigint not null default 0,
    errors             bigint not null default 0,
    cost_units         bigint not null default 0,
    upstream_requests  bigint not null default 0,
    bytes_sent         bigint not null default 0,
    bytes_received     bigint not null default 0,
    primary key (day, provider, tool, team, caller_id)
);
create index if not exists idx_provider_quotas_team on ops.provider_quotas (team, day);

revoke all on ops.api_keys, ops.provider_kv, ops.provider_quotas from public, anon, authenticated, service_role;
