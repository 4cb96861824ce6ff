// The cors plugin's configuration (kong/plugins/cors/schema.lua, 3.9), with Kong's defaults.
import { boolean, fail, field, list, mapping, number, oneOf, text, type Check } from '../../core/schema';

export const METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'] as const;

export interface CorsConfig {
  /** Empty: any origin (`*`). */
  origins: string[];
  headers: string[];
  exposedHeaders: string[];
  methods: string[];
  maxAge: number | null;
  credentials: boolean;
  privateNetwork: boolean;
  preflightContinue: boolean;
}

/** An origin is `*` or a regex Kong's PCRE accepts; JavaScript's RegExp stands in for PCRE. */
const origin: Check<string> = (value, where) => {
  const entry = text(value, where);
  if (entry === '*') return entry;
  try {
    new RegExp(entry);
  } catch {
    fail(where, `'${entry}' is not a valid regex`);
  }
  return entry;
};

export function corsSchema(value: unknown, where: string): CorsConfig {
  const c = mapping(value, where, ['origins', 'headers', 'exposed_headers', 'methods', 'max_age', 'credentials', 'private_network', 'preflight_continue']);
  return {
    origins: field(c, 'origins', where, list(origin), []),
    headers: field(c, 'headers', where, list(text), []),
    exposedHeaders: field(c, 'exposed_headers', where, list(text), []),
    methods: field(c, 'methods', where, list(oneOf(METHODS)), [...METHODS]),
    maxAge: field(c, 'max_age', where, number(-Infinity, Infinity), null),
    credentials: field(c, 'credentials', where, boolean, false),
    privateNetwork: field(c, 'private_network', where, boolean, false),
    preflightContinue: field(c, 'preflight_continue', where, boolean, false),
  };
}
