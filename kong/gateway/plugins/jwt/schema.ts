// The jwt plugin's configuration (kong/plugins/jwt/schema.lua), with Kong's defaults.
import { boolean, fail, field, list, mapping, number, oneOf, text, type Check } from '../../core/schema';

export interface JwtConfig {
  uriParamNames: string[];
  cookieNames: string[];
  headerNames: string[];
  keyClaimName: string;
  secretIsBase64: boolean;
  claimsToVerify: ('exp' | 'nbf')[];
  maximumExpiration: number;
  runOnPreflight: boolean;
  realm: string | null;
}

/** The realm goes into a quoted WWW-Authenticate parameter. */
const realm: Check<string> = (value, where) => {
  const name = text(value, where);
  return /^[\x20\x21\x23-\x7e]+$/.test(name) ? name : fail(where, 'expected printable ASCII without double quotes');
};

export function jwtSchema(value: unknown, where: string): JwtConfig {
  const c = mapping(value, where, [
    'uri_param_names', 'cookie_names', 'header_names', 'key_claim_name', 'secret_is_base64',
    'claims_to_verify', 'maximum_expiration', 'run_on_preflight', 'realm', 'anonymous',
  ]);
  if (c.anonymous !== undefined && c.anonymous !== null) {
    fail(`${where}.anonymous`, 'anonymous consumers are not supported by the local gateway');
  }
  const claimsToVerify = [...new Set(field(c, 'claims_to_verify', where, list(oneOf(['exp', 'nbf'] as const)), []))];
  const maximumExpiration = field(c, 'maximum_expiration', where, number(0, 31536000), 0);
  if (maximumExpiration > 0 && !claimsToVerify.includes('exp')) {
    fail(`${where}.claims_to_verify`, "expected to contain: exp (failed conditional validation given value of field 'config.maximum_expiration')");
  }
  return {
    uriParamNames: field(c, 'uri_param_names', where, list(text), ['jwt']),
    cookieNames: field(c, 'cookie_names', where, list(text), []),
    // Header lookups are case-insensitive and treat '_' as '-', as nginx does.
    headerNames: field(c, 'header_names', where, list(text), ['authorization']).map((h) => h.toLowerCase().replace(/_/g, '-')),
    keyClaimName: field(c, 'key_claim_name', where, text, 'iss'),
    secretIsBase64: field(c, 'secret_is_base64', where, boolean, false),
    claimsToVerify,
    maximumExpiration,
    runOnPreflight: field(c, 'run_on_preflight', where, boolean, true),
    realm: field(c, 'realm', where, realm, null),
  };
}
