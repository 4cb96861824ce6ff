// Kong's entity rules (kong/db/schema, kong/db/errors.lua): field checks, error
// objects and how a write is validated, shared by every entity. An entity's own
// description (consumers.ts, a plugin's daos.ts) says only what is particular to it.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { Store } from './store';
import { isRecord, isUuid, nowSeconds } from './util';

/** An Admin API answer other than success. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly body: Record<string, unknown>) {
    super(String(body.message));
  }
}

export const notFound = () => new ApiError(404, { message: 'Not found' });
export const methodNotAllowed = () => new ApiError(405, { message: 'Method not allowed' });

export type ErrorTree = Record<string, unknown>;
export type Input = Record<string, unknown>;

/** What every entity has. */
export interface Entity {
  id: string;
  created_at: number;
  tags: string[] | null;
}

/**
 * An entity of a schema with a ttl: when it vanishes (seconds since the
 * epoch), or null. The Admin API shows the seconds left as `ttl` instead.
 */
export interface Expiring {
  expires_at: number | null;
}

/** An entity owned by a consumer, such as a credential. */
export interface Credential extends Entity {
  consumer: { id: string };
}

/** pl.pretty.write(t, ""), as Kong prints keys in messages: keys sorted, strings quoted, no spaces. */
function pretty(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${k}=${pretty(v)}`).join(',')}}`;
}

function schemaViolation(errors: ErrorTree): ApiError {
  const { '@entity': entity, ...fields } = errors;
  const lines = [...((entity as string[] | undefined) ?? [])];
  for (const name of Object.keys(fields).sort()) {
    const error = fields[name];
    if (typeof error === 'object' && error !== null) {
      // Record fields by name, set elements by position counted from 1 as Lua does.
      for (const [sub, message] of Object.entries(error)) {
        if (message !== null) lines.push(`${name}.${Array.isArray(error) ? Number(sub) + 1 : sub}: ${message}`);
      }
    } else {
      lines.push(`${name}: ${error}`);
    }
  }
  const message = lines.length === 1 ? `schema violation (${lines[0]})` : `${lines.length} schema violations (${lines.join('; ')})`;
  return new ApiError(400, { code: 2, name: 'schema violation', message, fields: errors });
}

/** Kong's unique_violation: the unique field, or every field of a composite cache_key. */
function uniqueViolation(fields: Record<string, unknown>): ApiError {
  return new ApiError(409, {
    code: 5,
    name: 'unique constraint violation',
    message: `UNIQUE violation detected on '${pretty(fields)}'`,
    fields,
  });
}

function primaryKeyViolation(id: string): ApiError {
  return new ApiError(400, {
    code: 3,
    name: 'primary key violation',
    message: `primary key violation on key '${pretty({ id })}'`,
    fields: { id },
  });
}

function foreignKeyViolation(consumerId: string): ApiError {
  return new ApiError(400, {
    code: 4,
    name: 'foreign key violation',
    message: `the foreign key '${pretty({ id: consumerId })}' does not reference an existing 'consumers' entity.`,
    fields: { consumer: { id: consumerId } },
  });
}

/** Checks one field's value: an error (string, or a tree for records and sets) or undefined. */
export type FieldCheck = (value: unknown) => unknown;

export const string: FieldCheck = (v) =>
  typeof v !== 'string' ? 'expected a string' : v === '' ? 'length must be at least 1' : undefined;
const uuid: FieldCheck = (v) => string(v) ?? (isUuid(v as string) ? undefined : 'expected a valid UUID');
const integer: FieldCheck = (v) => (Number.isInteger(v) ? undefined : 'expected an integer');

export const oneOf = (options: readonly string[]): FieldCheck => (v) =>
  string(v) ?? (options.includes(v as string) ? undefined : `expected one of: ${options.join(', ')}`);

