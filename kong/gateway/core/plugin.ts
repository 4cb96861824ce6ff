// The contract between the core and a plugin, after Kong's plugin loader: each
// plugin folder supplies a handler (NAME, PRIORITY, access), a schema for its
// config and, if it has Admin API entities, their DAO descriptions.
import type { IncomingMessage } from 'node:http';
import type { PluginScope, RouteConfig, ServiceConfig } from './config';
import type { Consumer } from './consumers';
import type { Credential, EntitySchema } from './entities';
import type { RequestHeaders, ResponseHeaders as AnswerHeaders } from './headers';
import type { GatewaySettings } from './settings';
import type { Store } from './store';

export type ResponseHeaders = Record<string, string | number | readonly string[]>;

/** What every answer's header_filter knows about the request, matched to a route or not. */
export interface RequestInfo {
  req: IncomingMessage;
  /** The request headers as plugins see and change them. */
  headers: RequestHeaders;
  requestId: string;
  /** When the gateway got the request (ms since the epoch). */
  startedAt: number;
}

export interface RequestContext extends RequestInfo {
  /** The normalized request path, as routes match it. */
  path: string;
  /** The raw query string, without '?'. */
  query: string;
  /** The query the upstream gets (nginx's $args): plugins may change it. */
  upstreamQuery: string;
  /** The client's address (nginx's $remote_addr): the peer, or whom a trusted peer names. */
  clientIp: string;
  /** The address the connection came from (nginx's $realip_remote_addr). */
  peerIp: string;
  route: RouteConfig;
  /** Null for a route without a service. */
  service: ServiceConfig | null;
  /** The path the upstream gets (Kong's $upstream_uri without the query): stripped, joined, escaped. */
  upstreamPath: string;
  /** Set by an authentication plugin (Kong's kong.client.authenticate). */
  consumer?: Consumer;
  credential?: Credential;
  /**
   * Groups an authentication plugin vouches for without a consumer's own
   * (Kong's kong.ctx.shared.authenticated_groups, set by ldap-auth and the
   * like); the acl plugin reads them.
   */
  authenticatedGroups?: string[];
  /** Headers added to whatever response the client gets. */
  responseHeaders: Record<string, string | number>;
  /** Time a plugin spent waiting on something outside the gateway (ms), left out of X-Kong-Response-Latency. */
  waitingTime: number;
  /**
   * The whole request body (ngx.req.read_body): read once, kept for the
   * upstream. Reading it is what lets a client waiting on `Expect: 100-continue` send it.
   */
  readBody(): Promise<Buffer>;
  /** Replaces the body the upstream gets (kong.service.request.set_raw_body). */
  setBody(body: Buffer): void;
}

/** An answer a plugin gives instead of proxying. */
export type Exit =
  | { type: 'exit'; status: number; body?: Record<string, unknown> | Buffer; headers?: ResponseHeaders }
  | { type: 'error'; status: number; message: string; headers?: ResponseHeaders };

/** How plugins end a request, named after Kong's PDK. */
export const response = {
  /** kong.response.exit: a record body is sent as JSON (whatever Accept says), bytes as they are. */
  exit: (status: number, body?: Record<string, unknown> | Buffer, headers?: ResponseHeaders): Exit => ({ type: 'exit', status, body, headers }),
  /** kong.response.error: Kong's error template in the format Accept asks for, with the request id. */
  error: (status: number, message: string, headers?: ResponseHeaders): Exit => ({ type: 'error', status, message, headers }),
};

/** A failure a plugin reports (Kong: error() in a handler): answered 500, logged as one line. */
export class PluginError extends Error {}

export interface Plugin {
  /** Kong's access phase: undefined lets the request go on, an Exit answers it; a throw answers 500. */
  access?(ctx: RequestContext): Exit | undefined | Promise<Exit | undefined>;
  /**
   * Kong's header_filter phase: runs for every answer on the route (proxied,
   * made by a plugin, or an error), also when access never ran for this plugin.
   * Answers that matched no route get the global plugins' header_filter only.
   */
  headerFilter?(request: RequestInfo, headers: AnswerHeaders, status: number): void;
  /** Releases what the instance holds (connections) when the gateway stops. */
  close?(): void;
}

/** What the core hands every plugin instance. */
export interface PluginServices {
  store: Store;
  /** The gateway's environment, as Kong's process sees its own (AWS_REGION and the like). */
  env: NodeJS.ProcessEnv;
  /** The route or service the instance's plugin entity is attached to (conf.route_id, conf.service_id). */
  scope: PluginScope;
  /** The gateway's settings, as kong.configuration holds Kong's (which headers it sends, and the like). */
  configuration: GatewaySettings;
}

/** A handler class, as Kong's handler.lua: its name, its place in the run order, its phases. */
export interface PluginHandler<C> {
  readonly NAME: string;
  /** Higher runs first, as in Kong. */
  readonly PRIORITY: number;
  new (config: C, services: PluginServices): Plugin;
}

/** Validates the `config` of one plugin entry in kong.yml and applies Kong's defaults (schema.lua). */
export type PluginSchema<C> = (config: unknown, where: string) => C;

export interface PluginModule<C = any> {
  handler: PluginHandler<C>;
  schema: PluginSchema<C>;
  /** Entities the plugin adds to the store and the Admin API (daos.lua). */
  daos?: readonly EntitySchema<any>[];
}

/** Ties a plugin's handler and schema to the same config type. */
export const definePlugin = <C>(module: PluginModule<C>): PluginModule<C> => module;
