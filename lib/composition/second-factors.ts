// Second factors: their store on the tokens table, TOTP secrets sealed in the signing keys' custody.
import { config } from '../platform/config';
import { SecondFactors } from '../second-factors/second-factors';
import { FileSecretBox, type SecretBox } from '../second-factors/secret-box';
import { passkeyStore, secondFactorStore } from './second-factor-store';

function secretBox(): SecretBox {
  if (config.signingKeyCustody === 'file') return new FileSecretBox(config.signingKeyDir);
  // Loaded only here, as keys.ts loads the KMS custody: local runs need no KMS client.
  const { KmsSecretBox } = require('../second-factors/kms-secret-box') as typeof import('../second-factors/kms-secret-box'); // eslint-disable-line @typescript-eslint/no-require-imports
  const { kmsClient } = require('../keys/kms-custody') as typeof import('../keys/kms-custody'); // eslint-disable-line @typescript-eslint/no-require-imports
  return new KmsSecretBox(kmsClient({ endpoint: config.kmsEndpoint, timeoutMs: config.kmsTimeoutMs }), config.secondFactors.kmsKeyId);
}

export const secondFactors = new SecondFactors(secondFactorStore, secretBox(), config.secondFactors, Date.now, passkeyStore);