/** Printable ASCII except ',' and '/' (they separate tags in filters), or any non-ASCII. */
export const TAG_CHARS = ' !-+\\-.0-~\\u{80}-\\u{10FFFF}';
const TAG = new RegExp(`^[${TAG_CHARS}]+$`, 'u');
const tags: FieldCheck = (v) => {
  if (!Array.isArray(v)) return 'expected a set';
  const errors = v.map((tag) =>
    string(tag) ?? (TAG.test(tag) ? null : `invalid tag '${tag}': expected printable ascii (except \`,\` and \`/\`) or valid utf-8 sequences`),
  );
  return errors.some((e) => e !== null) ? errors : undefined;
};
const consumerReference: FieldCheck = (v) => {
  if (!isRecord(v)) return 'expected a record';
  const errors: ErrorTree = {};
  for (const key of Object.keys(v)) if (key !== 'id') errors[key] = 'unknown field';
  const id = v.id;
  if (id === undefined || id === null) errors.id = 'required field missing';
  else if (uuid(id)) errors.id = uuid(id);
  return Object.keys(errors).length > 0 ? errors : undefined;
};

export const nonEmpty = (v: unknown) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);

/** Kong's generated keys and secrets: 24 random bytes in base64, '+' and '/' replaced: 32 of [A-Za-z0-9]. */
export function randomKey(): string {
  const alphanumeric = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return randomBytes(24).toString('base64').replace(/[+/]/g, () => alphanumeric[randomInt(alphanumeric.length)]);
}

/** The fields every entity has, which the generic write rules below fill in. */
type CommonField = 'id' | 'created_at' | 'updated_at' | 'consumer' | 'tags' | 'expires_at';

/** One kind of entity, as Kong's DAO definitions describe it. */
export interface EntitySchema<T extends Entity = Entity> {
  /** The DAO name, also the entity's key in the data file. */
  name: string;
  /** The top-level Admin API collection: /<adminApiName>, /<adminApiName>/{id or endpoint key}. */
  adminApiName: string;
  /**
   * Set for entities owned by a consumer (a required `consumer` reference,
   * deleted with it): also served under /consumers/{c}/<adminApiNestedName>.
   */
  adminApiNestedName?: string;
  /** What a URL may name an entity by, besides its id (Kong's endpoint_key); none: by id only. */
  endpointKey?: string & keyof T;
  /**
   * For an entity owned by a consumer: what the nested path
   * /consumers/{c}/<adminApiNestedName>/{ref} may name it by within that
   * consumer, besides its id; a PUT naming an unknown one creates it with that
   * value unless the body gives another (as acl's api.lua does for `group`).
   */
  nestedKey?: string & keyof T;
  /** Fields no two entities may share, checked in this order; the endpoint key is one. */
  unique: readonly (string & keyof T)[];
  /**
   * A composite cache_key (Kong's daos.lua `cache_key` of more than one
   * field, stored as a unique column): no two entities may agree on all of
   * them. A `consumer` field compares the consumer's id.
   */
  cacheKey?: readonly (string & keyof T)[];
  /** Consumers have updated_at (Kong 3.3+); credentials do not. */
  updatedAt?: boolean;
  /** Kong's `ttl = true`: writes may give a `ttl` in seconds, after which the entity is gone. */
  ttl?: boolean;
  /** The entity's own fields and their checks. */
  fields: Record<string, FieldCheck>;
  /** Checks across fields of the input as it will be stored; they add to the field errors. */
  check?(merged: Input, errors: ErrorTree): void;
  /** The entity's own fields, in Kong's order, from valid input (defaults and generated values filled in). */
  build(merged: Input): Omit<T, CommonField>;
}

/** How a write combines with what exists: insert, replace (PUT) or merge (PATCH). */
export type WriteMode = 'insert' | 'replace' | 'merge';

/** Field errors of an input; null means "unset" and is always allowed. */
function fieldErrors(input: Input, schema: EntitySchema<Entity>): ErrorTree {
  const errors: ErrorTree = {};
  for (const [name, value] of Object.entries(input)) {
    let check: FieldCheck;
    if (Object.hasOwn(schema.fields, name)) check = schema.fields[name];
    else if (name === 'id') check = uuid;
    else if (name === 'created_at' || (name === 'updated_at' && schema.updatedAt)) check = integer;
    else if (name === 'tags') check = tags;
    else if (name === 'consumer' && schema.adminApiNestedName) check = consumerReference;
    else check = () => 'unknown field';
    const error = value === null ? undefined : check(value);
    if (error !== undefined) errors[name] = error;
  }
  return errors;
}

