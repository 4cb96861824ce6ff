// Passkeys managed by their owner (the /api/jwt/passkeys routes), with the step-up of second-factor changes.
import { passkeyChanges } from '../flows/second-factors';
import { passkeys } from './passkeys';
import { secondFactorChange } from './second-factor-changes';

export const passkeyChange = passkeyChanges({ passkeys, stepUp: secondFactorChange.stepUp });
