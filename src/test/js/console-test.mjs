// The web console in a real headless Chromium (Debian's), driven by playwright-core: run by ConsoleIT against the
// packaged service. Every step asserts what a user would see; any script error, CSP violation or request leaving the
// service fails the run. Screenshots go to $SHOTS.
import assert from 'node:assert/strict';
import {createRequire} from 'node:module';
import {launchChromium} from './chromium.mjs';

const BASE = process.env.BASE_URL;
const ORG = process.env.ORG;
const WS = process.env.WS;
const SHOTS = process.env.SHOTS;
const problems = [];

const browser = await launchChromium();

async function newPage(viewport = {width: 1280, height: 860}, allowed = []) {
  const context = await browser.newContext({viewport});
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], {origin: BASE});
  const page = await context.newPage();
  page.on('pageerror', e => problems.push('script error: ' + e.message));
  page.on('console', m => {
    // the browser logs every 4xx the console asks for on purpose; anything else logged as an error is a problem
    if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) {
      problems.push('console error: ' + m.text());
    }
  });
  page.on('request', r => {
    const ok = [BASE, ...allowed].some(o => r.url().startsWith(o + '/')) || r.url().startsWith('data:');
    if (!ok) problems.push('request leaving the service: ' + r.url());
  });
  return page;
}

async function signIn(page, token) {
  await page.getByLabel('Access token').fill(token);
  await page.getByRole('button', {name: 'Sign in'}).click();
}

const step = async (name, fn) => {
  process.stdout.write(name + ' … ');
  await fn();
  console.log('ok');
};

const page = await newPage();
let workspaceKey;

await step('a deep link opened before sign-in lands there after it', async () => {
  await page.goto(`${BASE}/console/orgs/${ORG}/workspaces/${WS}/api-keys`);
  await page.getByLabel('Access token').waitFor();
  await page.screenshot({path: SHOTS + '/sign-in.png'});
  await signIn(page, process.env.OWNER_TOKEN);
  await page.getByRole('heading', {name: `API Keys · workspace ${WS}`}).waitFor();
  assert.equal(new URL(page.url()).pathname, `/console/orgs/${ORG}/workspaces/${WS}/api-keys`);
  assert.equal(await page.evaluate(() => Object.keys(localStorage).length), 0, 'nothing in localStorage');
  assert.ok(await page.evaluate(() => sessionStorage.getItem('latchkey.token')), 'the token is in sessionStorage');
});

await step('the Create API Key dialog as the seeds describe it; the key shown once, copied', async () => {
  await page.getByRole('button', {name: 'Create API Key'}).click();
  const dialog = page.getByRole('dialog', {name: 'Create API Key'});
  await dialog.getByLabel('Type').selectOption({label: 'Service'});
  await dialog.getByLabel('Name').fill('storefront');
  await dialog.getByLabel('Expiration date').fill('2031-06-30');
  await dialog.getByLabel('Role').selectOption('viewer');
  await page.screenshot({path: SHOTS + '/create-api-key.png'});
  await dialog.getByRole('button', {name: 'Create API Key'}).click();
  const secret = dialog.getByLabel('Your new API key');
  await secret.waitFor();
  workspaceKey = await secret.inputValue();
  assert.match(workspaceKey, /^lks_[0-9A-Za-z]{16}/);
  await dialog.getByText('You won’t see it again').waitFor();
  await dialog.getByRole('button', {name: 'Copy'}).click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), workspaceKey);
  await page.screenshot({path: SHOTS + '/new-key-once.png'});
  const verify = await (await fetch(BASE + '/verify', {method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({key: workspaceKey, workspace: WS})})).json();
  assert.equal(verify.code, 'VALID');
  assert.equal(verify.name, 'storefront');
  assert.equal(verify.expiresAt, '2031-06-30T00:00:00Z');
  await dialog.getByRole('button', {name: 'Done'}).click();
  const row = page.locator('tr', {hasText: 'storefront'});
  await row.waitFor();
  assert.ok((await row.innerText()).includes('viewer'));
  assert.ok(!(await page.content()).includes(workspaceKey.slice(4 + 16)), 'the secret is not on the page');
});

await step('masked after reload', async () => {
  await page.reload();
  const row = page.locator('tr', {hasText: 'storefront'});
  await row.waitFor();
  const masked = await row.locator('code.masked').innerText();
  assert.match(masked, /^lks_/);
  assert.notEqual(masked, workspaceKey);
  assert.ok(!(await page.content()).includes(workspaceKey.slice(4 + 16)));
  await page.screenshot({path: SHOTS + '/workspace-keys.png'});
});

