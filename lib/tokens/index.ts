export * from './access-tokens';
export * from './refresh-tokens';
export * from './signer';
