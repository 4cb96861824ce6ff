/**
 * openapi.yaml as a contract the tests hold every answer to. Response bodies
 * and headers are checked by Ajv (OpenAPI 3.1 schemas are JSON Schema
 * 2020-12); the part written here is only what no maintained library does for
 * 3.1 without a server framework around it: finding the operation and response
 * object for a method, path and status, and picking the media type.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One answer as a client saw it. */
export interface Exchange {
  method: string;
  url: string;
  status: number;
  headers: Headers;
  /** The body as text; undefined when it could not be read (a browser's redirect). */
  body?: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

export class Description {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly routes: { pattern: RegExp; template: string }[];

  constructor(readonly document: Json) {
    addFormats(this.ajv);
    this.ajv.addSchema(document, 'openapi');
    this.routes = Object.keys(document.paths).map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
    }));
  }

  static load(file = path.resolve(__dirname, '..', '..', 'openapi.yaml')): Description {
    return new Description(parse(readFileSync(file, 'utf8')));
  }

  /** What is wrong with this answer according to the description; empty if nothing. */
  check(exchange: Exchange): string[] {
    const { pathname } = new URL(exchange.url);
    const method = exchange.method.toLowerCase();
    const route = this.routes.find(({ pattern }) => pattern.test(pathname));
    const operation = route && METHODS.includes(method) ? this.document.paths[route.template][method] : undefined;
    if (!operation) {
      // Kong's answer to anything no route takes; any other answer is an undocumented route.
      const problems = exchange.status === 404 ? this.checkResponse('#/components/responses/NoRouteMatched', exchange) : [`status ${exchange.status}`];
      return problems.map((problem) => `${exchange.method} ${pathname} is not in openapi.yaml and was not Kong's no-route 404: ${problem}`);
    }
    const where = `#/paths/${pointer(route!.template)}/${method}/responses`;
    const status = String(exchange.status);
    const key = [status, `${status[0]}XX`, 'default'].find((candidate) => operation.responses[candidate] !== undefined);
    const prefix = `${exchange.method} ${route!.template} ${status}`;
    if (!key) return [`${prefix}: status not documented (documented: ${Object.keys(operation.responses).join(', ')})`];
    return this.checkResponse(`${where}/${pointer(key)}`, exchange).map((problem) => `${prefix}: ${problem}`);
  }

  private checkResponse(ref: string, exchange: Exchange): string[] {
    const { node: response, at } = this.resolve(ref);
    const problems: string[] = [];
    for (const [name, declared] of Object.entries<Json>(response.headers ?? {})) {
      const { node: header, at: headerAt } = this.resolve(declared.$ref ?? `${at}/headers/${pointer(name)}`);
      const value = exchange.headers.get(name);
      if (value === null) {
        if (header.required) problems.push(`header ${name} missing`);
        continue;
      }
      if (header.schema) problems.push(...this.validate(`${headerAt}/schema`, value).map((error) => `header ${name} ${JSON.stringify(value)} ${error}`));
    }
    if (exchange.body === undefined) return problems;
    const content: Json | undefined = response.content;
    if (!content) {
      if (exchange.body !== '') problems.push(`a body where none is documented: ${exchange.body.slice(0, 200)}`);
      return problems;
    }
    const contentType = (exchange.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
    const mediaType = [contentType, `${contentType.split('/')[0]}/*`, '*/*'].find((candidate) => content[candidate] !== undefined);
    if (!mediaType) return [...problems, `Content-Type ${JSON.stringify(contentType)} not documented (documented: ${Object.keys(content).join(', ')})`];
    if (!content[mediaType].schema) return problems;
    let body: unknown = exchange.body;
    if (/^application\/([a-z.-]+\+)?json$/.test(contentType)) {
      try {
        body = JSON.parse(exchange.body);
      } catch {
        return [...problems, `a ${contentType} body that is not JSON: ${exchange.body.slice(0, 200)}`];
      }
    }
    const schemaAt = `${at}/content/${pointer(mediaType)}/schema`;
    return [...problems, ...this.validate(schemaAt, body).map((error) => `body ${error}: ${exchange.body!.slice(0, 300)}`)];
  }

  private validate(at: string, value: unknown): string[] {
    let validate = this.compiled.get(at);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `openapi${at}` });
      this.compiled.set(at, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((error) => `${error.instancePath || '(root)'} ${error.message}${error.params ? ` ${JSON.stringify(error.params)}` : ''}`);
  }

  /** A local reference followed to the object it names (response and header objects may be $refs themselves). */
  private resolve(ref: string): { node: Json; at: string } {
    let at = ref;
    let node = lookup(this.document, at);
    while (node && typeof node.$ref === 'string') {
      at = node.$ref;
      node = lookup(this.document, at);
    }
    if (!node) throw new Error(`openapi.yaml: ${ref} does not resolve`);
    return { node, at };
  }
}

const pointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

function lookup(document: Json, ref: string): Json | undefined {
  let node: any = document; // eslint-disable-line @typescript-eslint/no-explicit-any
  for (const part of ref.replace(/^#\//, '').split('/')) {
    node = node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

/**
 * The conformance check the end-to-end tests run under (test/support/openapi-setup.ts
 * installs it): answers from the gateways registered here are checked, what
 * is wrong is kept until the test ends and then fails it.
 */
interface Conformance {
  description: Description;
  gateways: Set<string>;
  problems: string[];
}

const KEY = Symbol.for('kong-lambda-auth.openapi-conformance');
const state = () => (globalThis as unknown as Record<symbol, Conformance | undefined>)[KEY];

export function startConformance(gateways: string[]): void {
  (globalThis as unknown as Record<symbol, Conformance>)[KEY] = { description: Description.load(), gateways: new Set(gateways.map(origin)), problems: [] };
}

/** A gateway whose answers are held to the description too (a test's private stack). */
export function registerGateway(url: string): void {
  state()?.gateways.add(origin(url));
}

/** Whether answers from `url` are checked now: an end-to-end test is running and `url` is a gateway's. */
export const checksAnswersFrom = (url: string): boolean => state()?.gateways.has(origin(url)) ?? false;

/** Checks one answer, if it came from a gateway during an end-to-end test. */
export function conform(exchange: Exchange): void {
  const conformance = state();
  if (!conformance || !conformance.gateways.has(origin(exchange.url))) return;
  conformance.problems.push(...conformance.description.check(exchange));
}

/** What was wrong since the last call. */
export function takeProblems(): string[] {
  const conformance = state();
  if (!conformance) return [];
  return conformance.problems.splice(0);
}

function origin(url: string): string {
  return new URL(url).origin;
}

/** The browser's answers from a gateway, held to the description (redirects have no readable body). */
export function conformBrowser(context: { on(event: 'response', listener: (response: BrowserResponse) => void): unknown }): void {
  context.on('response', (response) => {
    if (!checksAnswersFrom(response.url())) return;
    const request = response.request();
    const redirect = response.status() >= 300 && response.status() < 400;
    void (async () => {
      // allHeaders(): headers() leaves out Set-Cookie and other security-related ones.
      // allHeaders() joins several Set-Cookie lines with a newline, which Headers refuses: one each.
      const headers = new Headers();
      for (const [name, value] of Object.entries(await response.allHeaders())) for (const line of value.split('\n')) headers.append(name, line);
      const body = redirect ? undefined : await response.text().catch(() => undefined);
      conform({ method: request.method(), url: response.url(), status: response.status(), headers, body });
    })();
  });
}

interface BrowserResponse {
  url(): string;
  status(): number;
  allHeaders(): Promise<Record<string, string>>;
  text(): Promise<string>;
  request(): { method(): string };
}
