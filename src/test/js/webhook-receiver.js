// A webhook receiver for the tests: verifies every delivery with the Standard Webhooks reference library
// (standardwebhooks 1.1.1) and records it. Listens on 127.0.0.1:$PORT and prints "listening <port>" once ready.
// Control (JSON bodies):
//   POST /_control/endpoint {path, secrets: [whsec_…], status?: 200, delayMs?: 0, location?}  receive on path, verify
//        with any of the secrets (one is enough: during a rotation both signatures are sent), answer status after
//        delayMs (with a Location header when given: a redirect)
//   POST /_control/clock {offsetMs}  the sender's clock minus the real one (tests that move Latchkey's clock),
//        so the library's 5-minute timestamp tolerance is checked against the sender's time
//   GET  /_control/received?path=…  [{id, timestamp, type, keyId, data, verified, error, status}] in arrival order
// A delivery that fails verification is recorded with verified=false and answered 400.
const http = require('http');
const { Webhook } = require('standardwebhooks');

const endpoints = new Map();
const received = new Map();
let offsetMs = 0;
const realNow = Date.now;
Date.now = () => realNow() + offsetMs;

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url, 'http://127.0.0.1');
    if (url.pathname === '/_control/endpoint' && req.method === 'POST') {
      const b = JSON.parse(raw);
      endpoints.set(b.path, { secrets: b.secrets, status: b.status || 200, delayMs: b.delayMs || 0,
        location: b.location });
      if (!received.has(b.path)) received.set(b.path, []);
      return json(res, 200, { ok: true });
    }
    if (url.pathname === '/_control/clock' && req.method === 'POST') {
      offsetMs = JSON.parse(raw).offsetMs;
      return json(res, 200, { ok: true });
    }
    if (url.pathname === '/_control/received') {
      return json(res, 200, received.get(url.searchParams.get('path')) || []);
    }
    const ep = endpoints.get(url.pathname);
    if (!ep) return json(res, 404, { error: 'no such endpoint' });
    const record = { id: req.headers['webhook-id'], timestamp: req.headers['webhook-timestamp'], verified: false };
    let error = null;
    for (const secret of ep.secrets) {
      try {
        const payload = new Webhook(secret).verify(raw, req.headers);
        record.verified = true;
        record.type = payload.type;
        record.keyId = payload.data && payload.data.key ? payload.data.key.id : null;
        record.payloadId = payload.id;
        record.data = payload.data;
        break;
      } catch (e) {
        error = e.message;
      }
    }
    if (!record.verified) record.error = error;
    record.status = record.verified ? ep.status : 400;
    received.get(url.pathname).push(record);
    if (ep.location) res.setHeader('location', ep.location);
    setTimeout(() => json(res, record.status, { received: record.verified }), ep.delayMs);
  });
});

server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  console.log('listening ' + server.address().port);
});
