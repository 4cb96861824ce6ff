import { config, MAX_ACCESS_TOKEN_TTL_SECONDS } from '../platform/config';
import { AccessTokens } from './access-tokens';

export * from './access-tokens';
export * from './refresh-tokens';
export * from './signer';
export const accessTokens = new AccessTokens(config.accessTokenTtlSeconds, MAX_ACCESS_TOKEN_TTL_SECONDS);
