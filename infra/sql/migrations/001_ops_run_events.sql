-- ops.run_events: one durable, immutable, hash-chained row per request through the hub.
--
-- The PRD's table (docs: "Database Schema") plus what the request path and integrity need:
-- status, request_id, severity, stage, team, seq (chain order), prev_hash and row_hash.
-- Requires Supabase's auth schema (auth.uid(), auth.jwt(), role `authenticated`); on plain
-- PostgreSQL apply infra/sql/standins/ first.
--
-- The hub's login role must be a member of `authenticated` (Supabase's `postgres` is): queries
-- run `set local role authenticated` so row-level security, not the hub, decides what a caller sees.

create schema if not exists ops;

create table ops.run_events (
    id          uuid primary key default gen_random_uuid(),
    -- Chain order, assigned by the hub's writer: 1, 2, 3, … without gaps.
    seq         bigint not null unique,
    request_id  text not null,
    provider    text not null,                -- 'socket', 'sentry', 'netdata'
    tool        text not null,                -- 'scan.repo', 'findings.list'
    -- Deliberately no reference to auth.users: a caller whose token verified may have no row there
    -- (another project's issuer, a deleted user), and the audit row must be written regardless.
    caller_id   uuid,                         -- NULL when authentication failed
    caller_role text not null,                -- 'ops_viewer', 'ops_operator', 'ops_admin', 'unknown'
    team        text,
    status      text not null check (status in ('ok', 'error', 'denied', 'rate_limited', 'timeout')),
    stage       text,                         -- authenticate|authorize|rate_limit|validate|invoke
    severity    text check (severity in ('low', 'medium', 'high', 'critical')),
    payload     jsonb,                        -- input parameters (scrubbed by the hub)
    result      jsonb,                        -- output, or a {"truncated":true,…} marker over the cap
    error       text,
    duration_ms int,
    hostname    text,                         -- external API called
    created_at  timestamptz not null default now(),
    prev_hash   text not null check (prev_hash ~ '^[0-9a-f]{64}$'),
    row_hash    text not null check (row_hash ~ '^[0-9a-f]{64}$')
);

comment on table ops.run_events is
    'Append-only audit trail of mcp-hub. row_hash = sha256(prev_hash || canonical row text), see Sources/HubHost/Audit/AuditChain.swift; check with `mcp-hub audit verify`.';

create index idx_run_events_provider on ops.run_events (provider, created_at desc);
create index idx_run_events_caller on ops.run_events (caller_id, created_at desc);
create index idx_run_events_tool on ops.run_events (provider, tool, created_at desc);
-- The admin's unfiltered listing and cursor pagination order.
create index idx_run_events_created on ops.run_events (created_at desc, seq desc);

-- Row-level security: a caller reads their own events, an ops_admin reads all. The role comes from
-- the token's app_metadata (users cannot edit it); `(select …)` makes each call run once per
-- statement instead of once per row.
alter table ops.run_events enable row level security;

create policy run_events_read_own_or_admin on ops.run_events
    for select to authenticated
    using (
        caller_id = (select auth.uid())
        or (select auth.jwt() -> 'app_metadata' ->> 'ops_role') = 'ops_admin'
    );

-- Grants: signed-in users may only read (and RLS narrows what); nobody but the owner writes.
revoke all on ops.run_events from public, anon, authenticated, service_role;
grant usage on schema ops to authenticated;
grant select on ops.run_events to authenticated;

-- Append-only, even for the owner and superusers: triggers refuse UPDATE, DELETE and TRUNCATE.
-- (Row triggers do not fire on TRUNCATE, hence the statement trigger.) A superuser can still
-- disable triggers; the hash chain is what makes that evident.
create function ops.deny_mutation() returns trigger language plpgsql as $$
begin
    raise exception 'ops.run_events is append-only: % denied', tg_op
        using errcode = 'insufficient_privilege',
              hint = 'audit events are immutable; see infra/sql/migrations/001_ops_run_events.sql';
end $$;

create trigger run_events_no_update_delete
    before update or delete on ops.run_events
    for each row execute function ops.deny_mutation();

create trigger run_events_no_truncate
    before truncate on ops.run_events
    for each statement execute function ops.deny_mutation();
