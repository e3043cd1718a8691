// Small shared pieces of the pages: an API error in words, a labelled field with its error line,
// a table, a status message. No page logic here.
import { h, clear } from './dom.js';
import { t } from './i18n.js';

// An ApiError (or anything thrown) in the user's words.
export function errorText(e) {
  if (!e) return '';
  switch (e.status) {
    case 0: return t('error.network');
    case 403: return t('error.forbidden');
    case 404: return t('error.notfound');
    case 409: return t('action.conflict', { msg: e.message });
    case 503: return t('error.unavailable');
    default: return t('error.generic', { msg: e.message || String(e) });
  }
}

// A notice box; kind 'error' | 'ok' | 'info'. role=alert for errors so screen readers say it.
export function notice(kind, ...content) {
  return h('div', { class: 'notice notice-' + kind, role: kind === 'error' ? 'alert' : 'status' },
    ...content);
}

// Replaces `view`'s content with an error and a retry button.
// A 403 or 404 is a not-found page (data-testid not-found): out of scope looks like absent.
export function showError(view, e, retry) {
  const box = notice('error', errorText(e),
    retry ? h('button', { type: 'button', class: 'link', onclick: retry }, t('retry')) : null);
  if (e && (e.status === 403 || e.status === 404)) box.setAttribute('data-testid', 'not-found');
  clear(view).append(box);
}

// <label for> + control + error line (data-testid field-error, data-field NAME). Returns
// {wrap, control, error}.
let seq = 0;
export function field(name, labelText, control, hint) {
  const id = control.id || 'f-' + name + '-' + ++seq;
  control.id = id;
  const error = h('div', { class: 'field-error', testid: 'field-error', 'data-field': name,
    id: id + '-err', 'aria-live': 'polite' });
  control.setAttribute('aria-describedby', id + '-err');
  const wrap = h('div', { class: 'field field-' + name },
    h('label', { for: id }, labelText), control, hint ? h('div', { class: 'hint' }, hint) : null,
    error);
  return { wrap, control, error };
}

// Sets (or clears, with an empty list) a field's error messages.
export function setFieldError(f, messages) {
  const list = (messages || []).filter(Boolean);
  f.error.textContent = list.join(';');
  f.wrap.classList.toggle('invalid', list.length > 0);
  if (list.length) f.control.setAttribute('aria-invalid', 'true');
  else f.control.removeAttribute('aria-invalid');
}

// <select> with a "choose" first option and [value, text] options.
export function select(options, { value = '', placeholder, ...attrs } = {}) {
  return h('select', attrs,
    placeholder !== undefined ? h('option', { value: '' }, placeholder) : null,
    options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
}

// A table: columns [{key, title, cell(row) -> node|text, class}], rows; rowAttrs(row) adds
// attributes to each <tr> (data-testid, data-item ...). Each cell carries its column's key as
// data-col (a stable hook for the browser tests, whatever the language of the headers), and its
// column's title as data-label: on a phone the rows become stacked cards (style.css), each cell
// under the title its hidden header row would have given it.
export function table(columns, rows, rowAttrs, caption) {
  const labelOf = (c) => (typeof c.title === 'string' && c.title ? c.title : null);
  return h('div', { class: 'table-wrap' },
    h('table', {},
      caption ? h('caption', {}, caption) : null,
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.class }, c.title)))),
      h('tbody', {}, rows.map((r) => h('tr', rowAttrs ? rowAttrs(r) : {},
        columns.map((c) => h('td', { class: c.class, 'data-col': c.key, 'data-label': labelOf(c) },
          c.cell ? c.cell(r) : r[c.key])))))));
}

// A coloured state badge.
export function badge(text, kind) {
  return h('span', { class: 'badge badge-' + (kind || 'plain') }, text);
}
