import { keyCustody, keyRingStore, KeyRotation, rotationTiming } from '../keys';
import { kongCredentials } from '../kong';
import { config } from '../platform/config';

/** The service's key rotation: retiring a key removes its credentials at Kong (lib/kong). */
export const rotateKeys = () => new KeyRotation(keyRingStore, keyCustody(), kongCredentials, config.keyAlgorithm, rotationTiming);
