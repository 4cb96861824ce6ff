// Kong's key-auth plugin (kong/plugins/key-auth/handler.lua, 3.9): the key from
// a header, the query or the body under each configured name in turn, the same
// checks and messages, errors through kong.response.error with a `Key`
// challenge, hide_credentials, and the anonymous consumer ("logical OR").
import { argsTable, uriArgs, type ArgValue } from '../../core/args';
import { decodeBody, encodeBody, type DecodedBody } from '../../core/body';
import type { LuaValue } from '../../core/cjson';
import type { Consumer } from '../../core/consumers';
import { PluginError, response, type Exit, type Plugin, type PluginServices, type RequestContext } from '../../core/plugin';
import type { Collection } from '../../core/store';
import { isUuid } from '../../core/util';
import { keyauthCredentials, type KeyAuthCredential } from './daos';
import type { KeyAuthConfig } from './schema';

/** What the upstream is told about who was authenticated; client-sent copies never get through. */
const CONSUMER_ID = 'X-Consumer-ID';
const CONSUMER_CUSTOM_ID = 'X-Consumer-Custom-ID';
const CONSUMER_USERNAME = 'X-Consumer-Username';
const CREDENTIAL_IDENTIFIER = 'X-Credential-Identifier';
const ANONYMOUS = 'X-Anonymous-Consumer';

/** Lua byte strings (headers, query, body) hold UTF-8; stored keys are text. */
const text = (bytes: string) => Buffer.from(bytes, 'latin1').toString('utf8');

/** A failed authentication: Kong's status and message, with the challenge. */
interface Failure {
  status: number;
  message: string;
}

/** What one lookup under a key name found, as Lua types it: a string, a table (several), or something else. */
type Found = string | 'table' | 'other' | undefined;

function kind(value: ArgValue | LuaValue | undefined): Found {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value) || (typeof value === 'object' && value !== null)) return 'table';
  return 'other';
}

export class KeyAuthHandler implements Plugin {
  static readonly NAME = 'key-auth';
  static readonly PRIORITY = 1250;

  private readonly credentials: Collection<KeyAuthCredential>;
  private readonly consumers: Collection<Consumer>;
  private readonly challenge: string;

  constructor(private readonly config: KeyAuthConfig, { store }: PluginServices) {
    this.credentials = store.collection(keyauthCredentials);
    this.consumers = store.consumers;
    this.challenge = config.realm === null ? 'Key' : `Key realm="${config.realm}"`;
  }

  async access(ctx: RequestContext): Promise<Exit | undefined> {
    if (!this.config.runOnPreflight && ctx.req.method === 'OPTIONS') return undefined;
    if (this.config.anonymous === null) {
      const failure = await this.authenticate(ctx);
      return failure && response.error(failure.status, failure.message, { 'WWW-Authenticate': this.challenge });
    }
    // Another authentication plugin already let the request in.
    if (ctx.credential) return undefined;
    if (await this.authenticate(ctx)) this.setAnonymous(ctx, this.config.anonymous);
    return undefined;
  }

  /** do_authentication: undefined when the request is authenticated, else why not. */
  private async authenticate(ctx: RequestContext): Promise<Failure | undefined> {
    let body: DecodedBody | null | undefined;
    const readBody = async () => (body === undefined ? (body = await decodeBody(ctx.headers.get('content-type'), await ctx.readBody(), ctx.req.headers)) : body);
    const query = argsTable(uriArgs(ctx.query));

    let key: string | undefined;
    for (const name of this.config.keyNames) {
      let found: Found;
      if (this.config.keyInHeader) found = kind(this.header(ctx, name));
      if (found === undefined && this.config.keyInQuery) found = kind(query.get(name));
      if (found === undefined && this.config.keyInBody) found = kind((await readBody())?.fields.get(name));
      if (found === 'table') return { status: 401, message: 'Duplicate API key found' };
      if (found === undefined || found === 'other') continue;
      key = found;
      if (this.config.hideCredentials) await this.hide(ctx, name, readBody);
      break;
    }
    if (key === undefined || key === '') return { status: 401, message: 'No API key found in request' };

    const credential = this.credentials.find('key', text(key));
    if (!credential) return { status: 401, message: 'Unauthorized' };
    this.setConsumer(ctx, this.consumers.byId(credential.consumer.id), credential);
    return undefined;
  }

  /**
   * A header's value as kong.request.get_headers() gives it: lines of the
   * name, or (looked up as nginx's table does) with '_' read as '-'.
   */
  private header(ctx: RequestContext, name: string): ArgValue | undefined {
    const lower = name.toLowerCase();
    let values = ctx.headers.values(lower);
    if (values.length === 0 && lower.includes('_')) values = ctx.headers.values(lower.replaceAll('_', '-'));
    return values.length === 0 ? undefined : values.length === 1 ? values[0] : values;
  }

  /** hide_credentials: the key leaves the query, the headers and (key_in_body) the body. */
  private async hide(ctx: RequestContext, name: string, readBody: () => Promise<DecodedBody | null>): Promise<void> {
    if (ctx.upstreamQuery !== '') {
      // kong.service.request.clear_query_arg re-serializes the query the WHATWG way (lua-resty-ada).
      const params = new URLSearchParams(ctx.upstreamQuery);
      params.delete(name);
      ctx.upstreamQuery = params.toString();
    }
    ctx.headers.clear(name);
    if (!this.config.keyInBody) return;
    const body = await readBody();
    if (body === null) return;
    body.fields.delete(name);
    const encoded = encodeBody(body, ctx.headers.get('content-type')!);
    ctx.setBody(encoded.raw);
    ctx.headers.set('Content-Type', encoded.contentType);
  }

  /** set_consumer: kong.client.authenticate and the headers the upstream gets. */
  private setConsumer(ctx: RequestContext, consumer: Consumer | undefined, credential: KeyAuthCredential | undefined): void {
    if (!consumer && !credential) throw new PluginError('either credential or consumer must be provided');
    ctx.consumer = consumer;
    ctx.credential = credential;
    const headers = ctx.headers;
    const set = (name: string, value: string | null | undefined) => (value ? headers.set(name, value) : headers.clear(name));
    set(CONSUMER_ID, consumer?.id);
    set(CONSUMER_CUSTOM_ID, consumer?.custom_id);
    set(CONSUMER_USERNAME, consumer?.username);
    set(CREDENTIAL_IDENTIFIER, credential?.id);
    set(ANONYMOUS, credential ? null : 'true');
  }

  /** The anonymous consumer, by id or username; one that does not exist is an error (500). */
  private setAnonymous(ctx: RequestContext, anonymous: string): void {
    const consumer = (isUuid(anonymous) ? this.consumers.byId(anonymous.toLowerCase()) : undefined) ?? this.consumers.find('username', anonymous);
    this.setConsumer(ctx, consumer, undefined);
  }
}
