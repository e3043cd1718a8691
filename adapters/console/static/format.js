// Dates, times and deadlines as people in the county read them (China Standard Time).
import { t, locale } from './i18n.js';

const TZ = 'Asia/Shanghai';

// '2025-03-10T01:30:00Z' -> '2025-03-10 09:30' (China time); '' for nothing.
export function dateTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d)) return String(iso);
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(d);
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

// Today in China as YYYY-MM-DD (the browser's clock: for form defaults only, never a decision).
export function today() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date());
}

// A deadline (a date) with "(provisional)" when the holiday notice of its year is not loaded.
export function deadline(date, provisional) {
  if (!date) return t('none');
  return date + (provisional ? ' ' + t('provisional') : '');
}

export function number(n, digits = 0) {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(n);
}

export function percent(r) {
  if (r === null || r === undefined || Number.isNaN(r)) return '–';
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 0 }).format(r);
}