/** Kong's DAO_MAX_TTL. */
const MAX_TTL = 100000000;

function invalidTtl(): ApiError {
  const error = `must be an integer between 0 and ${MAX_TTL}`;
  return new ApiError(400, { code: 11, name: 'invalid options', message: `invalid option (ttl: ${error})`, options: { ttl: error } });
}

/**
 * When a written entity expires. Kong takes `ttl` as an option of the write,
 * not a field: 0 or none means never; an update without one keeps the old expiry.
 */
function expiry(ttl: number | undefined, mode: WriteMode, createdAt: number, existing: Partial<Expiring> | undefined): number | null {
  if (ttl === undefined) return mode === 'merge' ? existing?.expires_at ?? null : null;
  if (ttl === 0) return null;
  return (mode === 'merge' ? nowSeconds() : createdAt) + ttl;
}

/** What the Admin API shows of an entity: the seconds an expiring one has left, as `ttl`. */
export function present<T extends Entity>(schema: EntitySchema<T>, entity: T): unknown {
  if (!schema.ttl) return entity;
  const { expires_at: expiresAt, ...shown } = entity as T & Expiring;
  return { ...shown, ttl: expiresAt === null ? null : Math.floor(expiresAt - Date.now() / 1000) };
}

/** Validates a write and returns the entity to store, or throws Kong's error. */
export function buildEntity<T extends Entity>(schema: EntitySchema<T>, store: Store, written: Input, mode: WriteMode, existing?: T): T {
  const { ttl, ...fields } = written;
  const input = schema.ttl ? fields : written;
  // Kong checks the write's options before the entity.
  const validTtl = ttl === undefined || ttl === null || (typeof ttl === 'number' && Number.isInteger(ttl) && ttl >= 0 && ttl <= MAX_TTL);
  if (schema.ttl && !validTtl) throw invalidTtl();
  const errors = fieldErrors(input, schema as unknown as EntitySchema<Entity>);
  const { expires_at: _expiresAt, ...kept } = (existing ?? {}) as Partial<Expiring>;
  const merged: Input = mode === 'merge' ? { ...kept, ...input } : input;
  if (schema.adminApiNestedName && !nonEmpty(merged.consumer)) errors.consumer = 'required field missing';
  schema.check?.(merged, errors);
  if (Object.keys(errors).length > 0) throw schemaViolation(errors);

  let consumer: { id: string } | undefined;
  if (schema.adminApiNestedName) {
    consumer = { id: ((merged.consumer as { id: string }).id).toLowerCase() };
    if (!store.consumers.byId(consumer.id)) throw foreignKeyViolation(consumer.id);
  }
  const collection = store.collection(schema);
  const id = existing?.id ?? (input.id as string | undefined)?.toLowerCase() ?? randomUUID();
  if (mode === 'insert' && collection.byId(id)) throw primaryKeyViolation(id);
  const createdAt = (input.created_at as number | null | undefined) ?? existing?.created_at ?? nowSeconds();
  const entity = {
    id,
    created_at: createdAt,
    ...(schema.updatedAt ? { updated_at: (input.updated_at as number | null | undefined) ?? nowSeconds() } : {}),
    ...(consumer ? { consumer } : {}),
    ...schema.build(merged),
    tags: (merged.tags as string[] | null | undefined) ?? null,
    ...(schema.ttl ? { expires_at: expiry((ttl ?? undefined) as number | undefined, mode, createdAt, existing as Partial<Expiring> | undefined) } : {}),
  } as unknown as T;
  for (const field of schema.unique) {
    const value = entity[field] as string | null;
    if (value === null) continue;
    const same = collection.find(field, value);
    if (same && same.id !== id) throw uniqueViolation({ [field]: value });
  }
  if (schema.cacheKey) {
    const key = (e: T) => JSON.stringify(schema.cacheKey!.map((field) => (field === 'consumer' ? (e as unknown as Credential).consumer.id : e[field])));
    const wanted = key(entity);
    const candidates = consumer ? collection.all(consumer.id) : collection.all();
    if (candidates.some((other) => other.id !== id && key(other) === wanted)) {
      throw uniqueViolation(Object.fromEntries(schema.cacheKey.map((field) => [field, entity[field]])));
    }
  }
  return entity;
}
