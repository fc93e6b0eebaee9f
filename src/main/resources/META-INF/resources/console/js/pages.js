// The other pages: organizations (from /api/v1/me), workspaces, members and roles (owners and admins), the audit log.
import {h, fill, field, when, table, toast, errorBox} from './dom.js';
import {api, all, org as orgPath} from './api.js';
import {formDialog, confirmDialog} from './dialogs.js';

export function orgsPage(main, me) {
  const ms = me.memberships || [];
  fill(main, h('h1', {}, 'Your organizations'), ms.length
    ? h('ul', {class: 'cards'}, ms.map(m => h('li', {}, h('a', {href: `/console/orgs/${m.organization}/api-keys`,
      'data-nav': ''}, h('strong', {}, m.organization), h('span', {class: 'muted'}, ' · ' + m.orgRole)))))
    : h('p', {class: 'empty'}, 'You are not a member of any organization yet.'));
}

export async function workspacesPage(ctx) {
  const manage = ['owner', 'admin'].includes(ctx.membership.orgRole);
  const list = h('div', {});
  fill(ctx.main, h('div', {class: 'page-head'}, h('h1', {}, 'Workspaces'),
    manage ? h('button', {type: 'button', class: 'primary', onclick: create}, 'Create workspace') : null), list);
  async function load() {
    const ws = await all(orgPath(ctx.org) + '/workspaces');
    fill(list, ws.length ? table('Workspaces', ['Workspace', 'Name', 'Created', 'API keys'], ws.map(w => h('tr', {},
      h('th', {scope: 'row'}, w.slug), h('td', {}, w.name), h('td', {}, when(w.createdAt)),
      h('td', {}, h('a', {href: `/console/orgs/${ctx.org}/workspaces/${w.slug}/api-keys`, 'data-nav': ''},
        'API Keys'))))) : h('p', {class: 'empty'}, 'No workspaces yet.'));
  }
  function create() {
    const slug = h('input', {type: 'text', required: true, pattern: '[a-z0-9-]+', maxlength: 64});
    const name = h('input', {type: 'text', maxlength: 128});
    formDialog('Create workspace', [field('Slug', slug, 'Lowercase letters, digits and dashes; it cannot change.'),
      field('Workspace name', name)], 'Create workspace', async (form, d) => {
      await api('POST', orgPath(ctx.org) + '/workspaces', {slug: slug.value.trim(), name: name.value.trim() || slug.value.trim()});
      d.close();
      toast('Workspace created');
      load();
    });
  }
  await load();
}

export async function membersPage(ctx) {
  const list = h('div', {});
  // the roles first: the dialogs offer them (a click before they arrived opened nothing)
  const roles = await all(orgPath(ctx.org) + '/roles');
  fill(ctx.main, h('div', {class: 'page-head'}, h('h1', {}, 'Members'),
    h('button', {type: 'button', class: 'primary', onclick: () => edit(null)}, 'Add member')), list);
  async function load() {
    const ms = await all(orgPath(ctx.org) + '/members');
    fill(list, table('Members', ['Member', 'Organization role', 'Role', 'Workspace roles', 'Actions'], ms.map(m =>
      h('tr', {}, h('th', {scope: 'row'}, m.subject), h('td', {}, m.orgRole), h('td', {}, m.role || '—'),
        h('td', {}, Object.entries(m.workspaceRoles || {}).map(([w, r]) => `${w}: ${r}`).join(', ') || '—'),
        h('td', {}, h('div', {class: 'row-actions'},
          h('button', {type: 'button', onclick: () => edit(m), 'aria-label': `Change ${m.subject}`}, 'Change'),
          h('button', {type: 'button', class: 'danger', 'aria-label': `Remove ${m.subject}`, onclick: () =>
            confirmDialog(`Remove ${m.subject}?`, 'Their personal keys stop working at once.', 'Remove', async () => {
              await api('DELETE', orgPath(ctx.org) + '/members/' + encodeURIComponent(m.subject));
              toast(`${m.subject} removed`);
              load();
            })}, 'Remove')))))));
  }
  function edit(m) {
    const subject = h('input', {type: 'text', required: true, value: m ? m.subject : '', readonly: !!m});
    const orgRole = h('select', {}, ['member', 'admin', 'owner'].map(r =>
      h('option', {value: r, selected: m ? m.orgRole === r : r === 'member'}, r)));
    const role = h('select', {}, h('option', {value: ''}, 'None (workspace roles only)'),
      roles.map(r => h('option', {value: r.name, selected: m && m.role === r.name}, r.name)));
    formDialog(m ? `Change ${m.subject}` : 'Add member', [field('Subject', subject, 'The user\u2019s subject in the identity provider.'),
      field('Organization role', orgRole), field('Role in every workspace', role)], 'Save', async (form, d) => {
      const body = {orgRole: orgRole.value, workspaceRoles: m ? m.workspaceRoles || {} : {}};
      if (role.value) body.role = role.value;
      await api('PUT', orgPath(ctx.org) + '/members/' + encodeURIComponent(subject.value.trim()), body);
      d.close();
      toast('Member saved');
      load();
    });
  }
  await load();
}

