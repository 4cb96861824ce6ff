export * from './types';
export type { PasskeyStore } from './store';
export { Passkeys, invalidPasskey, viewOf, type PasskeySettings, type PasskeyAssertion } from './passkeys';
