// Webhooks (owners and admins): the organization's endpoints, and one endpoint's recent deliveries with redelivery.
import {h, fill, field, when, table, toast, errorBox} from './dom.js';
import {api, org as orgPath} from './api.js';
import {dialog, formDialog, confirmDialog, showSecret} from './dialogs.js';

const EVENTS = ['key.created', 'key.updated', 'key.rotated', 'key.revoked', 'key.deleted', 'key.expiring',
  'key.expired', 'key.leaked', 'key.imported', 'quota.low', 'quota.exhausted', 'member.removed'];

function status(w) {
  if (!w.enabled) return h('span', {class: 'state disabled'}, 'Disabled');
  if (w.failing) return h('span', {class: 'state revoked'}, 'Failing');
  return h('span', {class: 'state active'}, 'Enabled');
}

/** The event checkboxes of the create and edit dialogs. */
function eventsField(chosen) {
  const boxes = EVENTS.map(e => h('input', {type: 'checkbox', value: e, checked: chosen.includes(e)}));
  const group = h('fieldset', {class: 'checks'}, h('legend', {}, 'Events'),
    boxes.map(b => h('label', {}, b, ' ' + b.value)));
  return {group, value: () => boxes.filter(b => b.checked).map(b => b.value)};
}

export async function webhooksPage(ctx) {
  const list = h('div', {});
  const base = orgPath(ctx.org) + '/webhooks';
  fill(ctx.main, h('div', {class: 'page-head'}, h('h1', {}, 'Webhooks'),
    h('button', {type: 'button', class: 'primary', onclick: create}, 'Add endpoint')),
  h('p', {class: 'muted'}, 'Latchkey posts each event to these URLs, signed per Standard Webhooks: verify it with the ' +
    'endpoint\u2019s signing secret and any Standard Webhooks library.'), list);
  async function load() {
    const page = await api('GET', base + '?limit=100');
    fill(list, page.items.length ? table('Webhook endpoints', ['Endpoint', 'Events', 'Status', 'Created', 'Actions'],
      page.items.map(w => h('tr', {},
        h('th', {scope: 'row'}, h('a', {href: `/console/orgs/${ctx.org}/webhooks/${w.id}`, 'data-nav': ''}, w.url),
          w.description ? h('div', {class: 'muted'}, w.description) : null),
        h('td', {}, w.events.join(', ')), h('td', {}, status(w)), h('td', {}, when(w.createdAt)),
        h('td', {}, h('div', {class: 'row-actions'},
          h('button', {type: 'button', 'aria-label': `${w.enabled ? 'Disable' : 'Enable'} ${w.url}`, onclick: async () => {
            await api('PATCH', base + '/' + w.id, {enabled: !w.enabled});
            toast(w.enabled ? 'Endpoint disabled' : 'Endpoint enabled');
            load();
          }}, w.enabled ? 'Disable' : 'Enable'),
          h('button', {type: 'button', 'aria-label': `Rotate secret of ${w.url}`, onclick: () => rotate(w)},
            'Rotate secret'),
          h('button', {type: 'button', class: 'danger', 'aria-label': `Delete ${w.url}`, onclick: () =>
            confirmDialog(`Delete ${w.url}?`, 'No more events are sent to it; its delivery history goes too.', 'Delete',
              async () => {
                await api('DELETE', base + '/' + w.id);
                toast('Endpoint deleted');
                load();
              })}, 'Delete')))))) : h('p', {class: 'empty'}, 'No webhook endpoints yet.'));
  }
  function create() {
    const url = h('input', {type: 'url', required: true, placeholder: 'https://example.com/hooks/latchkey'});
    const description = h('input', {type: 'text', maxlength: 256});
    const events = eventsField(['key.revoked', 'key.expiring', 'key.leaked']);
    formDialog('Add endpoint', [field('URL', url, 'https only, and a public address.'), field('Description', description),
      events.group], 'Add endpoint', async (form, d, body) => {
      const created = await api('POST', base, {url: url.value.trim(), events: events.value(),
        description: description.value.trim() || undefined});
      showSecret(body, d, created.secret, load, 'Signing secret', 'signing secret');
    });
  }
  function rotate(w) {
    formDialog(`Rotate the secret of ${w.url}`, [h('p', {}, 'A new signing secret is issued. For a day both the old ' +
      'and the new one sign each delivery, so the receiver can switch without losing a message.')], 'Rotate secret',
    async (form, d, body) => {
      const rotated = await api('POST', base + '/' + w.id + '/rotate-secret');
      showSecret(body, d, rotated.secret, load, 'New signing secret', 'signing secret');
    });
  }
  await load();
}

export async function webhookPage(ctx, id) {
  const base = orgPath(ctx.org) + '/webhooks/' + encodeURIComponent(id);
  const w = await api('GET', base);
  const list = h('div', {});
  const more = h('div', {});
  fill(ctx.main, h('p', {}, h('a', {href: `/console/orgs/${ctx.org}/webhooks`, 'data-nav': ''}, '← Webhooks')),
    h('div', {class: 'page-head'}, h('h1', {}, w.url), status(w)),
    h('dl', {class: 'facts'}, h('dt', {}, 'Events'), h('dd', {}, w.events.join(', ')),
      h('dt', {}, 'Created'), h('dd', {}, when(w.createdAt)),
      w.failing ? [h('dt', {}, 'Failing since'), h('dd', {}, when(w.failingSince))] : null,
      w.previousSecretUntil ? [h('dt', {}, 'Previous secret signs until'), h('dd', {}, when(w.previousSecretUntil))]
        : null),
    h('div', {class: 'page-head'}, h('h2', {}, 'Recent deliveries'),
      h('button', {type: 'button', onclick: () => load()}, 'Refresh')), list, more);
  let rows = [];
  async function load(cursor) {
    const page = await api('GET', base + '/deliveries?limit=50' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    rows = cursor ? rows.concat(page.items) : page.items;
    fill(list, rows.length ? table('Deliveries', ['Event', 'Type', 'Status', 'Attempts', 'Response', 'Latency',
      'Last attempt', 'Next attempt', 'Actions'], rows.map(d => h('tr', {},
      h('th', {scope: 'row'}, h('code', {}, d.eventId)), h('td', {}, d.eventType),
      h('td', {}, h('span', {class: 'state ' + (d.status === 'delivered' ? 'active' : d.status === 'failed' ? 'revoked' : 'disabled')},
        d.status)),
      h('td', {}, String(d.attempts)),
      h('td', {title: d.responseBody || d.error || ''}, d.responseStatus ? String(d.responseStatus) : (d.error || '—')),
      h('td', {}, d.latencyMs === null || d.latencyMs === undefined ? '—' : d.latencyMs + ' ms'),
      h('td', {}, when(d.lastAttemptAt)), h('td', {}, when(d.nextAttemptAt)),
      h('td', {}, h('button', {type: 'button', 'aria-label': `Redeliver ${d.eventId}`, onclick: async () => {
        try {
          await api('POST', base + '/deliveries/' + d.id + '/redeliver');
          toast('Sent again');
          load();
        } catch (e) {
          dialog('Redeliver', () => errorBox(e));
        }
      }}, 'Redeliver'))))) : h('p', {class: 'empty'}, 'No deliveries yet.'));
    fill(more, page.nextCursor ? h('button', {type: 'button', onclick: () => load(page.nextCursor)}, 'Load more') : null);
  }
  await load();
}
