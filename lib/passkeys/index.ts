export * from './types';
export type { PasskeyStore } from './store';
export { Passkeys, viewOf, type PasskeySettings, type PasskeyAssertion } from './passkeys';
