// Modal dialogs on <dialog>.showModal(): the rest of the page is inert while one is open, so focus stays inside;
// Escape closes; focus returns to what opened it.
import {h, append, errorBox, field, toast} from './dom.js';

export function dialog(title, build) {
  const opener = document.activeElement;
  const titleId = 'dlg' + Math.random().toString(36).slice(2);
  const body = h('div', {class: 'dialog-body'});
  const d = h('dialog', {'aria-labelledby': titleId},
    h('div', {class: 'dialog-head'}, h('h2', {id: titleId}, title),
      h('button', {type: 'button', class: 'icon', 'aria-label': 'Close', onclick: () => d.close()}, '×')), body);
  // showModal makes the page inert, but Tab past the last control would leave for the browser's own UI: wrap around
  d.addEventListener('keydown', e => {
    if (e.key !== 'Tab') return;
    const focusable = [...d.querySelectorAll('button, input, select, textarea, a[href], [tabindex]:not([tabindex="-1"])')]
      .filter(el => !el.disabled && el.offsetParent !== null);
    if (!focusable.length) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  });
  d.addEventListener('close', () => {
    d.remove();
    if (opener && opener.focus) opener.focus();
  });
  document.body.append(d);
  append(body, [build(d, body)]);
  d.showModal();
  const first = d.querySelector('input, select, textarea, button:not(.icon)');
  if (first) first.focus();
  return d;
}

/** A form in a dialog: `submit` gets the form and returns a promise; its error is shown with the API's detail. */
export function formDialog(title, fields, submitLabel, submit) {
  return dialog(title, (d, body) => {
    const errors = h('div', {});
    const button = h('button', {type: 'submit', class: 'primary'}, submitLabel);
    const form = h('form', {novalidate: true}, fields, errors,
      h('div', {class: 'actions'}, h('button', {type: 'button', onclick: () => d.close()}, 'Cancel'), button));
    form.addEventListener('submit', async e => {
      e.preventDefault();
      button.disabled = true;
      errors.replaceChildren();
      try {
        await submit(form, d, body);
      } catch (err) {
        errors.replaceChildren(errorBox(err));
        const alert = errors.querySelector('[role=alert]');
        if (alert) alert.setAttribute('tabindex', '-1'), alert.focus();
      } finally {
        button.disabled = false;
      }
    });
    return form;
  });
}

export function confirmDialog(title, text, action, run) {
  return formDialog(title, [h('p', {}, text)], action, async (form, d) => {
    await run();
    d.close();
  });
}

/** The full key (or another secret: `label`, `noun`), shown this one time, with Copy. */
export function showSecret(body, d, key, done, label = 'Your new API key', noun = 'key') {
  const input = h('input', {type: 'text', readonly: true, value: key, class: 'secret', spellcheck: 'false'});
  const copy = h('button', {type: 'button', class: 'primary', onclick: async () => {
    try {
      await navigator.clipboard.writeText(key);
    } catch (e) {
      input.select();
      document.execCommand('copy');
    }
    toast(noun[0].toUpperCase() + noun.slice(1) + ' copied');
    copy.textContent = 'Copied';
    copy.setAttribute('aria-label', 'Copy');
  }}, 'Copy');
  body.replaceChildren(
    h('p', {class: 'warn', role: 'alert'}, h('strong', {}, `Copy and save your ${noun} now. `),
      noun === 'key' ? 'You won\u2019t see it again: afterwards it remains masked.' : 'You won\u2019t see it again.'),
    field(label, input), h('div', {class: 'actions'}, copy,
      h('button', {type: 'button', onclick: () => d.close()}, 'Done')));
  d.addEventListener('close', () => done && done(), {once: true});
  input.focus();
  input.select();
}
