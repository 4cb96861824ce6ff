// Browser sessions (JSESSIONID): the real ones are built in lib/composition/browser-sessions.ts.
export * from './cookie';
export * from './gateway-revocation';
export * from './redirects';
export * from './session';
export { browserConfig } from './config';
