// The service's key rotation: retiring a key removes its credentials at Kong (lib/kong).
import { KeyRotation } from '../keys/rotation';
import { config } from '../platform/config';
import { keyCustody, keyRingStore, rotationTiming } from './keys';
import { kongCredentials } from './kong';

export const rotateKeys = () => new KeyRotation(keyRingStore, keyCustody(), kongCredentials, config.keyAlgorithm, rotationTiming);
