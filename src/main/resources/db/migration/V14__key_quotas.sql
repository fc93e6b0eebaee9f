-- Usage quotas (DESIGN §8). The quota's settings live on the key (they reach the replicas through the change feed);
-- its generation changes whenever an admin sets the quota, so counts spent under an older setting are not applied to
-- the new one. The counts themselves live in key_quotas, apart from api_keys: they change on every flush, and a
-- change to an api_keys row makes every replica reload the key.
alter table api_keys add column quota_generation integer;
alter table api_keys add column quota_refill_amount bigint;
alter table api_keys add column quota_refill_interval varchar(32);
alter table api_keys add constraint ck_api_keys_quota_refill
    check ((quota_refill_amount is null) = (quota_refill_interval is null)
           and (quota_refill_amount is null or quota_generation is not null));

-- remaining: units not yet spent, as far as the flushes have told; refill_index: the last refill boundary applied
-- (boundaries counted from the epoch, see dev.latchkey.limit.Refill); flushed: units ever flushed, only grows — a
-- Redis counter seeded from this row remembers it, which tells a later flush whether the seed already included it.
create table key_quotas (
    api_key_id   bigint  not null constraint pk_key_quotas primary key
                         constraint fk_key_quotas_api_key references api_keys (id) on delete cascade,
    generation   integer not null,
    remaining    bigint  not null,
    refill_index bigint  not null,
    flushed      bigint  not null default 0
);
