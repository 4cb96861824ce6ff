// The contract between the core and a plugin, after Kong's plugin loader: each
// plugin folder supplies a handler (NAME, PRIORITY, access), a schema for its
// config and, if it has Admin API entities, their DAO descriptions.
import type { IncomingMessage } from 'node:http';
import type { ServiceConfig } from './config';
import type { Consumer } from './consumers';
import type { Credential, EntitySchema } from './entities';
import type { Store } from './store';

export interface RequestContext {
  req: IncomingMessage;
  requestId: string;
  /** The normalized request path, as routes match it. */
  path: string;
  /** The raw query string, without '?'. */
  query: string;
  clientIp: string;
  service: ServiceConfig;
  /** Set by an authentication plugin (Kong's kong.client.authenticate). */
  consumer?: Consumer;
  credential?: Credential;
  /** Headers added to whatever response the client gets. */
  responseHeaders: Record<string, string | number>;
}

/** A response the gateway sends instead of proxying. */
export interface Exit {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string | number>;
}

export interface Plugin {
  access(ctx: RequestContext): Exit | undefined;
}

/** What the core hands every plugin instance. */
export interface PluginServices {
  store: Store;
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

/** The body of kong.response.error(): a message and the request id (Kong 3.5+). */
export function kongError(message: string, requestId: string): Record<string, unknown> {
  return { message, request_id: requestId };
}
