// The user-profile service: its own table, and the identity the gateway obtained. It
// must never import lib/accounts, lib/token-sessions or lib/browser-sessions (the auth
// service's), nor read the auth tables; test/unit/profiles/boundaries.test.ts checks.
// Its real objects are built in lib/composition/profiles.ts.
export * from './profile';
export { fieldsOf } from './profiles';
export { profileConfig } from './config';
