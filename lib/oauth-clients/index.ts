export * from './client';
export * from './registry';
export type { OAuthClientStore } from './store';
