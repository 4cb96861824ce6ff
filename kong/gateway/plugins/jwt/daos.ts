// The jwt plugin's entity (kong/plugins/jwt/daos.lua): jwt_secrets, owned by a
// consumer, served at /consumers/{c}/jwt and /jwts by the core Admin API.
import { oneOf, randomKey, string, type Credential, type EntitySchema } from '../../core/entities';
import { ALGORITHMS, parsePublicKey, PUBLIC_KEY_ALGORITHMS } from './jwt-parser';

export interface JwtCredential extends Credential {
  key: string;
  secret: string | null;
  rsa_public_key: string | null;
  algorithm: string;
}

export const jwtSecrets: EntitySchema<JwtCredential> = {
  name: 'jwt_secrets',
  adminApiName: 'jwts',
  adminApiNestedName: 'jwt',
  endpointKey: 'key',
  unique: ['key'],
  fields: { key: string, secret: string, rsa_public_key: string, algorithm: oneOf(ALGORITHMS) },
  check(merged, errors) {
    const algorithm = (merged.algorithm as string | null | undefined) ?? 'HS256';
    if (errors.algorithm || errors.rsa_public_key || !PUBLIC_KEY_ALGORITHMS.includes(algorithm)) return;
    const pem = merged.rsa_public_key;
    const keyError = typeof pem !== 'string' ? 'required field missing' : parsePublicKey(pem) ? undefined : 'invalid key';
    if (keyError) {
      errors.rsa_public_key = keyError;
      errors['@entity'] = ["failed conditional validation given value of field 'algorithm'"];
    }
  },
  // Omitted key and secret are generated, except when a PATCH keeps the old ones.
  build: (merged) => ({
    key: (merged.key as string | null | undefined) ?? randomKey(),
    secret: (merged.secret as string | null | undefined) ?? randomKey(),
    rsa_public_key: (merged.rsa_public_key as string | null | undefined) ?? null,
    algorithm: (merged.algorithm as string | null | undefined) ?? 'HS256',
  }),
};
