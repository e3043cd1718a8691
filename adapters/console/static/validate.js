// The API's field rules (adapters/envelope/envelope_codec.cpp, routing/rules/id_number.cpp),
// checked as the operator types. Each check returns null when the value is fine, else an i18n
// key (and its variables) for the message. The API checks again; its own problems are shown too.

// Lengths are counted in characters (code points), as the API counts UTF-8 characters.
export function length(s, min, max) {
  const n = [...s].length;
  return n < min || n > max ? ['v.length', { min, max }] : null;
}

// Phone: 5 to 24 characters, digits with an optional leading + and - or space separators,
// 5 to 20 digits.
export function phone(s) {
  if ([...s].length < 5 || [...s].length > 24) return ['v.length', { min: 5, max: 24 }];
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c >= '0' && c <= '9') digits++;
    else if (!(c === '-' || c === ' ' || (c === '+' && i === 0))) return ['v.phone.chars'];
  }
  return digits < 5 || digits > 20 ? ['v.phone.digits'] : null;
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

// Resident ID number by GB 11643-1999, in the API's order: length, digits, a real birth date
// (year from 1850, not after `notAfter` 'YYYY-MM-DD'), the ISO 7064 MOD 11-2 check character.
// A lower-case x is accepted (the API stores X).
export function idNumber(id, notAfter) {
  if (id.length !== 18) return ['v.id.length'];
  if (!/^[0-9]{17}[0-9Xx]$/.test(id)) return ['v.id.digits'];
  const y = +id.slice(6, 10), m = +id.slice(10, 12), d = +id.slice(12, 14);
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1850 || m < 1 || m > 12 || d < 1 || date.getUTCMonth() !== m - 1 ||
      date.getUTCDate() !== d)
    return ['v.id.birth'];
  if (notAfter && id.slice(6, 14) > notAfter.replaceAll('-', '')) return ['v.id.future'];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (id.charCodeAt(i) - 48) * WEIGHTS[i];
  return CHECK[sum % 11] === id[17].toUpperCase() ? null : ['v.id.checksum'];
}
