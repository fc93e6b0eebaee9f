-- Leaked keys (README "Leaked keys"): what an organization does with a key reported as leaked.
alter table organizations add column leak_policy varchar(8) not null default 'revoke';
alter table organizations add constraint ck_organizations_leak_policy
    check (leak_policy in ('revoke', 'disable', 'notify'));
-- a report is acted on by a reporter that is neither a user nor a key (GitHub's secret scanning)
alter table audit_events drop constraint ck_audit_events_actor_type;
alter table audit_events add constraint ck_audit_events_actor_type check (actor_type in ('user', 'key', 'system'));
-- the signatures of the signed reports acted on, so that a report sent again changes nothing
create table leak_reports_seen (
    signature_hash bytea       not null constraint pk_leak_reports_seen primary key,
    received_at    timestamptz not null
);
create index ix_leak_reports_seen_received_at on leak_reports_seen (received_at);
