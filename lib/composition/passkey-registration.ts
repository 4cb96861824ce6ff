// A passkey added by its owner (the registration ceremony), from a token or a browser session, with the same step-up.
import { passkeyRegistration } from '../flows/second-factors';
import { passkeys } from './passkeys';
import { secondFactorChange } from './second-factor-changes';
import { secondFactors } from './second-factors';

export const passkeyRegistrar = passkeyRegistration({ passkeys, secondFactors, stepUp: secondFactorChange.stepUp });
