import axios, { type AxiosError, type AxiosInstance, type AxiosResponse } from 'axios';
import { DependencyError } from '../platform/errors';
import { log } from '../platform/log';

/** The parts of Kong's consumer and jwt credential entities this service uses. */
export interface Consumer {
  id: string;
  username: string;
  tags: string[] | null;
}

export interface JwtCredential {
  id: string;
  consumer: { id: string };
  key: string;
  secret: string;
  rsa_public_key: string | null;
  algorithm: string;
  tags: string[] | null;
}

/** A credential verifying RS256/ES256 tokens with a public key (Kong's field is named `rsa_public_key` for every algorithm). */
export interface PublicKeyCredentialInput {
  key: string;
  algorithm: 'ES256' | 'RS256';
  rsa_public_key: string;
  tags: string[];
}

/** Kong's largest page: listing every credential of a retired key takes as few calls as it can. */
const PAGE_SIZE = 1000;

/** Every value placed in an Admin API path goes through here. */
const segment = (value: string) => encodeURIComponent(value);

/** The only code that speaks to the Kong Admin API. */
export class KongAdminClient {
  private readonly admin: AxiosInstance;

  constructor(baseURL: string, timeoutMs: number) {
    this.admin = axios.create({
      baseURL,
      timeout: timeoutMs,
      // Node's fetch (undici keeps connections alive by itself): the bundles
      // take axios' fetch-only build (serverless.yml's esbuild alias), without
      // the Node adapter's form-data, mime-db, follow-redirects and proxy-from-env
      // (about 220 kB of every function that imports this client).
      adapter: 'fetch',
      headers: { 'Content-Type': 'application/json' },
      // Statuses are checked per call; anything else is Kong failing.
      validateStatus: () => true,
    });
    this.admin.interceptors.response.use(
      (response) => {
        log.debug('kong admin call', { method: response.config.method, url: response.config.url, status: response.status });
        return response;
      },
      // No answer at all (refused, reset, timed out): Kong is unavailable.
      (error: AxiosError) => Promise.reject(new DependencyError('kong', error)),
    );
  }

  /** Kong's node status (`GET /status`): Kong answering, and reaching its own database (where consumers are made); a DependencyError otherwise. */
  async checkStatus(signal?: AbortSignal): Promise<void> {
    const status = expectStatus(await this.admin.get<{ database?: { reachable?: boolean } }>('/status', { signal }), 200);
    if (status?.database?.reachable === false) throw new DependencyError('kong', new Error('Kong cannot reach its database'));
  }

  async getConsumer(username: string): Promise<Consumer | undefined> {
    const response = await this.admin.get<Consumer>(`/consumers/${segment(username)}`);
    return response.status === 404 ? undefined : expectStatus(response, 200);
  }

  /** Finds or creates the consumer (with `tags`); a concurrent creation (409) is not an error. */
  async ensureConsumer(username: string, tags: string[]): Promise<Consumer> {
    const existing = await this.getConsumer(username);
    if (existing) return existing;
    const response = await this.admin.post<Consumer>('/consumers', { username, tags });
    if (response.status === 409) {
      const winner = await this.getConsumer(username);
      if (winner) return winner;
    }
    return expectStatus(response, 201);
  }

  async createJwtCredential(consumerId: string, tags: string[]): Promise<JwtCredential> {
    // Kong generates the key and a 32-character random secret.
    const response = await this.admin.post<JwtCredential>(`/consumers/${segment(consumerId)}/jwt`, { algorithm: 'HS256', tags });
    return expectStatus(response, 201);
  }

  /** A credential with the given key and public key; undefined when the key is taken (409). */
  async createPublicKeyCredential(consumerId: string, input: PublicKeyCredentialInput): Promise<JwtCredential | undefined> {
    const response = await this.admin.post<JwtCredential>(`/consumers/${segment(consumerId)}/jwt`, input);
    return response.status === 409 ? undefined : expectStatus(response, 201);
  }

  /** Every JWT credential carrying all of `tags`, across pages. */
  async listJwtCredentialsTagged(tags: string[]): Promise<JwtCredential[]> {
    const found: JwtCredential[] = [];
    let next: string | null = `/jwts?tags=${tags.map(segment).join(',')}&size=${PAGE_SIZE}`;
    while (next) {
      const page: { data: JwtCredential[]; next: string | null } = expectStatus(await this.admin.get(next), 200);
      found.push(...page.data);
      next = page.next;
    }
    return found;
  }

  async getJwtCredential(consumerId: string, key: string): Promise<JwtCredential | undefined> {
    const response = await this.admin.get<JwtCredential>(`/consumers/${segment(consumerId)}/jwt/${segment(key)}`);
    return response.status === 404 ? undefined : expectStatus(response, 200);
  }

  async listJwtCredentials(consumerId: string): Promise<JwtCredential[]> {
    const response = await this.admin.get<{ data: JwtCredential[] }>(`/consumers/${segment(consumerId)}/jwt`);
    return response.status === 404 ? [] : expectStatus(response, 200).data;
  }

  /** Deletes the consumer, and with it (Kong cascades) every credential and group it has; an absent one is no error. */
  async deleteConsumer(consumerId: string): Promise<void> {
    expectStatus(await this.admin.delete(`/consumers/${segment(consumerId)}`), 204, 404);
  }

  async deleteJwtCredential(consumerId: string, credentialId: string): Promise<void> {
    const response = await this.admin.delete(`/consumers/${segment(consumerId)}/jwt/${segment(credentialId)}`);
    expectStatus(response, 204, 404);
  }
}

/** An answer Kong should not give means Kong is failing us. */
function expectStatus<T>(response: AxiosResponse<T>, ...expected: number[]): T {
  if (!expected.includes(response.status)) {
    const { method, url } = response.config;
    throw new DependencyError('kong', new Error(`${method?.toUpperCase()} ${url} answered ${response.status}`));
  }
  return response.data;
}