await step('an API error shows its detail', async () => {
  await page.getByRole('button', {name: 'Create API Key'}).click();
  const dialog = page.getByRole('dialog', {name: 'Create API Key'});
  await dialog.getByLabel('Name').fill('storefront'); // taken
  await dialog.getByRole('button', {name: 'Create API Key'}).click();
  const alert = dialog.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /storefront/);
  await page.keyboard.press('Escape');
  await dialog.waitFor({state: 'detached'});
});

await step('keyboard: focus stays in the dialog, Escape closes it and focus returns', async () => {
  const open = page.getByRole('button', {name: 'Create API Key'});
  await open.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', {name: 'Create API Key'});
  await dialog.waitFor();
  for (let i = 0; i < 15; i++) {
    await page.keyboard.press('Tab');
    assert.ok(await page.evaluate(() => !!document.activeElement.closest('dialog')), 'focus left the dialog at tab ' + i);
  }
  await page.keyboard.press('Escape');
  await dialog.waitFor({state: 'detached'});
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Create API Key');
});

await step('an organization key for chosen workspaces', async () => {
  await page.getByRole('link', {name: 'API Keys'}).click();
  await page.getByRole('heading', {name: 'API Keys · organization'}).waitFor();
  await page.getByRole('button', {name: 'Create API Key'}).click();
  const dialog = page.getByRole('dialog', {name: 'Create API Key'});
  await dialog.getByLabel('Name').fill('reporting');
  const group = dialog.getByRole('group', {name: 'Workspaces'});
  await group.getByLabel('All workspaces (also future ones)').uncheck();
  await group.getByLabel(WS, {exact: true}).check();
  await dialog.getByLabel('Role').selectOption('viewer');
  await dialog.getByRole('button', {name: 'Create API Key'}).click();
  const orgKey = await dialog.getByLabel('Your new API key').inputValue();
  await dialog.getByRole('button', {name: 'Done'}).click();
  const row = page.locator('tr', {hasText: 'reporting'});
  await row.waitFor();
  assert.ok((await row.innerText()).includes(WS));
  const other = await (await fetch(BASE + '/verify', {method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({key: orgKey, workspace: 'other'})})).json();
  assert.equal(other.code, 'FORBIDDEN', 'only the chosen workspace');
  await page.screenshot({path: SHOTS + '/organization-keys.png'});
});

await step('edit, rotate with a grace period, revoke', async () => {
  await page.goto(`${BASE}/console/orgs/${ORG}/workspaces/${WS}/api-keys`);
  await page.getByRole('button', {name: 'Edit storefront'}).click();
  const edit = page.getByRole('dialog', {name: 'Edit storefront'});
  await edit.getByLabel('Name').fill('storefront-web');
  await edit.getByLabel('Calls').fill('100');
  await edit.getByLabel('Per seconds').fill('60');
  await edit.getByRole('button', {name: 'Save'}).click();
  await edit.waitFor({state: 'detached'});
  const row = page.locator('tr', {hasText: 'storefront-web'});
  await row.waitFor();
  await row.getByRole('button', {name: 'Rotate storefront-web'}).click();
  const rotate = page.getByRole('dialog', {name: 'Rotate storefront-web'});
  await rotate.getByLabel('Grace period').selectOption('3600');
  await rotate.getByRole('button', {name: 'Rotate'}).click();
  const rotated = await rotate.getByLabel('Your new API key').inputValue();
  assert.notEqual(rotated, workspaceKey);
  await rotate.getByRole('button', {name: 'Done'}).click();
  for (const k of [workspaceKey, rotated]) {
    const v = await (await fetch(BASE + '/verify', {method: 'POST', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({key: k})})).json();
    assert.equal(v.code, 'VALID', 'old secret in its grace period, and the new one');
    assert.equal(v.rateLimit.limit, 100);
  }
  await page.locator('tr', {hasText: 'storefront-web'}).getByRole('button', {name: 'Revoke'}).click();
  const revoke = page.getByRole('dialog', {name: 'Revoke storefront-web?'});
  await revoke.getByRole('button', {name: 'Revoke'}).click();
  await page.locator('tr', {hasText: 'storefront-web'}).getByText('revoked').waitFor();
  const v = await (await fetch(BASE + '/verify', {method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({key: rotated})})).json();
  assert.equal(v.code, 'REVOKED');
});

