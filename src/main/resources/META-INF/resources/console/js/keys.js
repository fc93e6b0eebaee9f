// API keys: the lists (organization and workspace), the Create API Key dialog as seeds 000/001 describe it, edit,
// rotate, revoke, delete, and a key's page with its usage chart.
import {h, fill, field, when, table, toast, errorBox} from './dom.js';
import {api, all, org as orgPath} from './api.js';
import {dialog, formDialog, confirmDialog, showSecret} from './dialogs.js';
import {usageChart} from './chart.js';

const TYPES = {personal: 'Personal', service: 'Service', admin: 'Admin'};

/** The keys page; ctx: {org, ws (or null), membership, main, go}. */
export async function keysPage(ctx) {
  const {org, ws, main} = ctx;
  const [roles, workspaces] = await Promise.all([all(orgPath(org) + '/roles'), all(orgPath(org) + '/workspaces')]);
  const kind = h('select', {}, h('option', {value: ''}, 'All types'),
    Object.entries(TYPES).map(([v, l]) => h('option', {value: v}, l)));
  const state = h('select', {}, h('option', {value: ''}, 'All states'),
    ['active', 'expired', 'revoked', 'disabled'].map(s => h('option', {value: s}, s[0].toUpperCase() + s.slice(1))));
  const list = h('div', {'aria-live': 'polite'});
  const title = ws ? `API Keys · workspace ${ws}` : 'API Keys · organization';
  const create = h('button', {type: 'button', class: 'primary', onclick: () =>
    createDialog(ctx, roles, workspaces, () => load())}, 'Create API Key');
  fill(main, h('div', {class: 'page-head'}, h('h1', {}, title), create),
    h('p', {class: 'muted'}, ws
      ? 'Keys generated for this workspace grant access only to it.'
      : 'Keys generated for the organization grant access to the workspaces you choose, or to all of them.'),
    h('div', {class: 'filters'}, field('Type filter', kind), field('State filter', state)), list);
  kind.addEventListener('change', load);
  state.addEventListener('change', load);

  let loads = 0;
  async function load() {
    const mine = ++loads; // filters changed quickly: only the newest answer is shown
    const q = new URLSearchParams();
    if (kind.value) q.set('kind', kind.value);
    if (state.value) q.set('state', state.value);
    if (ws) q.set('workspace', ws);
    try {
      let keys = await all(orgPath(org) + '/keys' + (q.toString() ? '?' + q : ''));
      keys = keys.filter(k => ws ? k.scope.type === 'workspace' : k.scope.type === 'organization');
      if (mine !== loads) return;
      fill(list, keys.length ? keyTable(ctx, keys, roles, workspaces, load)
        : h('p', {class: 'empty'}, 'No API keys here yet. Create one with “Create API Key”.'));
    } catch (e) {
      if (mine === loads) fill(list, errorBox(e));
    }
  }
  await load();
}

function scopeText(k) {
  if (k.scope.type === 'workspace') return k.scope.workspace;
  return k.scope.allWorkspaces ? 'All workspaces' : (k.scope.workspaces || []).join(', ');
}

function keyTable(ctx, keys, roles, workspaces, reload) {
  const rows = keys.map(k => {
    const live = k.state !== 'revoked';
    const actions = h('div', {class: 'row-actions'},
      live ? h('button', {type: 'button', onclick: () => editDialog(ctx, k, roles, workspaces, reload),
        'aria-label': `Edit ${k.name}`}, 'Edit') : null,
      live ? h('button', {type: 'button', onclick: () => rotateDialog(ctx, k, reload),
        'aria-label': `Rotate ${k.name}`}, 'Rotate') : null,
      live ? h('button', {type: 'button', onclick: () => revokeDialog(ctx, k, reload), 'aria-label': 'Revoke',
        title: `Revoke ${k.name}`}, 'Revoke') : null,
      h('button', {type: 'button', class: 'icon danger', 'aria-label': 'Delete', title: `Delete ${k.name}`,
        onclick: () => deleteDialog(ctx, k, reload)}, trash()));
    return h('tr', {'data-key': k.id},
      h('th', {scope: 'row'}, h('a', {href: `/console/orgs/${ctx.org}/keys/${k.id}`, 'data-nav': ''}, k.name)),
      h('td', {}, h('code', {class: 'masked'}, k.masked)),
      h('td', {}, TYPES[k.kind] || k.kind), h('td', {}, k.role || (k.permissions || []).join(', ')),
      h('td', {}, scopeText(k)), h('td', {}, h('span', {class: 'state ' + k.state}, k.state)),
      h('td', {}, when(k.lastUsedAt)), h('td', {}, k.expiresAt ? when(k.expiresAt) : 'Never'), h('td', {}, actions));
  });
  return table('API keys', ['Name', 'Key', 'Type', 'Role', 'Workspaces', 'State', 'Last used', 'Expires', 'Actions'],
    rows);
}

