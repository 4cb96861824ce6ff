// The Invoke call as Kong makes it through lua-resty-aws 1.5.4: endpoint, SigV4
// signature, headers, credentials and timeouts, on kept-alive connections.
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { Pool, type Dispatcher } from 'undici';
import { PluginError } from '../../core/plugin';
import { answerHeaderLines } from '../../core/upstream';
import { escapePath } from '../../core/uri';
import type { AwsLambdaConfig } from './schema';

/** SHA-256, or HMAC-SHA256 with a key, in the shape the signer expects. */
class Sha256 {
  private readonly key: string | Buffer | undefined;
  private hash: Hash | Hmac;

  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.key = secret === undefined || typeof secret === 'string' ? secret
      : ArrayBuffer.isView(secret) ? Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength) : Buffer.from(secret);
    this.hash = this.create();
  }

  private create(): Hash | Hmac {
    return this.key === undefined ? createHash('sha256') : createHmac('sha256', this.key);
  }

  update(data: Uint8Array): void {
    this.hash.update(data);
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = this.create();
  }
}

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * The plugin's key pair, else what lua-resty-aws's provider chain finds in the
 * environment (AWS_*, then AMAZON_*). The chain's later sources (shared
 * credentials file, ECS, web identity, EC2 metadata) are not implemented.
 */
function findCredentials(config: AwsLambdaConfig, env: NodeJS.ProcessEnv): Credentials | null {
  if (config.awsKey !== null && config.awsSecret !== null) return { accessKeyId: config.awsKey, secretAccessKey: config.awsSecret };
  for (const prefix of ['AWS', 'AMAZON']) {
    const accessKeyId = env[`${prefix}_ACCESS_KEY_ID`];
    if (accessKeyId === undefined) continue;
    const secretAccessKey = env[`${prefix}_SECRET_ACCESS_KEY`];
    // lua-resty-aws takes the key alone and then fails to sign: the same 500, said earlier.
    if (secretAccessKey === undefined) return null;
    return { accessKeyId, secretAccessKey, sessionToken: env[`${prefix}_SESSION_TOKEN`] };
  }
  return null;
}

/** The Invoke answer as lua-resty-http gives it: headers by name (first spelling kept), repeats as lists. */
export interface InvokeResult {
  status: number;
  headers: Map<string, { name: string; value: string | string[] }>;
  /** Bytes as a latin1 string; undefined when the status carries no body. */
  body: string | undefined;
}

export class LambdaClient {
  /** Kept-alive connections to the endpoint, made when first needed. */
  private endpoint: Pool | null = null;
  private readonly region: string | null;
  private readonly credentials: Credentials | null;
  private readonly https: boolean;
  /** One signer for the plugin's life: it keeps the day's derived signing key instead of deriving it per request. */
  private readonly signer: SignatureV4 | null;

  constructor(private readonly config: AwsLambdaConfig, env: NodeJS.ProcessEnv) {
    // Kong reads the region from its environment once, when the plugin loads.
    this.region = config.awsRegion ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? null;
    this.credentials = findCredentials(config, env);
    this.https = !config.disableHttps;
    this.signer = this.region !== null && this.credentials !== null
      ? new SignatureV4({ service: 'lambda', region: this.region, credentials: this.credentials, sha256: Sha256, applyChecksum: false })
      : null;
  }

  async invoke(payload: Buffer): Promise<InvokeResult> {
    const { config, region, credentials, signer } = this;
    if (region === null) throw new PluginError('no region specified');
    if (config.functionName === null) throw new PluginError('FunctionName is required');
    if (credentials === null || signer === null) throw new PluginError('failed to get credentials: no AWS credentials found');
    const host = config.host ?? `lambda.${region}.amazonaws.com`;
    const hostHeader = config.port === (this.https ? 443 : 80) ? host : `${host}:${config.port}`;
    const path = `/2015-03-31/functions/${config.functionName}/invocations`;
    const query: Record<string, string> = config.qualifier === null ? {} : { Qualifier: config.qualifier };
    const signed = await signer.sign({
      method: 'POST',
      protocol: this.https ? 'https:' : 'http:',
      hostname: host,
      port: config.port,
      path,
      query,
      headers: {
        host: hostHeader,
        'content-length': String(payload.length),
        'x-amz-invocation-type': config.invocationType,
        'x-amz-log-type': config.logType,
      },
      body: payload,
    });
    const search = config.qualifier === null ? '' : `?Qualifier=${encodeURIComponent(config.qualifier)}`;
    return this.send(host, escapePath(path) + search, signed.headers, payload);
  }

  close(): void {
    void this.endpoint?.destroy();
  }

  private send(host: string, path: string, headers: Record<string, string>, payload: Buffer): Promise<InvokeResult> {
    const { timeout, keepalive, port } = this.config;
    // Idle connections live `keepalive` ms; Kong does not verify the endpoint's certificate.
    // Like lua-resty-http's timeout: no progress for that long, in connecting, sending or reading.
    this.endpoint ??= new Pool(`${this.https ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`, {
      connect: { timeout, rejectUnauthorized: false },
      headersTimeout: timeout,
      bodyTimeout: timeout,
      keepAliveTimeout: keepalive,
      keepAliveMaxTimeout: keepalive,
    });
    return new Promise((resolve, reject) => {
      this.endpoint!.dispatch({ method: 'POST', path, headers, body: payload }, new InvokeCall(`${host}:${port}`, resolve, reject));
    });
  }
}

/** One Invoke call: the whole answer, read into memory as lua-resty-http's read_body does. */
class InvokeCall implements Dispatcher.DispatchHandler {
  private status = 0;
  private rawHeaders: string[] = [];
  private readonly chunks: Buffer[] = [];

  constructor(
    private readonly endpoint: string,
    private readonly resolve: (result: InvokeResult) => void,
    private readonly reject: (err: PluginError) => void,
  ) {}

  /** Nothing to do; undici knows the handler's kind by it. */
  onRequestStart(): void {}

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number): void {
    if (statusCode < 200) return; // an interim answer
    this.status = statusCode;
    this.rawHeaders = answerHeaderLines(controller);
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    this.resolve(result(this.status, this.rawHeaders, Buffer.concat(this.chunks)));
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.reject(new PluginError(this.status === 0
      ? `failed invoking '${this.endpoint}': ${err.message}`
      : `failed reading the answer from '${this.endpoint}': ${err.message}`));
  }
}

function result(status: number, raw: string[], body: Buffer): InvokeResult {
  const headers: InvokeResult['headers'] = new Map();
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    const value = raw[i + 1];
    const key = name.toLowerCase();
    const existing = headers.get(key);
    if (!existing) headers.set(key, { name, value });
    else existing.value = [...(Array.isArray(existing.value) ? existing.value : [existing.value]), value];
  }
  const hasBody = !(status === 204 || status === 304 || (status >= 100 && status < 200));
  return { status, headers, body: hasBody ? body.toString('latin1') : undefined };
}
