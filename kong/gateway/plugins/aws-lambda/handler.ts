// Kong's aws-lambda plugin (kong/plugins/aws-lambda/handler.lua, 3.9) with
// awsgateway_compatible and is_proxy_integration: the request becomes an API
// Gateway event, the function's answer becomes the response. It never proxies.
import { decode, encode, formatNumber, type LuaValue } from '../../core/cjson';
import { PluginError, response, type Exit, type Plugin, type PluginServices, type RequestContext } from '../../core/plugin';
import { KONG_VERSION } from '../../core/util';
import { LambdaClient, type InvokeResult } from './lambda-client';
import { awsGatewayEvent, extractProxyResponse, headerValue, LuaError, readBody, type HeaderValue } from './request-util';
import type { AwsLambdaConfig } from './schema';

/** Invoke response headers the client must not get: the length is recomputed, the rest is hop-by-hop. */
const DROPPED = new Set(['content-length', 'connection', 'keep-alive', 'proxy-connection', 'upgrade', 'transfer-encoding']);

/** Kong 3.8+ always writes "2" here: it tests $http2, which is "" (true in Lua) on HTTP/1.1 too. */
const VIA = `2 kong/${KONG_VERSION}`;

/** The Invoke answer's body as lua-resty-aws hands it on: decoded when it says it is JSON and decodes. */
function content(result: InvokeResult): LuaValue | undefined {
  const contentType = result.headers.get('content-type')?.value;
  if (Array.isArray(contentType)) throw new LuaError("attempt to call method 'lower' (a table value)");
  if (result.body === undefined || contentType === undefined || !/application\/.*json/.test(contentType.toLowerCase())) return result.body;
  const decoded = decode(result.body);
  return decoded.ok && decoded.value !== false ? decoded.value : result.body;
}

export class AwsLambdaHandler implements Plugin {
  static readonly NAME = 'aws-lambda';
  static readonly PRIORITY = 750;

  private readonly client: LambdaClient;

  private readonly sendVia: boolean;

  constructor(private readonly config: AwsLambdaConfig, { env, configuration }: PluginServices) {
    this.client = new LambdaClient(config, env);
    this.sendVia = configuration.headers.has('Via');
  }

  async access(ctx: RequestContext): Promise<Exit> {
    const started = Date.now();
    let result: InvokeResult;
    try {
      const body = await readBody(ctx, this.config.skipLargeBodies);
      const event = awsGatewayEvent(ctx, body, this.config.base64EncodeBody);
      result = await this.client.invoke(Buffer.from(encode(event), 'latin1'));
    } finally {
      // Kong leaves the time spent on Lambda out of X-Kong-Response-Latency.
      ctx.waitingTime = Date.now() - started;
    }
    if (result.status >= 400) {
      throw new PluginError(`Lambda Invoke answered ${result.status}: ${result.body ?? ''}`);
    }

    const proxyResponse = extractProxyResponse(content(result));
    if ('error' in proxyResponse) {
      console.error(`gateway aws-lambda: ${proxyResponse.error}`);
      return response.exit(502, { message: 'Bad Gateway', error: `could not JSON decode Lambda function response: ${proxyResponse.error}` });
    }

    // Kong merges plain Lua tables, so two spellings of one name would both be
    // sent in no set order; here the function's headers win over the endpoint's.
    const headers = new Map<string, [string, LuaValue]>();
    for (const [key, { name, value }] of result.headers) if (!DROPPED.has(key)) headers.set(key, [name, value]);
    for (const [name, value] of proxyResponse.headers) headers.set(name.toLowerCase(), [name, value]);
    headers.set('content-length', ['Content-Length', proxyResponse.body.length]);
    // Unless the headers setting leaves Via out (then the function's own passes as it is).
    if (this.sendVia) {
      const via = headers.get('via');
      if (via === undefined) {
        headers.set('via', ['Via', VIA]);
      } else {
        const [name, value] = via;
        if (typeof value !== 'string' && typeof value !== 'number') throw new LuaError('attempt to concatenate a table value');
        headers.set('via', [name, `${typeof value === 'number' ? formatNumber(value) : value}, ${VIA}`]);
      }
    }

    const sent: Record<string, HeaderValue> = {};
    for (const [name, value] of headers.values()) sent[name] = headerValue(name, value);
    return response.exit(proxyResponse.status, proxyResponse.body, sent);
  }

  close(): void {
    this.client.close();
  }
}
