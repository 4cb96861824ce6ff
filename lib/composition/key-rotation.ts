// The service's key rotation: retiring a key removes its credentials at Kong (lib/kong).
import type { KeyCustody } from '../keys/custody';
import { FileKeyCustody } from '../keys/file-custody';
import { KeyRotation } from '../keys/rotation';
import { config } from '../platform/config';
import { keyRingStore, kmsSettings, rotationTiming } from './keys';
import { kongCredentials } from './kong';

/** The custody that makes and destroys keys: here only, so the signers bundle no key making (issue 27). */
function keyMakingCustody(): KeyCustody {
  if (config.signingKeyCustody === 'file') return new FileKeyCustody(config.signingKeyDir);
  const { kmsClient } = require('../keys/kms-custody') as typeof import('../keys/kms-custody'); // eslint-disable-line @typescript-eslint/no-require-imports
  const { KmsKeyMaker } = require('../keys/kms-key-maker') as typeof import('../keys/kms-key-maker'); // eslint-disable-line @typescript-eslint/no-require-imports
  const { mode, options } = kmsSettings();
  return new KmsKeyMaker(kmsClient(options), config.kmsKeyTag, config.kmsKeyAdminPrincipal, mode);
}

export const rotateKeys = () => new KeyRotation(keyRingStore, keyMakingCustody(), kongCredentials, config.keyAlgorithm, rotationTiming);