function trash() {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('width', '18');
  svg.setAttribute('height', '18');
  const p = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  p.setAttribute('d', 'M9 3h6l1 2h4v2H4V5h4l1-2zm-3 6h12l-1 12H7L6 9zm4 2v8h2v-8h-2zm4 0v8h2v-8h-2z');
  p.setAttribute('fill', 'currentColor');
  svg.append(p);
  return svg;
}

function roleSelect(roles, current) {
  return h('select', {required: true}, roles.map(r =>
    h('option', {value: r.name, selected: r.name === current}, r.name + (r.builtIn ? '' : ' (custom)'))));
}

/** Workspaces for an organization key: all, or a chosen set (a fieldset named "Workspaces"). */
function workspacePicker(workspaces, scope) {
  const allBox = h('input', {type: 'checkbox', checked: !scope || scope.allWorkspaces});
  const chosen = new Set((scope && scope.workspaces) || []);
  const boxes = workspaces.map(w => h('input', {type: 'checkbox', value: w.slug, checked: chosen.has(w.slug)}));
  const set = h('fieldset', {class: 'workspaces'}, h('legend', {}, 'Workspaces'),
    h('label', {class: 'check'}, allBox, 'All workspaces (also future ones)'),
    h('div', {class: 'ws-list'}, boxes.map((b, i) => h('label', {class: 'check'}, b, workspaces[i].slug))));
  const sync = () => boxes.forEach(b => (b.disabled = allBox.checked));
  allBox.addEventListener('change', sync);
  sync();
  set.scope = () => allBox.checked ? {type: 'organization', allWorkspaces: true}
    : {type: 'organization', workspaces: boxes.filter(b => b.checked).map(b => b.value)};
  return set;
}

function createDialog(ctx, roles, workspaces, reload) {
  const member = !['owner', 'admin'].includes(ctx.membership.orgRole);
  // what a caller may not do is not offered: members create personal keys only
  const type = h('select', {}, h('option', {value: 'personal'}, 'Personal'),
    member ? null : h('option', {value: 'service', selected: true}, 'Service'));
  const name = h('input', {type: 'text', maxlength: 64, autocomplete: 'off'});
  const expires = h('input', {type: 'date', min: new Date(Date.now() + 86400000).toISOString().slice(0, 10)});
  const role = roleSelect(roles, 'viewer');
  const picker = ctx.ws ? null : workspacePicker(workspaces, null);
  const fields = [
    field('Type', type, member ? 'Personal keys are tied to your account; only owners and admins create service keys.'
      : 'Service keys are for automated systems and production; personal keys are tied to your account.'),
    field('Name', name, 'Optional: if you leave it empty, the key ID is used.'),
    field('Expiration date', expires, 'Optional. The key stops working at the start of that day (UTC).'),
    picker, field('Role', role, 'Determines what the key can do.')];
  formDialog('Create API Key', fields, 'Create API Key', async (form, d, body) => {
    const req = {kind: type.value, role: role.value,
      scope: ctx.ws ? {type: 'workspace', workspace: ctx.ws} : picker.scope()};
    if (name.value.trim()) req.name = name.value.trim();
    if (expires.value) req.expiresAt = expires.value + 'T00:00:00Z';
    const created = await api('POST', orgPath(ctx.org) + '/keys', req);
    showSecret(body, d, created.key, reload);
  });
}

function editDialog(ctx, k, roles, workspaces, reload) {
  const name = h('input', {type: 'text', maxlength: 64, value: k.name});
  const role = k.role ? roleSelect(roles, k.role) : null;
  const perms = k.role || k.kind === 'admin' ? null : h('input', {type: 'text', value: (k.permissions || []).join(', ')});
  const picker = k.scope.type === 'organization' && k.kind !== 'admin' ? workspacePicker(workspaces, k.scope) : null;
  const enabled = h('input', {type: 'checkbox', checked: k.enabled});
  const limit = h('input', {type: 'number', min: 1, value: k.rateLimit ? k.rateLimit.limit : ''});
  const windowS = h('input', {type: 'number', min: 1, value: k.rateLimit ? k.rateLimit.windowSeconds : ''});
  const ips = h('textarea', {rows: 3}, (k.ipAllowlist || []).join('\n'));
  const fields = [field('Name', name), role ? field('Role', role) : null,
    perms ? field('Permissions', perms, 'Comma-separated, such as documents:read, search.') : null, picker,
    h('label', {class: 'check'}, enabled, 'Enabled'),
    h('fieldset', {}, h('legend', {}, 'Rate limit (empty: none)'), h('div', {class: 'pair'},
      field('Calls', limit), field('Per seconds', windowS))),
    field('IP allow-list', ips, 'One address or CIDR per line; empty: any address.')];
  formDialog(`Edit ${k.name}`, fields, 'Save', async (form, d) => {
    const patch = {};
    if (name.value.trim() !== k.name) patch.name = name.value.trim();
    if (role && role.value !== k.role) patch.role = role.value;
    if (perms) {
      const list = perms.value.split(',').map(x => x.trim()).filter(Boolean);
      if (JSON.stringify(list) !== JSON.stringify(k.permissions)) patch.permissions = list;
    }
    if (picker) {
      const scope = picker.scope();
      if (JSON.stringify(scope) !== JSON.stringify(k.scope.allWorkspaces ? {type: 'organization', allWorkspaces: true}
        : {type: 'organization', workspaces: k.scope.workspaces})) patch.scope = scope;
    }
    if (enabled.checked !== k.enabled) patch.enabled = enabled.checked;
    const rate = limit.value || windowS.value ? {limit: Number(limit.value), windowSeconds: Number(windowS.value)} : null;
    if (JSON.stringify(rate) !== JSON.stringify(k.rateLimit || null)) patch.rateLimit = rate;
    const list = ips.value.split('\n').map(s => s.trim()).filter(Boolean);
    if (JSON.stringify(list) !== JSON.stringify(k.ipAllowlist || [])) patch.ipAllowlist = list.length ? list : null;
    if (Object.keys(patch).length) await api('PATCH', orgPath(ctx.org) + '/keys/' + k.id, patch);
    d.close();
    toast(Object.keys(patch).length ? `${k.name} saved` : 'Nothing changed');
    reload();
  });
}

