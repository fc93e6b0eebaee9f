// Swagger UI in a real headless Chromium, driven by playwright-core: run by ConsoleIT against the packaged service
// (so against a production build). It must render the management and verify operations from /q/openapi, with no
// script error and no request leaving the service. Screenshot: $SHOTS/swagger-ui.png.
import assert from 'node:assert/strict';
import {launchChromium} from './chromium.mjs';

const BASE = process.env.BASE_URL;
const problems = [];
const browser = await launchChromium();
try {
  const page = await (await browser.newContext({viewport: {width: 1280, height: 1200}})).newPage();
  page.on('pageerror', e => problems.push('script error: ' + e.message));
  page.on('request', r => {
    if (!r.url().startsWith(BASE + '/') && !r.url().startsWith('data:')) problems.push('request leaving the service: ' + r.url());
  });
  const openapi = page.waitForResponse(r => new URL(r.url()).pathname === '/q/openapi');
  await page.goto(`${BASE}/q/swagger-ui/`);
  assert.equal((await openapi).status(), 200, 'Swagger UI loads the document from /q/openapi');
  await page.locator('.opblock').first().waitFor();
  const paths = await page.locator('.opblock-summary-path').allTextContents();
  for (const p of ['/verify', '/api/v1/orgs/{org}/keys', '/api/as/v1/credentials']) {
    assert.ok(paths.some(x => x.replace(/\u200b/g, '') === p), `operation ${p} listed (saw ${paths.length} operations)`);
  }
  await page.screenshot({path: process.env.SHOTS + '/swagger-ui.png'});
  assert.deepEqual(problems, []);
  console.log(`swagger-ui: ${paths.length} operations rendered`);
} finally {
  await browser.close();
}
