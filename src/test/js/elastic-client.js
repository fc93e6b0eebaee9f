// Drives the App Search Credentials API of a running Latchkey with Elastic's official Node.js client,
// unchanged: create, list (paged), get, put, delete, and checks each key at /verify.
// env: LATCHKEY_URL, ADMIN_KEY (an admin key of an organization with engines my-first-engine and
// my-second-engine). Run by ElasticClientIT; exits non-zero on the first failed assertion.
const assert = require('node:assert/strict');
const { Client } = require('@elastic/enterprise-search');

const url = process.env.LATCHKEY_URL;
const client = new Client({ url, auth: { token: process.env.ADMIN_KEY } });

async function verify(key, body = {}) {
  const res = await fetch(`${url}/verify`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ key, ...body }),
  });
  return (await res.json()).code;
}

(async () => {
  const priv = await client.app.createApiKey({
    body: { name: 'reading-private-key', type: 'private', read: true, write: false,
      access_all_engines: false, engines: ['my-second-engine'] },
  });
  assert.equal(priv.name, 'reading-private-key');
  assert.equal(priv.type, 'private');
  assert.equal(priv.read, true);
  assert.equal(priv.write, false);
  assert.deepEqual(priv.engines, ['my-second-engine']);
  assert.match(priv.key, /^private-[0-9A-Za-z]{65}$/);
  assert.equal(priv.results[0].key, priv.key);
  console.log('createApiKey private: ok');
  assert.equal(await verify(priv.key, { workspace: 'my-second-engine', permissions: ['read'] }), 'VALID');
  assert.equal(await verify(priv.key, { permissions: ['write'] }), 'INSUFFICIENT_PERMISSIONS');

  const search = await client.app.createApiKey({
    body: { name: 'public-searching-key', type: 'search', access_all_engines: false,
      engines: ['my-first-engine', 'my-second-engine'] },
  });
  assert.match(search.key, /^search-/);
  assert.equal(await verify(search.key, { permissions: ['search'] }), 'VALID');
  const admin = await client.app.createApiKey({ body: { name: 'private-admin-key', type: 'admin' } });
  assert.match(admin.key, /^admin-/);
  assert.equal(await verify(admin.key), 'FORBIDDEN');
  console.log('createApiKey search, admin: ok');

  const page = await client.app.listApiKeys({ page: { current: 1, size: 2 } });
  assert.equal(page.meta.page.size, 2);
  assert.equal(page.meta.page.total_results, 4); // the first admin key + the three above
  assert.equal(page.meta.page.total_pages, 2);
  assert.equal(page.results.length, 2);
  const second = await client.app.listApiKeys({ page: { current: 2, size: 2 } });
  assert.equal(second.results.length, 2);
  const names = [...page.results, ...second.results].map((k) => k.name);
  assert.deepEqual(new Set(names).size, 4);
  assert.ok(second.results.every((k) => k.key.includes('…')), 'reads show masked keys');
  console.log('listApiKeys: ok');

  const got = await client.app.getApiKey({ api_key_name: 'reading-private-key' });
  assert.equal(got.name, 'reading-private-key');
  assert.ok(got.key.startsWith('private-') && got.key.includes('…'));
  console.log('getApiKey: ok');

  const put = await client.app.putApiKey({
    api_key_name: 'reading-private-key',
    body: { name: 'reading-private-key', type: 'private', read: true, write: true, access_all_engines: true },
  });
  assert.equal(put.write, true);
  assert.equal(put.access_all_engines, true);
  assert.equal(await verify(priv.key, { workspace: 'my-first-engine', permissions: ['write'] }), 'VALID');
  console.log('putApiKey: ok');

  await assert.rejects(
    client.app.putApiKey({ api_key_name: 'reading-private-key',
      body: { name: 'reading-private-key', type: 'search' } }),
    (err) => err.statusCode === 400 && JSON.stringify(err.body ?? err.meta?.body).includes('Cannot change the type'));
  await assert.rejects(client.app.getApiKey({ api_key_name: 'no-such-key' }), (err) => err.statusCode === 404);
  console.log('errors: ok');

  const deleted = await client.app.deleteApiKey({ api_key_name: 'reading-private-key' });
  assert.deepEqual(deleted, { deleted: true });
  assert.equal(await verify(priv.key), 'REVOKED');
  await assert.rejects(client.app.getApiKey({ api_key_name: 'reading-private-key' }), (err) => err.statusCode === 404);
  console.log('deleteApiKey: ok');
  console.log('elastic client lifecycle: all passed');
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
