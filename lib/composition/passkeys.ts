// Passkeys (lib/passkeys) over their store on the tokens table, with the relying party from configuration.
import { Passkeys } from '../passkeys/passkeys';
import { config } from '../platform/config';
import { passkeyStore } from './second-factor-store';

export const passkeys = new Passkeys(passkeyStore, config.passkeys);
