// A passkey added by its owner (the registration ceremony), from a token or a browser session, with the same step-up.
import { passkeyRegistration } from '../flows/second-factors';
import { passkeys } from './passkeys';
import { secondFactorChange } from './second-factor-changes';

export const passkeyRegistrar = passkeyRegistration({ passkeys, stepUp: secondFactorChange.stepUp });
