// Device tokens (lib/protection/device-tokens.ts): HMAC'd with DEVICE_TOKEN_SECRET, revoked by the sign-out epoch on the tokens table.
import { config } from '../platform/config';
import { dynamodb } from '../platform/dynamodb';
import { DeviceTokens } from '../protection/device-tokens';
import { readEpoch } from '../sign-out-epoch/dynamodb-store';

export const deviceTokens = new DeviceTokens({
  secret: config.deviceTokenSecret,
  ttlSeconds: config.deviceTokenTtlSeconds,
  epoch: (username) => readEpoch(dynamodb(), config.tokensTable, username),
});
