// The plugin registry: the one list through which the core finds plugins. Adding
// a plugin means adding its folder (handler.ts, schema.ts, daos.ts if it has
// entities) and one entry here; the run order comes from each handler's PRIORITY.
import { definePlugin, type PluginModule } from '../core/plugin';
import { acls } from './acl/daos';
import { AclHandler } from './acl/handler';
import { aclSchema } from './acl/schema';
import { AwsLambdaHandler } from './aws-lambda/handler';
import { awsLambdaSchema } from './aws-lambda/schema';
import { CorsHandler } from './cors/handler';
import { corsSchema } from './cors/schema';
import { ForwardAuthHandler } from './forward-auth/handler';
import { forwardAuthSchema } from './forward-auth/schema';
import { jwtSecrets } from './jwt/daos';
import { JwtHandler } from './jwt/handler';
import { jwtSchema } from './jwt/schema';
import { keyauthCredentials } from './key-auth/daos';
import { KeyAuthHandler } from './key-auth/handler';
import { keyAuthSchema } from './key-auth/schema';
import { RateLimitingHandler } from './rate-limiting/handler';
import { rateLimitingSchema } from './rate-limiting/schema';
import { RequestSizeLimitingHandler } from './request-size-limiting/handler';
import { requestSizeLimitingSchema } from './request-size-limiting/schema';

export const PLUGINS: readonly PluginModule[] = [
  definePlugin({ handler: CorsHandler, schema: corsSchema }),
  definePlugin({ handler: JwtHandler, schema: jwtSchema, daos: [jwtSecrets] }),
  definePlugin({ handler: KeyAuthHandler, schema: keyAuthSchema, daos: [keyauthCredentials] }),
  definePlugin({ handler: AclHandler, schema: aclSchema, daos: [acls] }),
  definePlugin({ handler: RateLimitingHandler, schema: rateLimitingSchema }),
  definePlugin({ handler: RequestSizeLimitingHandler, schema: requestSizeLimitingSchema }),
  definePlugin({ handler: AwsLambdaHandler, schema: awsLambdaSchema }),
  definePlugin({ handler: ForwardAuthHandler, schema: forwardAuthSchema }),
];
