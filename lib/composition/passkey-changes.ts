// Passkeys managed by their owner (list, rename, remove), from a token or a browser session, with the step-up of
// second-factor changes. Over PasskeyManagement: no WebAuthn verifier in these bundles.
import { passkeyChanges } from '../flows/second-factors';
import { PasskeyManagement } from '../passkeys/management';
import { passkeyStore } from './second-factor-store';
import { secondFactorChange } from './second-factor-changes';
import { secondFactors } from './second-factors';

export const passkeyChange = passkeyChanges({ passkeys: new PasskeyManagement(passkeyStore), secondFactors, stepUp: secondFactorChange.stepUp });
