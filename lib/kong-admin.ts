import axios, { type AxiosError, type AxiosResponse } from 'axios';
import http from 'node:http';
import https from 'node:https';
import { config } from './config';
import { DependencyError } from './errors';

/** The parts of Kong's consumer and jwt credential entities this service uses. */
export interface Consumer {
  id: string;
  username: string;
}

export interface JwtCredential {
  id: string;
  key: string;
  secret: string;
  algorithm: string;
}

const admin = axios.create({
  baseURL: config.kongAdminUrl,
  timeout: config.kongAdminTimeoutMs,
  // Reuse connections: most requests make one or two Admin API calls.
  httpAgent: new http.Agent({ keepAlive: true }),
  httpsAgent: new https.Agent({ keepAlive: true }),
  headers: { 'Content-Type': 'application/json' },
  // Statuses are checked per call; anything else is Kong failing.
  validateStatus: () => true,
});

// No answer at all (refused, reset, timed out): Kong is unavailable.
admin.interceptors.response.use(undefined, (error: AxiosError) =>
  Promise.reject(new DependencyError('kong', error.code ?? error.message)),
);

/** Every value placed in an Admin API path goes through here. */
const segment = (value: string) => encodeURIComponent(value);

function expectStatus<T>(response: AxiosResponse<T>, ...expected: number[]): T {
  if (!expected.includes(response.status)) {
    const { method, url } = response.config;
    throw new DependencyError('kong', `${method?.toUpperCase()} ${url} answered ${response.status}`);
  }
  return response.data;
}

export async function getConsumer(username: string): Promise<Consumer | undefined> {
  const response = await admin.get<Consumer>(`/consumers/${segment(username)}`);
  return response.status === 404 ? undefined : expectStatus(response, 200);
}

/** Finds or creates the consumer; a concurrent creation (409) is not an error. */
export async function ensureConsumer(username: string): Promise<Consumer> {
  const existing = await getConsumer(username);
  if (existing) return existing;
  const response = await admin.post<Consumer>('/consumers', { username });
  if (response.status === 409) {
    const winner = await getConsumer(username);
    if (winner) return winner;
  }
  return expectStatus(response, 201);
}

export async function createJwtCredential(consumerId: string): Promise<JwtCredential> {
  // Kong generates the key and a 32-character random secret.
  const response = await admin.post<JwtCredential>(`/consumers/${segment(consumerId)}/jwt`, { algorithm: 'HS256' });
  return expectStatus(response, 201);
}

export async function getJwtCredential(consumerId: string, key: string): Promise<JwtCredential | undefined> {
  const response = await admin.get<JwtCredential>(`/consumers/${segment(consumerId)}/jwt/${segment(key)}`);
  return response.status === 404 ? undefined : expectStatus(response, 200);
}

export async function listJwtCredentials(consumerId: string): Promise<JwtCredential[]> {
  const response = await admin.get<{ data: JwtCredential[] }>(`/consumers/${segment(consumerId)}/jwt`);
  return response.status === 404 ? [] : expectStatus(response, 200).data;
}

export async function deleteJwtCredential(consumerId: string, credentialId: string): Promise<void> {
  const response = await admin.delete(`/consumers/${segment(consumerId)}/jwt/${segment(credentialId)}`);
  expectStatus(response, 204, 404);
}
