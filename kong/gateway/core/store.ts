// Consumers and the entities plugins register, indexed in memory for the
// proxy's hot path and optionally persisted to a JSON file so they survive restarts.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { consumers, type Consumer } from './consumers';
import type { Credential, Entity, EntitySchema, Expiring } from './entities';
import { isUuid } from './util';

/** The consumer an entity belongs to, if it is a credential-like entity. */
const ownerOf = (entity: Entity): string | undefined => (entity as Partial<Credential>).consumer?.id;

/** The entities of one schema, by id, by each unique field and by owning consumer. */
export class Collection<T extends Entity> {
  private readonly byIds = new Map<string, T>();
  private readonly indexes = new Map<string, Map<unknown, T>>();
  /** For entities owned by consumers: each consumer's, so a request looks up its own without a scan. */
  private readonly byOwner = new Map<string, Set<T>>();

  constructor(readonly schema: EntitySchema<T>, private readonly changed: () => void) {
    for (const field of schema.unique) this.indexes.set(field, new Map());
  }

  /** A UUID is looked up by id, anything else by the endpoint key (Kong's endpoint_key), if the entity has one. */
  get(ref: string): T | undefined {
    if (isUuid(ref)) return this.byId(ref.toLowerCase());
    return this.schema.endpointKey === undefined ? undefined : this.find(this.schema.endpointKey, ref);
  }

  byId(id: string): T | undefined {
    return this.live(this.byIds.get(id));
  }

  /** The entity holding this value of a unique field. */
  find(field: string & keyof T, value: unknown): T | undefined {
    return this.live(this.indexes.get(field)!.get(value));
  }

  /** All entities, or those owned by one consumer. */
  all(consumerId?: string): T[] {
    const some = consumerId === undefined ? this.byIds.values() : this.byOwner.get(consumerId)?.values() ?? [];
    return [...some].filter((e) => this.live(e) !== undefined);
  }

  /**
   * An entity whose ttl ran out is gone, as Kong's reads skip rows past
   * their ttl; here it is also dropped then and there.
   */
  private live(entity: T | undefined): T | undefined {
    const expiresAt = (entity as Partial<Expiring> | undefined)?.expires_at;
    if (entity === undefined || expiresAt === undefined || expiresAt === null || expiresAt >= Date.now() / 1000) return entity;
    this.delete(entity);
    return undefined;
  }

  /** Inserts or replaces (same id) an entity; uniqueness is the caller's check. */
  save(entity: T): void {
    const previous = this.byIds.get(entity.id);
    if (previous) this.unindex(previous);
    this.put(entity);
    this.changed();
  }

  delete(entity: T): void {
    this.unindex(entity);
    this.changed();
  }

  /** Adds without persisting: for loading the data file. */
  put(entity: T): void {
    this.byIds.set(entity.id, entity);
    const owner = ownerOf(entity);
    if (owner !== undefined) {
      let owned = this.byOwner.get(owner);
      if (!owned) this.byOwner.set(owner, (owned = new Set()));
      owned.add(entity);
    }
    for (const [field, index] of this.indexes) {
      const value = entity[field as keyof T];
      if (value !== null) index.set(value, entity);
    }
  }

  private unindex(entity: T): void {
    this.byIds.delete(entity.id);
    const owner = ownerOf(entity);
    const owned = owner === undefined ? undefined : this.byOwner.get(owner);
    if (owned) {
      owned.delete(entity);
      if (owned.size === 0) this.byOwner.delete(owner!);
    }
    for (const [field, index] of this.indexes) {
      const value = entity[field as keyof T];
      if (value !== null) index.delete(value);
    }
  }
}

export class Store {
  readonly consumers: Collection<Consumer>;
  /** The plugins' entities, all owned by consumers, in registry order. */
  private readonly owned = new Map<string, Collection<Credential>>();
  private saving: Promise<void> | null = null;

  /** Opens the store; with a file, loads it (a missing file is an empty store). */
  constructor(schemas: readonly EntitySchema<any>[], private readonly file: string | null = null) {
    const persist = () => this.persist();
    this.consumers = new Collection(consumers, persist);
    for (const schema of schemas) this.owned.set(schema.name, new Collection(schema as EntitySchema<Credential>, persist));
    if (file) this.load(file);
  }

  collection<T extends Entity>(schema: EntitySchema<T>): Collection<T> {
    if (schema.name === consumers.name) return this.consumers as unknown as Collection<T>;
    const collection = this.owned.get(schema.name);
    if (!collection) throw new Error(`entity '${schema.name}' is not registered with the store`);
    return collection as unknown as Collection<T>;
  }

  /** Deletes a consumer and, like Kong's cascade, everything it owns. */
  deleteConsumer(consumer: Consumer): void {
    for (const collection of this.owned.values()) {
      for (const entity of collection.all(consumer.id)) collection.delete(entity);
    }
    this.consumers.delete(consumer);
  }

  /** Resolves once every change made so far is on disk. */
  async flush(): Promise<void> {
    while (this.saving) await this.saving;
  }

  private load(file: string): void {
    let snapshot: Record<string, unknown>;
    try {
      snapshot = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new Error(`cannot load gateway data from ${file}: ${(err as Error).message} (fix or delete the file)`);
    }
    // A collection the file lacks is empty: a data file outlives the addition of a plugin.
    const valid = Array.isArray(snapshot?.consumers) && [...this.owned.keys()].every((name) => snapshot[name] === undefined || Array.isArray(snapshot[name]));
    if (!valid) {
      const shape = ['consumers', ...this.owned.keys()].map((name) => `"${name}":[...]`).join(',');
      throw new Error(`cannot load gateway data from ${file}: expected {${shape}} (fix or delete the file)`);
    }
    for (const consumer of snapshot.consumers as Consumer[]) this.consumers.put(consumer);
    for (const [name, collection] of this.owned) {
      for (const entity of (snapshot[name] as Credential[] | undefined) ?? []) collection.put(entity);
    }
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
      const snapshot: Record<string, Entity[]> = { consumers: this.consumers.all() };
      for (const [name, collection] of this.owned) snapshot[name] = collection.all();
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
