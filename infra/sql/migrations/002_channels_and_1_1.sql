-- 002: what Steps 6-11 add to the audit trail, in one migration (apply after 001).
--
-- ops.run_events gains, for every row written from now on:
--   channel           the door the request came through: 'rest' | 'mcp' | 'cli' | 'system'
--                     ('system' = the hub itself: reloads, background health probes' state changes)
--   protocol_version  the MCP revision a 'mcp' request spoke ('2026-07-28', '2025-06-18', …)
--   provider_version  the provider build that served the call (the manifest's version)
-- and the status 'cancelled' (the caller withdrew the call while the provider ran).
--
-- Rows written before this migration keep NULL in the new columns and hash exactly as before
-- (canonical text v1); rows with a channel hash the new columns too (v2, see AuditChain.swift).
-- Run as the table's owner: the append-only triggers refuse UPDATE/DELETE, not DDL.

alter table ops.run_events
    add column if not exists channel text check (channel in ('rest', 'mcp', 'cli', 'system')),
    add column if not exists protocol_version text,
    add column if not exists provider_version text;

alter table ops.run_events drop constraint if exists run_events_status_check;
alter table ops.run_events add constraint run_events_status_check
    check (status in ('ok', 'error', 'denied', 'rate_limited', 'timeout', 'cancelled'));

create index if not exists idx_run_events_channel on ops.run_events (channel, created_at desc);
