/**
 * Whole-number settings from the environment, checked alike wherever they are
 * read (ports, rate limit, bcrypt cost), so that a typo fails at start-up with
 * the variable's name rather than as a NaN somewhere later.
 */

export interface IntegerRange {
  min: number;
  max?: number;
}

/** `raw` as a whole number within `range`; undefined when it is anything else. */
export function parseInteger(raw: string, { min, max = Number.MAX_SAFE_INTEGER }: IntegerRange): number | undefined {
  // Number('') and Number(' ') are 0: blank is not a number here.
  if (raw.trim() === '') return undefined;
  const value = Number(raw);
  return Number.isInteger(value) && value >= min && value <= max ? value : undefined;
}

/** Variable `name` as a whole number within `range`, `fallback` when unset or empty. */
export function integerFromEnv(name: string, fallback: number, range: IntegerRange, env = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = parseInteger(raw, range);
  if (value === undefined) {
    const bounds = range.max === undefined ? `${range.min} or more` : `from ${range.min} to ${range.max}`;
    throw new Error(`${name}=${raw} is not a whole number ${bounds}`);
  }
  return value;
}
