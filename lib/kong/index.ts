// The only code that speaks to the Kong Admin API; the real client is built in lib/composition/kong.ts.
export { credentialKey, kidTag, OWNER_TAG, type KongCredentials } from './credentials';
