/**
 * Numbers written the way Java writes them, so our JSON and header bytes match Kafka
 * Connect's: `Double.toString` (`100.0`, `1.0E7`), `Float.toString` (the shortest text
 * that reads back as the same float) and `BigDecimal.toString` (`12.30`, `1.2E+4`).
 */

/** Java's `Double.toString(value)` for a finite or non-finite double. */
export function doubleText(value: number): string {
  return javaFloatingText(value, value.toExponential());
}

/** Java's `Float.toString(value)`: the value is first rounded to a 32-bit float. */
export function floatText(value: number): string {
  const f = Math.fround(value);
  if (!Number.isFinite(f) || f === 0) return javaFloatingText(f, '0e+0');
  for (let precision = 1; precision <= 9; precision++) {
    const candidate = Number(f.toPrecision(precision));
    if (Math.fround(candidate) === f) return javaFloatingText(f, candidate.toExponential());
  }
  return javaFloatingText(f, f.toExponential());
}

/**
 * `exponential` is the shortest `d.ddde±n` form of the digits to print (JavaScript's
 * `toExponential()`); Java switches to its `d.dddE±n` notation outside [10^-3, 10^7).
 */
function javaFloatingText(value: number, exponential: string): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const sign = value < 0 ? '-' : '';
  const [mantissa = '0', exponentText = '0'] = exponential.replace(/^-/, '').split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    if (exponent >= 0) {
      const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
      const fraction = digits.slice(exponent + 1);
      return `${sign}${whole}.${fraction === '' ? '0' : fraction}`;
    }
    return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  }
  const fraction = digits.slice(1);
  return `${sign}${digits[0] ?? '0'}.${fraction === '' ? '0' : fraction}E${exponent}`;
}

/** Java's `BigDecimal.toString()` of `unscaled` × 10^-`scale`. */
export function bigDecimalText(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  const sign = negative ? '-' : '';
  const adjusted = digits.length - 1 - scale;
  if (scale === 0) return sign + digits;
  if (scale > 0 && adjusted >= -6) {
    const padded = digits.padStart(scale + 1, '0');
    return `${sign}${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
  }
  const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
  return `${sign}${digits[0]}${fraction}E${adjusted >= 0 ? '+' : ''}${adjusted}`;
}