export async function rolesPage(ctx) {
  const list = h('div', {});
  fill(ctx.main, h('div', {class: 'page-head'}, h('h1', {}, 'Roles'),
    h('button', {type: 'button', class: 'primary', onclick: create}, 'Create role')), list);
  async function load() {
    const roles = await all(orgPath(ctx.org) + '/roles');
    fill(list, table('Roles', ['Role', 'Permissions', 'Kind', 'Actions'], roles.map(r => h('tr', {},
      h('th', {scope: 'row'}, r.name), h('td', {}, r.permissions.join(', ')), h('td', {}, r.builtIn ? 'Built-in' : 'Custom'),
      h('td', {}, r.builtIn ? '—' : h('button', {type: 'button', class: 'danger', 'aria-label': `Delete role ${r.name}`,
        onclick: () => confirmDialog(`Delete role ${r.name}?`, 'Only a role nothing uses can be deleted.', 'Delete',
          async () => {
            await api('DELETE', orgPath(ctx.org) + '/roles/' + encodeURIComponent(r.name));
            load();
          })}, 'Delete'))))));
  }
  function create() {
    const name = h('input', {type: 'text', required: true, maxlength: 64});
    const perms = h('input', {type: 'text', required: true, placeholder: 'documents:read, search'});
    formDialog('Create role', [field('Role name', name), field('Permissions', perms, 'Comma-separated.')], 'Create role',
      async (form, d) => {
        await api('POST', orgPath(ctx.org) + '/roles', {name: name.value.trim(),
          permissions: perms.value.split(',').map(s => s.trim()).filter(Boolean)});
        d.close();
        toast('Role created');
        load();
      });
  }
  await load();
}

export async function auditPage(ctx) {
  const actor = h('input', {type: 'text'});
  const action = h('select', {}, h('option', {value: ''}, 'Any action'), ['key.created', 'key.updated', 'key.rotated',
    'key.revoked', 'key.deleted', 'member.added', 'member.updated', 'member.removed', 'workspace.created',
    'workspace.updated', 'workspace.deleted', 'role.created', 'role.updated', 'role.deleted', 'org.created']
    .map(a => h('option', {value: a}, a)));
  const target = h('input', {type: 'text'});
  const since = h('input', {type: 'date'});
  const list = h('div', {'aria-live': 'polite'});
  const more = h('div', {});
  const form = h('form', {class: 'filters'}, field('Actor', actor), field('Action', action), field('Target', target),
    field('Since', since), h('button', {type: 'submit'}, 'Filter'));
  fill(ctx.main, h('h1', {}, 'Audit log'), form, list, more);
  let rows = [];
  let loads = 0;
  async function load(cursor) {
    const mine = ++loads; // only the newest answer is shown
    const q = new URLSearchParams({limit: '50'});
    if (actor.value.trim()) q.set('actor', actor.value.trim());
    if (action.value) q.set('action', action.value);
    if (target.value.trim()) q.set('target', target.value.trim());
    if (since.value) q.set('since', since.value + 'T00:00:00Z');
    if (cursor) q.set('cursor', cursor);
    try {
      const page = await api('GET', orgPath(ctx.org) + '/audit?' + q);
      if (mine !== loads) return;
      rows = cursor ? rows.concat(page.items) : page.items;
      fill(list, rows.length ? table('Audit events', ['When', 'Actor', 'Action', 'Target', 'Request'], rows.map(e =>
        h('tr', {}, h('td', {}, when(e.at)), h('td', {}, `${e.actor.name} (${e.actor.type})`),
          h('th', {scope: 'row'}, e.action), h('td', {}, e.target ? `${e.target.name || e.target.id}` : '—'),
          h('td', {}, h('code', {}, e.requestId || ''))))) : h('p', {class: 'empty'}, 'No events match.'));
      fill(more, page.nextCursor ? h('button', {type: 'button', onclick: () => load(page.nextCursor)}, 'Load more') : null);
    } catch (e) {
      if (mine === loads) fill(list, errorBox(e));
    }
  }
  form.addEventListener('submit', e => {
    e.preventDefault();
    load();
  });
  await load();
}