await step('filters by type and state', async () => {
  await page.getByLabel('State filter').selectOption('revoked');
  await page.locator('tr', {hasText: 'storefront-web'}).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
  await page.getByLabel('State filter').selectOption('active');
  await page.locator('tr', {hasText: 'storefront-web'}).waitFor({state: 'detached'});
  await page.getByLabel('Type filter').selectOption('personal');
  await page.getByText('No API keys here yet').waitFor();
  await page.getByLabel('Type filter').selectOption('');
  await page.getByLabel('State filter').selectOption('');
});

await step('owners manage members and roles', async () => {
  await page.getByRole('link', {name: 'Roles'}).click();
  await page.getByRole('button', {name: 'Create role'}).click();
  const role = page.getByRole('dialog', {name: 'Create role'});
  await role.getByLabel('Role name').fill('indexer');
  await role.getByLabel('Permissions').fill('documents:write, documents:read');
  await role.getByRole('button', {name: 'Create role'}).click();
  await page.getByRole('rowheader', {name: 'indexer'}).waitFor();
  await page.getByRole('link', {name: 'Members'}).click();
  await page.getByRole('button', {name: 'Add member'}).click();
  const add = page.getByRole('dialog', {name: 'Add member'});
  await add.getByLabel('Subject').fill('dave@example.com');
  await add.getByLabel('Role in every workspace').selectOption('indexer');
  await add.getByRole('button', {name: 'Save'}).click();
  const row = page.locator('tr', {hasText: 'dave@example.com'});
  await row.waitFor();
  assert.match(await row.innerText(), /indexer/);
  await page.screenshot({path: SHOTS + '/members.png'});
  await row.getByRole('button', {name: 'Remove dave@example.com'}).click();
  await page.getByRole('dialog', {name: 'Remove dave@example.com?'}).getByRole('button', {name: 'Remove'}).click();
  await row.waitFor({state: 'detached'});
});

await step('the audit entries are listed', async () => {
  await page.getByRole('link', {name: 'Audit log'}).click();
  await page.getByRole('heading', {name: 'Audit log'}).waitFor();
  for (const a of ['key.created', 'key.updated', 'key.rotated', 'key.revoked']) {
    await page.getByRole('rowheader', {name: a}).first().waitFor();
  }
  await page.getByLabel('Action').selectOption('key.revoked');
  await page.getByRole('button', {name: 'Filter'}).click();
  await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
  assert.match(await page.locator('tbody tr').innerText(), /storefront-web/);
  await page.screenshot({path: SHOTS + '/audit-log.png'});
});

await step('the usage chart renders with data', async () => {
  await page.goto(`${BASE}/console/orgs/${ORG}/keys/${process.env.USAGE_KEY_ID}`);
  await page.getByRole('heading', {name: 'Usage'}).waitFor();
  await page.locator('svg.chart rect.bar-allowed').first().waitFor();
  await page.locator('svg.chart rect.bar-denied').first().waitFor();
  const totals = await page.locator('table.totals').innerText();
  assert.match(totals, new RegExp('VALID\\s+' + process.env.USAGE_VALID));
  assert.match(totals, new RegExp('INSUFFICIENT_PERMISSIONS\\s+' + process.env.USAGE_DENIED));
  await page.getByRole('button', {name: '7 d'}).click();
  await page.waitForFunction(() => document.querySelector('button[aria-pressed=true]').textContent === '7 d');
  await page.locator('svg.chart rect.bar-allowed').first().waitFor();
  await page.getByRole('button', {name: '24 h'}).click();
  await page.waitForFunction(() => document.querySelector('button[aria-pressed=true]').textContent === '24 h');
  await page.screenshot({path: SHOTS + '/key-usage.png', fullPage: true});
});

await step('delete with the trash icon', async () => {
  await page.goto(`${BASE}/console/orgs/${ORG}/api-keys`);
  await page.locator('tr', {hasText: 'reporting'}).getByRole('button', {name: 'Delete'}).click();
  await page.getByRole('dialog', {name: 'Delete reporting?'}).getByRole('button', {name: 'Delete'}).click();
  await page.locator('tr', {hasText: 'reporting'}).waitFor({state: 'detached'});
});