function rotateDialog(ctx, k, reload) {
  const grace = h('select', {}, [['0', 'None: the old secret stops now'], ['3600', '1 hour'], ['86400', '24 hours'],
    ['604800', '7 days']].map(([v, l]) => h('option', {value: v, selected: v === '86400'}, l)));
  formDialog(`Rotate ${k.name}`, [h('p', {}, 'A new secret is issued for the same key. The old one keeps working ' +
    'for the grace period, so that you can roll the new one out.'), field('Grace period', grace)], 'Rotate',
  async (form, d, body) => {
    const rotated = await api('POST', orgPath(ctx.org) + '/keys/' + k.id + '/rotate',
      {gracePeriodSeconds: Number(grace.value)});
    showSecret(body, d, rotated.key, reload);
  });
}

function revokeDialog(ctx, k, reload) {
  confirmDialog(`Revoke ${k.name}?`, 'Every gateway refuses the key within a second. This cannot be undone.', 'Revoke',
    async () => {
      await api('POST', orgPath(ctx.org) + '/keys/' + k.id + '/revoke');
      toast(`${k.name} revoked`);
      reload();
    });
}

function deleteDialog(ctx, k, reload) {
  confirmDialog(`Delete ${k.name}?`, 'The key is revoked and removed from the lists. This cannot be undone.', 'Delete',
    async () => {
      await api('DELETE', orgPath(ctx.org) + '/keys/' + k.id);
      toast(`${k.name} deleted`);
      reload();
    });
}

/** One key: its details and its usage per hour over 24 h, 7 d or 31 d. */
export async function keyPage(ctx, keyId) {
  const k = await api('GET', orgPath(ctx.org) + '/keys/' + encodeURIComponent(keyId));
  const chart = h('div', {class: 'chart-box'});
  const ranges = [['24 h', 24], ['7 d', 24 * 7], ['31 d', 24 * 31]];
  const buttons = ranges.map(([label, hours]) => h('button', {type: 'button', 'aria-pressed': 'false',
    onclick: () => show(hours)}, label));
  const back = k.scope.type === 'workspace' ? `/console/orgs/${ctx.org}/workspaces/${k.scope.workspace}/api-keys`
    : `/console/orgs/${ctx.org}/api-keys`;
  const dl = h('dl', {class: 'facts'}, [['Key', h('code', {class: 'masked'}, k.masked)], ['Type', TYPES[k.kind]],
    ['Role', k.role || (k.permissions || []).join(', ')], ['Workspaces', scopeText(k)], ['State', k.state],
    ['Created', when(k.createdAt) + ' by ' + k.createdBy.name], ['Last used', when(k.lastUsedAt)],
    ['Expires', k.expiresAt ? when(k.expiresAt) : 'Never'],
    ['Rate limit', k.rateLimit ? `${k.rateLimit.limit} per ${k.rateLimit.windowSeconds} s` : 'None'],
    ['Quota', k.quota ? `${k.quota.remaining} left` + (k.quota.refillAt ? `, refill ${when(k.quota.refillAt)}` : '')
      : 'None']].map(([t, v]) => [h('dt', {}, t), h('dd', {}, v)]));
  fill(ctx.main, h('p', {}, h('a', {href: back, 'data-nav': ''}, '← API Keys')), h('h1', {}, k.name), dl,
    h('h2', {}, 'Usage'), h('div', {class: 'segmented', role: 'group', 'aria-label': 'Period'}, buttons), chart);

  async function show(hours) {
    buttons.forEach((b, i) => b.setAttribute('aria-pressed', String(ranges[i][1] === hours)));
    const to = new Date();
    const from = new Date(to.getTime() - hours * 3600000);
    try {
      const u = await api('GET', orgPath(ctx.org) + '/keys/' + k.id + '/usage?from=' + from.toISOString()
        + '&to=' + to.toISOString());
      fill(chart, usageChart(u.items, from, to));
    } catch (e) {
      fill(chart, errorBox(e));
    }
  }
  await show(24);
}
