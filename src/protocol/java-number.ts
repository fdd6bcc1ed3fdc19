/**
 * Java's `Double.toString` (JDK 19+ shortest-digit form): plain decimal with at least one fraction
 * digit for 10^-3 <= |x| < 10^7, otherwise `d.dddE±n`. fastjson writes doubles the same way.
 */
export function javaDoubleToString(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    // JavaScript's shortest digits are Java's for every double in this range (Java prefers a
    // closer two-digit decimal only among subnormals), and its plain form is Java's but for the
    // whole numbers, where Java adds `.0`.
    const text = String(value);
    return Number.isInteger(value) ? text + '.0' : text;
  }
  const sign = value < 0 ? '-' : '';
  let [mantissa, exponentText] = magnitude.toExponential().split('e') as [string, string];
  if (mantissa.length === 1) {
    // Java picks, among the decimals of one or two digits that read back as the value, the one
    // closest to it: it differs from the shortest one only for tiny subnormals (MIN_VALUE is
    // 4.9E-324, where JavaScript says 5e-324).
    const [closer, closerExponent] = magnitude.toExponential(1).split('e') as [string, string];
    if (Number(closer + 'e' + closerExponent) === magnitude && !closer.endsWith('0')) [mantissa, exponentText] = [closer, closerExponent];
  }
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    if (exponent < 0) return sign + '0.' + '0'.repeat(-exponent - 1) + digits;
    const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
    const fraction = digits.slice(exponent + 1);
    return sign + whole + '.' + (fraction === '' ? '0' : fraction);
  }
  return sign + digits[0] + '.' + (digits.length > 1 ? digits.slice(1) : '0') + 'E' + exponent;
}

const JAVA_INT = /^[+-]?\d+$/;
const JAVA_DOUBLE = /^[+-]?(NaN|Infinity|((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)[fFdD]?)$/;

/** `Integer.parseInt`: null when Java would throw NumberFormatException. */
export function parseJavaInt(text: string): number | null {
  if (!JAVA_INT.test(text)) return null;
  const value = Number(text);
  return value >= -0x80000000 && value <= 0x7fffffff ? value : null;
}

/** `Long.parseLong`, exact beyond 2^53: null when Java would throw. */
export function parseJavaLong(text: string): bigint | null {
  if (!JAVA_INT.test(text)) return null;
  const value = BigInt(text);
  return value >= -(2n ** 63n) && value < 2n ** 63n ? value : null;
}

/** `Double.parseDouble` for the decimal forms Java accepts (surrounding blanks trimmed). */
export function parseJavaDouble(text: string): number | null {
  const trimmed = text.trim();
  if (!JAVA_DOUBLE.test(trimmed)) return null;
  const core = trimmed.replace(/[fFdD]$/, '');
  return Number(core);
}

/** `Boolean.parseBoolean`: true only for a case-insensitive "true". */
export function parseJavaBoolean(text: string): boolean {
  return text.toLowerCase() === 'true';
}
