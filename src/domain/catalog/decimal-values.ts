/**
 * Number values as HubSpot's API takes them: decimal digits, an optional single `-` and an
 * optional single `.` (HubSpot's changelog "Upcoming: A change for number properties in CRM
 * APIs": anything else is a 400). They are kept exactly as sent, in one canonical form (no `+`,
 * no leading zeros, no trailing fractional zeros), so a stored value is never one a write would
 * refuse or store differently, however large or precise it is.
 */

const DECIMAL = /^(-?)(\d*)(?:\.(\d*))?$/;

/** The canonical form of a decimal string, or undefined if it is not one. */
export function canonicalDecimal(text: string): string | undefined {
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const [, sign, whole = '', fraction = ''] = match;
  if (whole.length + fraction.length === 0) return undefined;
  const integer = whole.replace(/^0+/, '') || '0';
  const decimals = fraction.replace(/0+$/, '');
  const body = decimals ? `${integer}.${decimals}` : integer;
  return body === '0' ? '0' : `${sign}${body}`;
}

/**
 * A JSON number in plain decimal notation (`1e-7` → `0.0000001`, `1.5e+21` → 22 digits), as a
 * client that sent it as a number meant it; undefined for one that is not finite (`1e400`
 * parses to Infinity).
 */
export function plainNumber(value: number): string | undefined {
  if (!Number.isFinite(value)) return undefined;
  const text = String(value);
  const match = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign, whole = '', fraction = '', exponent = '0'] = match;
  const digits = whole + fraction;
  const point = whole.length + Number(exponent);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
