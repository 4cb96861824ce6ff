// The service's signing keys: the keyring in the tokens table, private keys in the configured custody.
import type { SigningCustody } from '../keys/custody';
import { DynamoDBKeyRingStore } from '../keys/dynamodb-store';
import { FileKeyCustody } from '../keys/file-custody';
import type { RotationTiming } from '../keys/rotation';
import { SigningKeys } from '../keys/signing-keys';
import { config } from '../platform/config';
import { dynamodb } from '../platform/dynamodb';

/** How KMS is reached and which keys are this stage's: the signers' custody and the rotation's share them. */
export const kmsSettings = () => ({
  mode: config.signingKeyCustody === 'kms-envelope' ? ('envelope' as const) : ('sign' as const),
  options: { endpoint: config.kmsEndpoint, timeoutMs: config.kmsTimeoutMs },
});

/** The custody that signs (the rotation makes keys with lib/composition/key-rotation.ts' own). */
export function keyCustody(): SigningCustody {
  if (config.signingKeyCustody === 'file') return new FileKeyCustody(config.signingKeyDir);
  // Loaded only here: the KMS client is a cold-start cost the local (file) custody need not pay.
  const { KmsKeyCustody, kmsClient } = require('../keys/kms-custody') as typeof import('../keys/kms-custody'); // eslint-disable-line @typescript-eslint/no-require-imports
  const { mode, options } = kmsSettings();
  return new KmsKeyCustody(kmsClient(options), config.kmsKeyTag, config.kmsKeyAdminPrincipal, mode);
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
