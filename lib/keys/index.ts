// The service's signing keys; the real keyring and custody are built in lib/composition/keys.ts.
export type { PublicJwk, PublicKey } from './algorithms';
export type { CurrentKey, Jwks, SigningKeys } from './signing-keys';
export { KeyRotation, type GatewayKeys, type RotationReport, type RotationTiming } from './rotation';
