// (to be one with passkey-changes.ts) Passkeys managed by their owner from a browser session (the security page and its script's routes).
import { passkeyChanges } from '../flows/passkey-changes';
import { passkeys } from './passkeys';
import { secondFactorChange } from './second-factor-changes';

export const browserPasskeyChange = passkeyChanges({ passkeys, secondFactorChanges: secondFactorChange });
