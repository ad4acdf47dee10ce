/** Domain name normalization: lowercase, no trailing dot, IDN to punycode, LDH label rules. */
import { domainToASCII } from 'node:url';
import { fail, ok } from './result.ts';
import type { Result } from './result.ts';

const MAX_DOMAIN = 253;
const MAX_LABEL = 63;

const LOWER_LDH = 0;
const UPPER = 1;
const NON_ASCII = 2;
const BAD_ASCII = 3;

/**
 * Classifies the characters: LOWER_LDH (letters, digits, '-', '.'), UPPER (needs lowercasing),
 * NON_ASCII (needs IDNA) or BAD_ASCII (an ASCII character no host may contain; it must not reach
 * domainToASCII, which would silently cut "example.com/x" at the '/').
 */
function charShape(s: string): number {
  let shape = LOWER_LDH;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 46) continue;
    if (c >= 65 && c <= 90) shape = Math.max(shape, UPPER);
    else if (c >= 128) shape = NON_ASCII;
    else return BAD_ASCII;
  }
  return shape;
}

/** Validates a lowercase ASCII host; returns null when valid or the reason it is not. */
export function hostnameProblem(s: string): string | null {
  if (s.length === 0) return 'it is empty';
  if (s.length > MAX_DOMAIN) return `it is longer than ${MAX_DOMAIN} characters`;
  let labels = 0;
  let start = 0;
  let digitsOnly = true;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46;
    if (c !== 46) {
      const letter = c >= 97 && c <= 122;
      if (!letter && !(c >= 48 && c <= 57) && c !== 45) return `it contains "${s[i]}" (only letters, digits and hyphens are allowed)`;
      if (letter || c === 45) digitsOnly = false;
      continue;
    }
    const n = i - start;
    if (n === 0) return 'it has an empty label';
    if (n > MAX_LABEL) return `label "${s.slice(start, i)}" is longer than ${MAX_LABEL} characters`;
    if (s.charCodeAt(start) === 45 || s.charCodeAt(i - 1) === 45) return `label "${s.slice(start, i)}" starts or ends with a hyphen`;
    labels++;
    if (i < s.length) digitsOnly = true;
    start = i + 1;
  }
  if (labels < 2) return 'it needs at least two labels (e.g. example.org)';
  if (digitsOnly) return 'its top-level label is numeric';
  return null;
}

function stripTrailingDot(s: string): string {
  return s.length > 1 && s.charCodeAt(s.length - 1) === 46 ? s.slice(0, -1) : s;
}

/**
 * Normalizes a domain name: trims, lowercases, strips one trailing dot, converts IDN to punycode
 * (node:url domainToASCII) and validates LDH labels (1-63 chars, <= 253 total, >= 2 labels).
 * Error: asset.invalid_domain.
 */
export function normalizeDomain(input: string): Result<string> {
  let s = stripTrailingDot(input.trim());
  const shape = charShape(s);
  if (shape === UPPER || shape === BAD_ASCII) s = s.toLowerCase();
  else if (shape === NON_ASCII) {
    const ascii = domainToASCII(s);
    if (ascii === '' && s !== '') return fail('asset.invalid_domain', `"${input}" is not a valid domain name: it contains characters that are not allowed in a host name`);
    s = stripTrailingDot(ascii);
  }
  const problem = hostnameProblem(s);
  if (problem === null) return ok(s);
  return fail('asset.invalid_domain', `"${input}" is not a valid domain name: ${problem}`);
}

/** Number of labels in a normalized domain. */
export function labelCount(domain: string): number {
  let n = 1;
  for (let i = domain.indexOf('.'); i >= 0; i = domain.indexOf('.', i + 1)) n++;
  return n;
}
