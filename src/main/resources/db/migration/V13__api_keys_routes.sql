-- Route rules of a key (DESIGN §4): each element "METHODS PATH", e.g. 'GET,HEAD /v1/documents/**' or '* /v1/**'
-- for any method. NULL: the key is not limited to routes.
alter table api_keys add column routes text[];
alter table api_keys add constraint api_keys_routes_count check (routes is null or cardinality(routes) between 1 and 50);
