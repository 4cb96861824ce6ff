// The passkey options of a password sign-in's mfa_required: the challenge store only, no WebAuthn verifier
// (@simplewebauthn/server stays in the functions that verify a passkey; test/deploy/package.test.ts).
import { config } from '../platform/config';
import { PasskeySecondStepOptions } from '../passkeys/second-step-options';
import { passkeyStore } from './second-factor-store';

export const passkeySecondStep = new PasskeySecondStepOptions(passkeyStore, config.passkeys);
