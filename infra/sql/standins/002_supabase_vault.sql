-- Stand-in for Supabase Vault on plain PostgreSQL (tests and local development). It has the same
-- tables, view and functions a Supabase project answers, but stores secrets in PLAINTEXT: it makes
-- no confidentiality claim. A real Supabase project already has `vault`: do not run it there.
create extension if not exists pgcrypto;
create schema if not exists vault;

create table if not exists vault.secrets (
    id uuid primary key default gen_random_uuid(),
    name text,
    description text not null default '',
    secret text not null,
    key_id uuid,
    nonce bytea,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create unique index if not exists secrets_name_idx on vault.secrets(name) where name is not null;

create or replace view vault.decrypted_secrets as
    select id, name, description, secret, secret as decrypted_secret, key_id, nonce, created_at, updated_at
    from vault.secrets;

create or replace function vault.create_secret(new_secret text, new_name text default null,
    new_description text default '', new_key_id uuid default null)
returns uuid language sql as $$
    insert into vault.secrets(secret, name, description) values (new_secret, new_name, new_description) returning id $$;

create or replace function vault.update_secret(secret_id uuid, new_secret text default null,
    new_name text default null, new_description text default null, new_key_id uuid default null)
returns void language sql as $$
    update vault.secrets s set secret = coalesce(new_secret, s.secret), name = coalesce(new_name, s.name),
        description = coalesce(new_description, s.description), updated_at = now()
    where s.id = secret_id $$;
