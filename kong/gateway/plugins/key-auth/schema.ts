// The key-auth plugin's configuration (kong/plugins/key-auth/schema.lua, 3.9), with Kong's defaults.
import { boolean, fail, field, list, mapping, text, type Check } from '../../core/schema';

export interface KeyAuthConfig {
  keyNames: string[];
  hideCredentials: boolean;
  /** A consumer id or username to go on as when authentication fails. */
  anonymous: string | null;
  keyInHeader: boolean;
  keyInQuery: boolean;
  keyInBody: boolean;
  runOnPreflight: boolean;
  realm: string | null;
}

/** typedefs.header_name: what may name a header (and so a key). */
const headerName: Check<string> = (value, where) => {
  const name = text(value, where);
  return /^[A-Za-z0-9_-]+$/.test(name) ? name : fail(where, `bad header name '${name}', allowed characters are A-Z, a-z, 0-9, '_', and '-'`);
};

/** The realm goes into a quoted WWW-Authenticate parameter. */
const realm: Check<string> = (value, where) => {
  if (typeof value !== 'string') fail(where, 'expected a string');
  return /^[\x20\x21\x23-\x7e]*$/.test(value) ? value : fail(where, 'expected printable ASCII without double quotes');
};

export function keyAuthSchema(value: unknown, where: string): KeyAuthConfig {
  const c = mapping(value, where, ['key_names', 'hide_credentials', 'anonymous', 'key_in_header', 'key_in_query', 'key_in_body', 'run_on_preflight', 'realm']);
  return {
    keyNames: field(c, 'key_names', where, list(headerName), ['apikey']),
    hideCredentials: field(c, 'hide_credentials', where, boolean, false),
    anonymous: field(c, 'anonymous', where, text, null),
    keyInHeader: field(c, 'key_in_header', where, boolean, true),
    keyInQuery: field(c, 'key_in_query', where, boolean, true),
    keyInBody: field(c, 'key_in_body', where, boolean, false),
    runOnPreflight: field(c, 'run_on_preflight', where, boolean, true),
    realm: field(c, 'realm', where, realm, null),
  };
}
