// Passkeys managed by their owner from a browser session (the security page and its script's routes).
import { passkeyChanges } from '../flows/passkey-changes';
import { passkeys } from './passkeys';
import { secondFactorChange } from './second-factor-changes';

export const passkeyChange = passkeyChanges({ passkeys, secondFactorChanges: secondFactorChange });
