// Consumers and their JWT credentials, indexed in memory for the proxy's hot
// path and optionally persisted to a JSON file so they survive restarts.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Consumer {
  id: string;
  created_at: number;
  updated_at: number;
  username: string | null;
  custom_id: string | null;
  tags: string[] | null;
}

export interface JwtCredential {
  id: string;
  created_at: number;
  consumer: { id: string };
  key: string;
  secret: string | null;
  rsa_public_key: string | null;
  algorithm: string;
  tags: string[] | null;
}

interface Snapshot {
  consumers: Consumer[];
  jwt_secrets: JwtCredential[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string): boolean => UUID.test(value);

export class Store {
  private readonly consumersById = new Map<string, Consumer>();
  private readonly consumersByUsername = new Map<string, Consumer>();
  private readonly consumersByCustomId = new Map<string, Consumer>();
  private readonly credentialsById = new Map<string, JwtCredential>();
  private readonly credentialsByKey = new Map<string, JwtCredential>();
  private saving: Promise<void> | null = null;

  /** Opens the store; with a file, loads it (a missing file is an empty store). */
  constructor(private readonly file: string | null = null) {
    if (!file) return;
    let snapshot: Snapshot;
    try {
      snapshot = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new Error(`cannot load gateway data from ${file}: ${(err as Error).message} (fix or delete the file)`);
    }
    if (!Array.isArray(snapshot?.consumers) || !Array.isArray(snapshot?.jwt_secrets)) {
      throw new Error(`cannot load gateway data from ${file}: expected {"consumers":[...],"jwt_secrets":[...]} (fix or delete the file)`);
    }
    for (const consumer of snapshot.consumers) this.putConsumer(consumer);
    for (const credential of snapshot.jwt_secrets) this.putCredential(credential);
  }

  /** A UUID is looked up by id, anything else by username (Kong's endpoint key). */
  consumer(idOrUsername: string): Consumer | undefined {
    return isUuid(idOrUsername)
      ? this.consumersById.get(idOrUsername.toLowerCase())
      : this.consumersByUsername.get(idOrUsername);
  }

  consumerById(id: string): Consumer | undefined {
    return this.consumersById.get(id);
  }

  consumerByUsername(username: string): Consumer | undefined {
    return this.consumersByUsername.get(username);
  }

  consumerByCustomId(customId: string): Consumer | undefined {
    return this.consumersByCustomId.get(customId);
  }

  /** A UUID is looked up by id, anything else by key. */
  credential(idOrKey: string): JwtCredential | undefined {
    return isUuid(idOrKey) ? this.credentialsById.get(idOrKey.toLowerCase()) : this.credentialsByKey.get(idOrKey);
  }

  credentialById(id: string): JwtCredential | undefined {
    return this.credentialsById.get(id);
  }

  credentialByKey(key: string): JwtCredential | undefined {
    return this.credentialsByKey.get(key);
  }

  consumers(): Consumer[] {
    return [...this.consumersById.values()];
  }

  credentials(consumerId?: string): JwtCredential[] {
    const all = [...this.credentialsById.values()];
    return consumerId === undefined ? all : all.filter((c) => c.consumer.id === consumerId);
  }

  /** Inserts or replaces (same id) a consumer; uniqueness is the caller's check. */
  saveConsumer(consumer: Consumer): void {
    const previous = this.consumersById.get(consumer.id);
    if (previous) this.unindexConsumer(previous);
    this.putConsumer(consumer);
    this.persist();
  }

  /** Deletes a consumer and, like Kong's cascade, its credentials. */
  deleteConsumer(consumer: Consumer): void {
    for (const credential of this.credentials(consumer.id)) this.unindexCredential(credential);
    this.unindexConsumer(consumer);
    this.persist();
  }

  saveCredential(credential: JwtCredential): void {
    const previous = this.credentialsById.get(credential.id);
    if (previous) this.unindexCredential(previous);
    this.putCredential(credential);
    this.persist();
  }

  deleteCredential(credential: JwtCredential): void {
    this.unindexCredential(credential);
    this.persist();
  }

  /** Resolves once every change made so far is on disk. */
  async flush(): Promise<void> {
    while (this.saving) await this.saving;
  }

  private putConsumer(consumer: Consumer): void {
    this.consumersById.set(consumer.id, consumer);
    if (consumer.username !== null) this.consumersByUsername.set(consumer.username, consumer);
    if (consumer.custom_id !== null) this.consumersByCustomId.set(consumer.custom_id, consumer);
  }

  private unindexConsumer(consumer: Consumer): void {
    this.consumersById.delete(consumer.id);
    if (consumer.username !== null) this.consumersByUsername.delete(consumer.username);
    if (consumer.custom_id !== null) this.consumersByCustomId.delete(consumer.custom_id);
  }

  private putCredential(credential: JwtCredential): void {
    this.credentialsById.set(credential.id, credential);
    this.credentialsByKey.set(credential.key, credential);
  }

  private unindexCredential(credential: JwtCredential): void {
    this.credentialsById.delete(credential.id);
    this.credentialsByKey.delete(credential.key);
  }

  /**
   * Writes are coalesced: a burst of Admin API changes costs one write, done
   * off the request path; temp file + rename keeps the file whole on a crash.
   */
  private persist(): void {
    if (!this.file) return;
    this.saving ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.write());
  }

  private write(): void {
    const file = this.file!;
    try {
      const snapshot: Snapshot = { consumers: this.consumers(), jwt_secrets: this.credentials() };
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(`${file}.tmp`, JSON.stringify(snapshot));
      renameSync(`${file}.tmp`, file);
    } catch (err) {
      console.error(`gateway: cannot save data to ${file}: ${(err as Error).message}`);
    } finally {
      this.saving = null;
    }
  }
}
