/** Readers of settings from the environment: each fails loudly on a value it cannot use. */

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

type Env = Record<string, string | undefined>;

/** What a setting comes to when it is unset: `value`, or nothing (`required`: a reader then refuses to start). */
export interface SettingDefault {
  value?: string;
  required: boolean;
}

/**
 * Every setting the readers below were asked for, with its default as the
 * reader applied it. docs/configuration.md is checked against this
 * (test/unit/docs/configuration.test.ts), so a default is written once, in
 * the code that applies it, and the documentation cannot state another.
 */
export const settingsRead = new Map<string, SettingDefault>();

function note(name: string, fallback: string | number | boolean | undefined, required = false): void {
  settingsRead.set(name, { value: fallback === undefined ? undefined : String(fallback), required });
}

/** A setting with no default: its value, or undefined when unset or empty. */
export function readOptional(env: Env, name: string): string | undefined {
  note(name, undefined);
  return env[name] || undefined;
}

/** `true` or `false`; unset or empty means the fallback. */
export function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  note(name, fallback);
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw !== 'true' && raw !== 'false') throw new Error(`Invalid configuration: ${name}=${raw} must be true or false`);
  return raw === 'true';
}

/** An integer setting within bounds; unset or empty means the fallback. */
export function readInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  note(name, fallback);
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new Error(`Invalid configuration: ${name}=${raw} must be an integer from ${min} to ${max}`);
  }
  return value;
}

export function readString(env: Env, name: string, fallback?: string): string {
  note(name, fallback, !fallback);
  const value = env[name] || fallback;
  if (!value) throw new Error(`Invalid configuration: ${name} is required`);
  return value;
}

/** A secret of at least `minLength` characters; its value never appears in an error. */
export function readSecret(env: Env, name: string, minLength: number, fallback?: string): string {
  const value = readString(env, name, fallback);
  if (value.length < minLength) throw new Error(`Invalid configuration: ${name} must be at least ${minLength} characters`);
  return value;
}

/** `shown`: how the fallback is documented when it derives from another setting (`<ISSUER_URL>`). */
export function readUrl(env: Env, name: string, fallback?: string, shown?: string): string {
  const value = readString(env, name, fallback);
  if (shown !== undefined) note(name, shown);
  try {
    return new URL(value).toString().replace(/\/$/, '');
  } catch {
    throw new Error(`Invalid configuration: ${name}=${value} is not a URL`);
  }
}

/**
 * A comma-separated list of one or more non-empty values, spaces around each
 * ignored; unset or empty means the fallback's. `shown` is how the fallback is
 * documented when it derives from another setting (`<ISSUER_URL>/api`).
 */
export function readList(env: Env, name: string, fallback: string, shown = fallback): string[] {
  note(name, shown);
  const raw = env[name] || fallback;
  const values = raw.split(',').map((value) => value.trim());
  if (values.some((value) => value === '' || /\s/.test(value))) {
    throw new Error(`Invalid configuration: ${name}=${raw} must be a comma-separated list of values without spaces`);
  }
  return [...new Set(values)];
}

export function readChoice<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  note(name, fallback);
  const value = env[name] || fallback;
  if (!choices.includes(value as T)) throw new Error(`Invalid configuration: ${name}=${value} must be one of ${choices.join(', ')}`);
  return value as T;
}