await step('a member is offered only the Personal type and no admin pages', async () => {
  const m = await newPage();
  await m.goto(`${BASE}/console/orgs/${ORG}/api-keys`);
  await signIn(m, process.env.MEMBER_TOKEN);
  await m.getByRole('heading', {name: 'API Keys · organization'}).waitFor();
  assert.equal(await m.getByRole('link', {name: 'Members'}).count(), 0);
  assert.equal(await m.getByRole('link', {name: 'Audit log'}).count(), 0);
  await m.getByRole('button', {name: 'Create API Key'}).click();
  const dialog = m.getByRole('dialog', {name: 'Create API Key'});
  const options = await dialog.getByLabel('Type').locator('option').allInnerTexts();
  assert.deepEqual(options, ['Personal']);
  await dialog.getByLabel('Name').fill('bob-laptop');
  await dialog.getByRole('button', {name: 'Create API Key'}).click();
  assert.match(await dialog.getByLabel('Your new API key').inputValue(), /^lkp_/);
  await m.context().close();
});

await step('a refused token leads back to sign-in with the API\'s detail, then to the same page', async () => {
  const p = await newPage();
  await p.goto(`${BASE}/console/orgs/${ORG}/audit`);
  await signIn(p, process.env.EXPIRED_TOKEN);
  await p.getByRole('alert').waitFor();
  assert.ok((await p.getByRole('alert').innerText()).length > 0, 'the detail is shown');
  await p.getByLabel('Access token').waitFor();
  assert.equal(await p.evaluate(() => sessionStorage.getItem('latchkey.token')), null, 'the refused token is dropped');
  await signIn(p, process.env.OWNER_TOKEN);
  await p.getByRole('heading', {name: 'Audit log'}).waitFor();
  await p.context().close();
});

await step('webhooks: an endpoint added, its secret shown once, a delivery listed and sent again', async () => {
  await page.goto(`${BASE}/console/orgs/${ORG}/webhooks`);
  await page.getByRole('heading', {name: 'Webhooks', exact: true}).waitFor();
  await page.getByRole('button', {name: 'Add endpoint'}).click();
  const dialog = page.getByRole('dialog', {name: 'Add endpoint'});
  const url = process.env.RECEIVER_URL + '/console';
  await dialog.getByLabel('URL').fill(url);
  await dialog.getByLabel('key.created').check();
  await page.screenshot({path: SHOTS + '/add-webhook.png'});
  await dialog.getByRole('button', {name: 'Add endpoint'}).click();
  const secretBox = dialog.getByLabel('Signing secret');
  await secretBox.waitFor();
  const secret = await secretBox.inputValue();
  assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
  await dialog.getByText('Copy and save your signing secret now.').waitFor();
  const told = await fetch(process.env.RECEIVER_URL + '/_control/endpoint', {method: 'POST',
    body: JSON.stringify({path: '/console', secrets: [secret]})});
  assert.equal(told.status, 200);
  await dialog.getByRole('button', {name: 'Done'}).click();
  const row = page.locator('tr', {hasText: url});
  await row.getByText('Enabled').waitFor();
  assert.equal(await page.getByText(secret).count(), 0, 'the secret is not shown again');

  const made = await fetch(`${BASE}/api/v1/orgs/${ORG}/keys`, {method: 'POST', headers: {'Content-Type':
    'application/json', Authorization: 'Bearer ' + process.env.OWNER_TOKEN}, body: JSON.stringify({kind: 'service',
    name: 'hooked', role: 'viewer', scope: {type: 'workspace', workspace: WS}})});
  assert.equal(made.status, 201);
  await row.getByRole('link', {name: url}).click();
  await page.getByRole('heading', {name: url}).waitFor();
  const delivered = page.locator('tr', {hasText: 'key.created'}).filter({hasText: 'delivered'});
  for (let i = 0; i < 50 && await delivered.count() === 0; i++) {
    await page.getByRole('button', {name: 'Refresh'}).click();
    await page.waitForTimeout(200);
  }
  await delivered.first().waitFor();
  await delivered.first().getByText('200').waitFor();
  await page.screenshot({path: SHOTS + '/webhook-deliveries.png'});
  const eventId = await delivered.first().locator('code').innerText();
  await page.getByRole('button', {name: `Redeliver ${eventId}`}).click();
  await page.getByText('Sent again').waitFor();
  await page.locator('tr', {hasText: eventId}).nth(1).waitFor();
  const got = await (await fetch(process.env.RECEIVER_URL + '/_control/received?path=/console')).json();
  for (let i = 0; i < 50 && got.length < 2; i++) {
    await page.waitForTimeout(200);
    got.splice(0, got.length, ...await (await fetch(process.env.RECEIVER_URL + '/_control/received?path=/console')).json());
  }
  assert.deepEqual(got.map(r => [r.id, r.type, r.verified]), [[eventId, 'key.created', true], [eventId, 'key.created', true]],
    'delivered and sent again with the same webhook-id, both verified by the standardwebhooks library');
});

