// The console's router: /console/ (organizations), /console/orgs/{org}/api-keys,
// /console/orgs/{org}/workspaces/{ws}/api-keys, /console/orgs/{org}/keys/{id}, .../workspaces, .../members,
// .../roles, .../audit, .../webhooks, .../webhooks/{id}, and /console/callback (OIDC). A deep link opened before
// sign-in lands there after it.
import {h, fill, field, errorBox} from './dom.js';
import {api} from './api.js';
import * as auth from './auth.js';
import {keysPage, keyPage} from './keys.js';
import {orgsPage, workspacesPage, membersPage, rolesPage, auditPage} from './pages.js';
import {webhooksPage, webhookPage} from './webhooks.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
let config = {oidc: null};
let me = null;
let renders = 0;

async function start() {
  config = await (await fetch('/console/config.json')).json();
  document.getElementById('signout').addEventListener('click', () => {
    auth.signOut();
    me = null;
    go('/console/');
  });
  document.addEventListener('click', e => {
    const a = e.target.closest('a[data-nav]');
    if (a && !e.ctrlKey && !e.metaKey && !e.shiftKey && e.button === 0) {
      e.preventDefault();
      go(a.getAttribute('href'));
    }
  });
  window.addEventListener('popstate', route);
  await route();
}

export function go(path) {
  history.pushState(null, '', path);
  route();
}

async function route() {
  const path = location.pathname.replace(/\/+$/, '') || '/console';
  if (path === '/console/callback') {
    try {
      await auth.finishOidc(config.oidc);
      history.replaceState(null, '', auth.takeReturn());
    } catch (e) {
      return signInPage(e);
    }
    return route();
  }
  if (!auth.token()) {
    auth.rememberReturn(location.pathname);
    return signInPage();
  }
  try {
    if (!me) me = await api('GET', '/api/v1/me');
  } catch (e) {
    me = null;
    if (auth.token()) return fill(main, errorBox(e));
    auth.rememberReturn(location.pathname);
    return signInPage(e);
  }
  document.getElementById('who').textContent = me.subject || me.name || '';
  document.getElementById('signout').hidden = false;
  const m = path.match(/^\/console\/orgs\/([^/]+)(?:\/(.*))?$/);
  if (!m) {
    nav.hidden = true;
    return show('Organizations', view => orgsPage(view, me));
  }
  const org = decodeURIComponent(m[1]);
  const rest = m[2] || 'api-keys';
  const membership = (me.memberships || []).find(x => x.organization === org) || {organization: org, orgRole: 'member'};
  const ctx = view => ({org, ws: null, membership, main: view, go});
  renderNav(org, membership, rest);
  let r;
  if (rest === 'api-keys') return show('API Keys', view => keysPage(ctx(view)));
  if ((r = rest.match(/^workspaces\/([^/]+)\/api-keys$/))) {
    const ws = decodeURIComponent(r[1]);
    return show('API Keys', view => keysPage({...ctx(view), ws}));
  }
  if ((r = rest.match(/^keys\/([^/]+)$/))) return show('API key', view => keyPage(ctx(view), decodeURIComponent(r[1])));
  if (rest === 'workspaces') return show('Workspaces', view => workspacesPage(ctx(view)));
  if (rest === 'members') return show('Members', view => membersPage(ctx(view)));
  if (rest === 'roles') return show('Roles', view => rolesPage(ctx(view)));
  if (rest === 'audit') return show('Audit log', view => auditPage(ctx(view)));
  if (rest === 'webhooks') return show('Webhooks', view => webhooksPage(ctx(view)));
  if ((r = rest.match(/^webhooks\/([^/]+)$/))) return show('Webhook', view => webhookPage(ctx(view), decodeURIComponent(r[1])));
  return show('Not found', view => fill(view, h('h1', {}, 'Page not found'),
    h('p', {}, h('a', {href: '/console/', 'data-nav': ''}, 'Back to your organizations'))));
}

/**
 * Renders a page into a fresh element and shows it once it is ready — unless the user has gone elsewhere meanwhile:
 * a slow page never overwrites a later one.
 */
async function show(title, render) {
  const seq = ++renders;
  document.title = title + ' · Latchkey';
  fill(main, h('p', {class: 'muted'}, 'Loading…'));
  const view = h('div', {});
  try {
    await render(view);
  } catch (e) {
    if (seq !== renders) return;
    if (e.status === 401) { // the token expired or was refused: sign in again, then come back here
      me = null;
      auth.rememberReturn(location.pathname);
      return signInPage(e);
    }
    fill(view, h('h1', {}, title), errorBox(e));
  }
  if (seq !== renders) return;
  fill(main, view);
  main.focus({preventScroll: true});
}

function renderNav(org, membership, rest) {
  const manage = ['owner', 'admin'].includes(membership.orgRole);
  const links = [['api-keys', 'API Keys'], ['workspaces', 'Workspaces']];
  if (manage) links.push(['members', 'Members'], ['roles', 'Roles'], ['webhooks', 'Webhooks'], ['audit', 'Audit log']);
  const orgs = (me.memberships || []).map(x => x.organization);
  const picker = h('select', {'aria-label': 'Organization'}, orgs.map(o => h('option', {value: o, selected: o === org}, o)));
  picker.addEventListener('change', () => go(`/console/orgs/${picker.value}/api-keys`));
  fill(nav, orgs.length > 1 ? picker : h('p', {class: 'org'}, org), h('ul', {}, links.map(([p, label]) =>
    h('li', {}, h('a', {href: `/console/orgs/${org}/${p}`, 'data-nav': '',
      'aria-current': rest === p || (p === 'workspaces' && rest.startsWith('workspaces/'))
        || (p === 'webhooks' && rest.startsWith('webhooks/')) ? 'page' : null}, label)))));
  nav.hidden = false;
}

function signInPage(error) {
  renders++; // a page still loading must not replace the sign-in form
  nav.hidden = true;
  document.getElementById('signout').hidden = true;
  document.getElementById('who').textContent = '';
  document.title = 'Sign in · Latchkey';
  const input = h('input', {type: 'password', autocomplete: 'off', required: true, spellcheck: 'false'});
  const form = h('form', {class: 'signin'}, field('Access token', input,
    'A token from your identity provider, or from src/scripts/mint-token on an install without one.'),
  h('button', {type: 'submit', class: 'primary'}, 'Sign in'));
  form.addEventListener('submit', e => {
    e.preventDefault();
    if (!input.value.trim()) return;
    auth.signIn(input.value);
    me = null;
    history.replaceState(null, '', auth.takeReturn());
    route();
  });
  const sso = config.oidc ? h('button', {type: 'button', class: 'primary', onclick: async () => {
    try {
      await auth.startOidc(config.oidc);
    } catch (e) {
      fill(errors, errorBox(e));
    }
  }}, 'Sign in with SSO') : null;
  const errors = h('div', {}, error ? errorBox(error) : null);
  fill(main, h('div', {class: 'signin-box'}, h('h1', {}, 'Sign in to Latchkey'), errors, sso,
    sso ? h('p', {class: 'or'}, 'or') : null, form));
  (sso || input).focus();
}

start();
