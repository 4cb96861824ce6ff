// The aws-lambda plugin's configuration (kong/plugins/aws-lambda/schema.lua, 3.9):
// every field Kong knows, checked and defaulted as Kong does. What the local
// gateway does not implement (the non-API-Gateway formats, role assumption,
// an HTTP proxy) stops start-up instead of being ignored.
import { boolean, fail, field, mapping, number, oneOf, text, type Check, type Mapping } from '../../core/schema';

export interface AwsLambdaConfig {
  /** Bounds connecting, sending and each read of the Invoke call (ms). */
  timeout: number;
  /** How long an idle connection to the Lambda endpoint is kept (ms). */
  keepalive: number;
  awsKey: string | null;
  awsSecret: string | null;
  awsRegion: string | null;
  functionName: string | null;
  qualifier: string | null;
  invocationType: 'RequestResponse' | 'Event' | 'DryRun';
  logType: 'Tail' | 'None';
  host: string | null;
  port: number;
  disableHttps: boolean;
  /** Only used without proxy integration, which the local gateway does not implement; kept as Kong keeps it. */
  unhandledStatus: number | null;
  skipLargeBodies: boolean;
  base64EncodeBody: boolean;
}

const FIELDS = [
  'timeout', 'keepalive', 'aws_key', 'aws_secret', 'aws_assume_role_arn', 'aws_role_session_name',
  'aws_sts_endpoint_url', 'aws_region', 'function_name', 'qualifier', 'invocation_type', 'log_type', 'host',
  'port', 'disable_https', 'unhandled_status', 'forward_request_method', 'forward_request_uri',
  'forward_request_headers', 'forward_request_body', 'is_proxy_integration', 'awsgateway_compatible',
  'proxy_url', 'skip_large_bodies', 'base64_encode_body', 'aws_imds_protocol_version', 'empty_arrays_mode',
];

const string: Check<string> = (value, where) => (typeof value === 'string' ? value : fail(where, 'expected a string'));

/** typedefs.host: a host name or IP address, no port. */
const host: Check<string> = (value, where) => {
  const name = text(value, where);
  return /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.?)+$|^\[?[0-9A-Fa-f:.]+\]?$/.test(name) ? name : fail(where, 'invalid hostname');
};

/** typedefs.url: an absolute URL. */
const url: Check<string> = (value, where) => {
  const raw = text(value, where);
  return URL.canParse(raw) ? raw : fail(where, 'missing host in url');
};

const milliseconds: Check<number> = (value, where) => {
  const ms = number(-Infinity, Infinity)(value, where);
  return ms > 0 ? ms : fail(where, 'the local gateway needs a value greater than 0');
};

/** A switch that must be on: the local gateway implements that mode only. */
function mustBeOn(c: Mapping, key: string, where: string): void {
  if (!field(c, key, where, boolean, false)) fail(`${where}.${key}`, `the local gateway implements ${key}: true only`);
}

/** A field whose feature the local gateway lacks: checked like Kong, refused when set. */
function unsupported<T>(c: Mapping, key: string, where: string, check: Check<T>, feature: string): void {
  if (field(c, key, where, check, null) !== null) fail(`${where}.${key}`, `${feature} is not supported by the local gateway`);
}

export function awsLambdaSchema(value: unknown, where: string): AwsLambdaConfig {
  const c = mapping(value, where, FIELDS);
  const awsKey = field(c, 'aws_key', where, string, null);
  const awsSecret = field(c, 'aws_secret', where, string, null);
  if ((awsKey === null) !== (awsSecret === null)) {
    fail(where, "all or none of these fields must be set: 'config.aws_key', 'config.aws_secret'");
  }
  // API Gateway events and proxy-integration answers are what the local gateway speaks.
  mustBeOn(c, 'awsgateway_compatible', where);
  mustBeOn(c, 'is_proxy_integration', where);
  unsupported(c, 'aws_assume_role_arn', where, string, 'assuming a role (STS)');
  unsupported(c, 'proxy_url', where, url, 'calling Lambda through an HTTP proxy');
  // Accepted as Kong accepts them; with the two settings above Kong does not use them.
  field(c, 'aws_role_session_name', where, string, 'kong');
  field(c, 'aws_sts_endpoint_url', where, url, null);
  for (const name of ['forward_request_method', 'forward_request_uri', 'forward_request_headers', 'forward_request_body']) {
    field(c, name, where, boolean, false);
  }
  field(c, 'aws_imds_protocol_version', where, oneOf(['v1', 'v2'] as const), 'v1');
  field(c, 'empty_arrays_mode', where, oneOf(['legacy', 'correct'] as const), 'legacy');
  return {
    timeout: field(c, 'timeout', where, milliseconds, 60000),
    keepalive: field(c, 'keepalive', where, milliseconds, 60000),
    awsKey,
    awsSecret,
    awsRegion: field(c, 'aws_region', where, host, null),
    functionName: field(c, 'function_name', where, string, null),
    qualifier: field(c, 'qualifier', where, string, null),
    invocationType: field(c, 'invocation_type', where, oneOf(['RequestResponse', 'Event', 'DryRun'] as const), 'RequestResponse'),
    logType: field(c, 'log_type', where, oneOf(['Tail', 'None'] as const), 'Tail'),
    host: field(c, 'host', where, host, null),
    port: field(c, 'port', where, number(0, 65535, true), 443),
    disableHttps: field(c, 'disable_https', where, boolean, false),
    unhandledStatus: field(c, 'unhandled_status', where, number(100, 999, true), null),
    skipLargeBodies: field(c, 'skip_large_bodies', where, boolean, true),
    base64EncodeBody: field(c, 'base64_encode_body', where, boolean, true),
  };
}
