// Lists a running Latchkey's App Search credentials with Elastic's official Node.js client, page by page, and prints
// {"names": [...], "types": {name: type}} on one line. env: LATCHKEY_URL, ADMIN_KEY (any admin key of the
// organization: an App Search admin key imported with its value works as it did before). Run by ImportIT.
const { Client } = require('@elastic/enterprise-search');

const client = new Client({ url: process.env.LATCHKEY_URL, auth: { token: process.env.ADMIN_KEY } });

(async () => {
  const names = [];
  const types = {};
  for (let current = 1; ; current++) {
    const page = await client.app.listApiKeys({ page: { current, size: 20 } });
    for (const k of page.results) {
      names.push(k.name);
      types[k.name] = k.type;
    }
    if (current >= page.meta.page.total_pages) break;
  }
  console.log(JSON.stringify({ names, types }));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
