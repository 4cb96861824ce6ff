// Token sessions (signin, refresh rotation, revocation); the real ones are built in lib/composition/token-sessions.ts.
export * from './token-session';
