// The public management API, with the signed-in token. Errors carry the problem+json body (detail, code, errors).
import {token, signOut} from './auth.js';

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || 'HTTP ' + status);
    this.status = status;
    this.problem = problem;
  }
}

export async function api(method, path, body) {
  const headers = {'Authorization': 'Bearer ' + token(), 'Accept': 'application/json'};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
  if (res.status === 204) return null;
  const data = await res.json().catch(() => null);
  if (res.status === 401) {
    signOut();
    throw new ApiError(401, data || {detail: 'Your session has ended; sign in again.'});
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

/** Every item of a paged list (keyset cursor). */
export async function all(path) {
  const items = [];
  let cursor = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await api('GET', path + sep + 'limit=100' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

export const org = slug => '/api/v1/orgs/' + encodeURIComponent(slug);