await step('usable at 360 px wide', async () => {
  const narrow = await newPage({width: 360, height: 740});
  await narrow.goto(`${BASE}/console/`);
  await signIn(narrow, process.env.OWNER_TOKEN);
  await narrow.getByRole('heading', {name: 'Your organizations'}).waitFor();
  await narrow.goto(`${BASE}/console/orgs/${ORG}/workspaces/${WS}/api-keys`);
  await narrow.getByRole('heading', {name: `API Keys · workspace ${WS}`}).waitFor();
  await narrow.locator('tr', {hasText: 'storefront-web'}).waitFor();
  assert.ok(await narrow.evaluate(() => document.documentElement.scrollWidth <= 360), 'no sideways scrolling of the page');
  await narrow.screenshot({path: SHOTS + '/keys-360px.png', fullPage: true});
  await narrow.getByRole('button', {name: 'Create API Key'}).click();
  const box = await narrow.getByRole('dialog', {name: 'Create API Key'}).boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 360, 'the dialog fits');
  await narrow.context().close();
});

await step('axe-core finds no WCAG 2 A/AA violation on the main pages and the dialog', async () => {
  // a context that lets Playwright add axe's script to the page (the console's own CSP forbids injected script)
  const context = await browser.newContext({bypassCSP: true, viewport: {width: 1280, height: 860}});
  const a = await context.newPage();
  a.on('pageerror', e => problems.push('script error: ' + e.message));
  const axe = createRequire(process.env.TOOLS + '/').resolve('axe-core/axe.min.js');
  const audit = async name => {
    await a.addScriptTag({path: axe});
    const result = await a.evaluate(() => window.axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}));
    const found = result.violations.map(v => `${name}: ${v.id} (${v.impact}) ${v.nodes.map(n => n.target.join(' ')).join(', ')}`);
    assert.deepEqual(found, [], found.join('\n'));
  };
  await a.goto(`${BASE}/console/`);
  await audit('sign-in');
  await signIn(a, process.env.OWNER_TOKEN);
  await a.getByRole('heading', {name: 'Your organizations'}).waitFor();
  await audit('organizations');
  await a.goto(`${BASE}/console/orgs/${ORG}/workspaces/${WS}/api-keys`);
  await a.locator('tr', {hasText: 'storefront-web'}).waitFor();
  await audit('workspace keys');
  await a.getByRole('button', {name: 'Create API Key'}).click();
  await a.getByRole('dialog', {name: 'Create API Key'}).waitFor();
  await audit('Create API Key dialog');
  await a.keyboard.press('Escape');
  await a.goto(`${BASE}/console/orgs/${ORG}/keys/${process.env.USAGE_KEY_ID}`);
  await a.locator('svg.chart rect.bar-allowed').first().waitFor();
  await audit('key usage');
  for (const [path, heading] of [['audit', 'Audit log'], ['members', 'Members'], ['roles', 'Roles'], ['workspaces', 'Workspaces'],
    ['webhooks', 'Webhooks']]) {
    await a.goto(`${BASE}/console/orgs/${ORG}/${path}`);
    await a.getByRole('heading', {name: heading}).waitFor();
    await a.locator('table').first().waitFor();
    await audit(heading);
  }
  await context.close();
});

if (process.env.OIDC_BASE_URL) {
  await step('sign in with SSO: authorization code + PKCE against the configured issuer, back to the deep link', async () => {
    const base = process.env.OIDC_BASE_URL;
    const sso = await newPage(undefined, [base, process.env.IDP_URL]);
    await sso.goto(`${base}/console/orgs/${ORG}/api-keys`);
    await sso.getByRole('button', {name: 'Sign in with SSO'}).click();
    await sso.getByRole('heading', {name: 'API Keys · organization'}).waitFor();
    assert.equal(new URL(sso.url()).pathname, `/console/orgs/${ORG}/api-keys`);
    assert.equal(new URL(sso.url()).search, '', 'no code or token left in the address');
    assert.equal(await sso.locator('#who').innerText(), 'carol@example.com');
    assert.equal(await sso.evaluate(() => sessionStorage.getItem('latchkey.pkce')), null, 'the verifier is gone');
    await sso.context().close();
  });
}

await browser.close();
assert.deepEqual(problems, [], 'no script error, CSP violation or outside request');
console.log('console: all steps passed');
