// The service's signing keys: the keyring in the tokens table, private keys in the configured custody.
import type { KeyCustody } from '../keys/custody';
import { DynamoDBKeyRingStore } from '../keys/dynamodb-store';
import { FileKeyCustody } from '../keys/file-custody';
import type { RotationTiming } from '../keys/rotation';
import { SigningKeys } from '../keys/signing-keys';
import { config } from '../platform/config';
import { dynamodb } from '../platform/dynamodb';

export function keyCustody(): KeyCustody {
  if (config.signingKeyCustody === 'file') return new FileKeyCustody(config.signingKeyDir);
  // Loaded only here: the KMS client is a cold-start cost the local (file) custody need not pay.
  const { KmsKeyCustody, kmsClient } = require('../keys/kms-custody') as typeof import('../keys/kms-custody'); // eslint-disable-line @typescript-eslint/no-require-imports
  const mode = config.signingKeyCustody === 'kms-envelope' ? 'envelope' : 'sign';
  return new KmsKeyCustody(kmsClient({ endpoint: config.kmsEndpoint, timeoutMs: config.kmsTimeoutMs }), config.kmsKeyTag, config.kmsKeyAdminPrincipal, mode);
}

export const keyRingStore = new DynamoDBKeyRingStore(dynamodb(), config.tokensTable);

/**
 * The service's keys for everyone who signs or verifies: access tokens
 * (lib/flows), the JWKS, and tokens for other services (`signJwt`).
 */
export const signingKeys = new SigningKeys(keyRingStore, keyCustody(), config.signingKeysRefreshSeconds, config.issuerUrl);

export const rotationTiming: RotationTiming = {
  jwksCacheSeconds: config.jwksCacheSeconds,
  accessTokenTtlSeconds: config.accessTokenTtlSeconds,
  rotationSeconds: config.keyRotationSeconds,
};
