// Checks for kong.yml values, shared by the config loader and each plugin's
// schema.ts (as Kong's typedefs are). A failure names the exact place in the
// file: the gateway never ignores configuration it does not implement.
import { isRecord } from './util';

export class ConfigError extends Error {}

export type Mapping = Record<string, unknown>;

export function fail(where: string, message: string): never {
  throw new ConfigError(`${where}: ${message}`);
}

/** Where a field sits: `file: services[api].url`. */
export const at = (where: string, key: string) => (where.endsWith(':') ? `${where} ${key}` : `${where}.${key}`);

/** A mapping whose keys must all be ones the gateway implements. */
export function mapping(value: unknown, where: string, allowed: readonly string[]): Mapping {
  if (!isRecord(value)) fail(where, 'expected a mapping');
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      fail(at(where, key), `unknown or unsupported field (the local gateway implements: ${allowed.join(', ')})`);
    }
  }
  return value;
}

export type Check<T> = (value: unknown, where: string) => T;

/** A named entity (service, route, plugin): located by its name, then checked like any mapping. */
export function entity(item: unknown, itemWhere: string, allowed: readonly string[]): { fields: Mapping; name: string; where: string } {
  if (!isRecord(item)) fail(itemWhere, 'expected a mapping');
  const name = required(item, 'name', itemWhere, text);
  const where = itemWhere.replace(/\[\d+\]$/, `[${name}]`);
  return { fields: mapping(item, where, allowed), name, where };
}

/** Reads one field; YAML null or absence means "use Kong's default". */
export function field<T>(obj: Mapping, key: string, where: string, check: Check<T>, fallback: T): T {
  const value = obj[key];
  return value === undefined || value === null ? fallback : check(value, at(where, key));
}

export function required<T>(obj: Mapping, key: string, where: string, check: Check<T>): T {
  const value = obj[key];
  if (value === undefined || value === null) fail(at(where, key), 'required field missing');
  return check(value, at(where, key));
}

export const text: Check<string> = (value, where) =>
  typeof value === 'string' && value !== '' ? value : fail(where, 'expected a non-empty string');

export const boolean: Check<boolean> = (value, where) =>
  typeof value === 'boolean' ? value : fail(where, 'expected a boolean');

export function number(min: number, max: number, integer = false): Check<number> {
  return (value, where) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) fail(where, 'expected a number');
    if (integer && !Number.isInteger(value)) fail(where, 'expected an integer');
    if (value < min || value > max) fail(where, `value should be between ${min} and ${max}`);
    return value;
  };
}

export const positive: Check<number> = (value, where) => {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(where, 'expected a number');
  return value > 0 ? value : fail(where, 'value must be greater than 0');
};

export function oneOf<T extends string>(options: readonly T[], hint = ''): Check<T> {
  return (value, where) =>
    options.includes(value as T) ? (value as T) : fail(where, `expected one of: ${options.join(', ')}${hint}`);
}

export function list<T>(element: Check<T>): Check<T[]> {
  return (value, where) => {
    if (!Array.isArray(value)) fail(where, 'expected a list');
    return value.map((item, i) => element(item, `${where}[${i}]`));
  };
}

export const tags = list(text);
