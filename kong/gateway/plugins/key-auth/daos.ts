// The key-auth plugin's entity (kong/plugins/key-auth/daos.lua): keyauth_credentials,
// owned by a consumer, with a ttl; served at /consumers/{c}/key-auth and /key-auths.
import { randomKey, string, type Credential, type EntitySchema, type Expiring } from '../../core/entities';

export interface KeyAuthCredential extends Credential, Expiring {
  key: string;
}

export const keyauthCredentials: EntitySchema<KeyAuthCredential> = {
  name: 'keyauth_credentials',
  adminApiName: 'key-auths',
  adminApiNestedName: 'key-auth',
  endpointKey: 'key',
  unique: ['key'],
  ttl: true,
  fields: { key: string },
  // An omitted key is generated, except when a PATCH keeps the old one.
  build: (merged) => ({ key: (merged.key as string | null | undefined) ?? randomKey() }),
};
