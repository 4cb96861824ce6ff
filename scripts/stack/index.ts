/**
 * The local-stack toolkit: what `npm start`, the tests and the bench use to
 * start DynamoDB Local, the API and the gateway, and to talk to them. Its
 * users import from here; the files behind it are its parts.
 */
export { handlerEnv, keysEnv, realIpSettings, startStack, DEFAULT_RATE_LIMITS, DEFAULT_SESSION_CACHE_TTL_SECONDS, type RateLimitPolicy, type RateLimits, type RealIpSettings, type Stack, type StackOptions } from './stack';
export type { Component } from './component';
export { printLine, type LogSink } from './child';
export { assertPortFree, DEFAULT_PORTS, freePorts, portsFromEnv, type StackPorts } from './ports';
export { integerFromEnv, parseInteger } from './env';
export { answers, bearer, request, requestExpecting, type JsonResponse } from './http';
export { apiEvent, invoke, invokeForCookies, type Handler } from './invoke';
export {
  credentialsFromEnv,
  localAwsEnv,
  persistedCredentials,
  randomCredentials,
  savedCredentials,
  withLocalDynamo,
  type LocalCredentials,
} from './local-aws';
export { onParentGone } from './lifetime';
export { databaseFile, dynamodbLocalDir } from './dynamodb-local';
export { dataDirFromEnv, localBin, REPO_ROOT } from './paths';
export { browserEnv } from './browser-env';
export { ensureTables, tableEnvironment } from './tables';
export { ensureLocalOperator, LOCAL_OPERATOR, OPERATOR_KEY_FILE } from './operator';
