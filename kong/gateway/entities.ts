// Kong's schemas for consumers and jwt_secrets, with Kong's error objects
// (kong/db/errors.lua) so Admin API clients see exactly what Kong answers.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { ALGORITHMS, parsePublicKey, PUBLIC_KEY_ALGORITHMS } from './jwt';
import { isUuid, type Consumer, type JwtCredential, type Store } from './store';

/** An Admin API answer other than success. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly body: Record<string, unknown>) {
    super(String(body.message));
  }
}

export const notFound = () => new ApiError(404, { message: 'Not found' });

type ErrorTree = Record<string, unknown>;
type Input = Record<string, unknown>;

/** pl.pretty's rendering of a one-field table, as Kong prints keys in messages. */
const pretty = (fields: Record<string, string>) =>
  `{${Object.entries(fields).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;

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

function uniqueViolation(field: string, value: string): ApiError {
  return new ApiError(409, {
    code: 5,
    name: 'unique constraint violation',
    message: `UNIQUE violation detected on '${pretty({ [field]: value })}'`,
    fields: { [field]: value },
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

// Field checks return an error (string, or a tree for records and sets) or undefined.
type FieldCheck = (value: unknown) => unknown;

const string: FieldCheck = (v) =>
  typeof v !== 'string' ? 'expected a string' : v === '' ? 'length must be at least 1' : undefined;
const uuid: FieldCheck = (v) => string(v) ?? (isUuid(v as string) ? undefined : 'expected a valid UUID');
const integer: FieldCheck = (v) => (Number.isInteger(v) ? undefined : 'expected an integer');
const algorithm: FieldCheck = (v) =>
  string(v) ?? ((ALGORITHMS as readonly string[]).includes(v as string) ? undefined : `expected one of: ${ALGORITHMS.join(', ')}`);

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
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'expected a record';
  const errors: ErrorTree = {};
  for (const key of Object.keys(v)) if (key !== 'id') errors[key] = 'unknown field';
  const id = (v as Input).id;
  if (id === undefined || id === null) errors.id = 'required field missing';
  else if (uuid(id)) errors.id = uuid(id);
  return Object.keys(errors).length > 0 ? errors : undefined;
};

const CONSUMER_FIELDS: Record<string, FieldCheck> = {
  id: uuid, created_at: integer, updated_at: integer, username: string, custom_id: string, tags,
};
const CREDENTIAL_FIELDS: Record<string, FieldCheck> = {
  id: uuid, created_at: integer, consumer: consumerReference, key: string, secret: string,
  rsa_public_key: string, algorithm, tags,
};

/** Field errors of an input; null means "unset" and is always allowed. */
function fieldErrors(input: Input, fields: Record<string, FieldCheck>): ErrorTree {
  const errors: ErrorTree = {};
  for (const [name, value] of Object.entries(input)) {
    const check = Object.hasOwn(fields, name) ? fields[name] : () => 'unknown field';
    const error = value === null ? undefined : check(value);
    if (error !== undefined) errors[name] = error;
  }
  return errors;
}

const nonEmpty = (v: unknown) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);
const now = () => Math.floor(Date.now() / 1000);

/** Kong's generated key/secret: 24 random bytes in base64, '+' and '/' replaced: 32 of [A-Za-z0-9]. */
function randomString(): string {
  const alphanumeric = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return randomBytes(24).toString('base64').replace(/[+/]/g, () => alphanumeric[randomInt(alphanumeric.length)]);
}

/** How a write combines with what exists: insert, replace (PUT) or merge (PATCH). */
export type WriteMode = 'insert' | 'replace' | 'merge';

/** Validates a consumer write and returns the entity to store, or throws Kong's error. */
export function buildConsumer(store: Store, input: Input, mode: WriteMode, existing?: Consumer): Consumer {
  const errors = fieldErrors(input, CONSUMER_FIELDS);
  const merged = mode === 'merge' ? { ...existing, ...input } : input;
  if (!nonEmpty(merged.username) && !nonEmpty(merged.custom_id)) {
    errors['@entity'] = ["at least one of these fields must be non-empty: 'custom_id', 'username'"];
  }
  if (Object.keys(errors).length > 0) throw schemaViolation(errors);

  const id = existing?.id ?? (input.id as string | undefined)?.toLowerCase() ?? randomUUID();
  if (mode === 'insert' && store.consumerById(id)) throw primaryKeyViolation(id);
  const consumer: Consumer = {
    id,
    created_at: (input.created_at as number | undefined) ?? existing?.created_at ?? now(),
    updated_at: (input.updated_at as number | undefined) ?? now(),
    username: (merged.username as string | null | undefined) ?? null,
    custom_id: (merged.custom_id as string | null | undefined) ?? null,
    tags: (merged.tags as string[] | null | undefined) ?? null,
  };
  const sameUsername = consumer.username === null ? undefined : store.consumerByUsername(consumer.username);
  if (sameUsername && sameUsername.id !== id) throw uniqueViolation('username', consumer.username!);
  const sameCustomId = consumer.custom_id === null ? undefined : store.consumerByCustomId(consumer.custom_id);
  if (sameCustomId && sameCustomId.id !== id) throw uniqueViolation('custom_id', consumer.custom_id!);
  return consumer;
}

/** Validates a JWT credential write and returns the entity to store, or throws Kong's error. */
export function buildCredential(store: Store, input: Input, mode: WriteMode, existing?: JwtCredential): JwtCredential {
  const errors = fieldErrors(input, CREDENTIAL_FIELDS);
  const merged: Input = mode === 'merge' ? { ...existing, ...input } : input;
  if (!nonEmpty(merged.consumer)) errors.consumer = 'required field missing';
  const alg = (merged.algorithm as string | null | undefined) ?? 'HS256';
  if (!errors.algorithm && PUBLIC_KEY_ALGORITHMS.includes(alg) && !errors.rsa_public_key) {
    const pem = merged.rsa_public_key;
    const keyError = typeof pem !== 'string' ? 'required field missing' : parsePublicKey(pem) ? undefined : 'invalid key';
    if (keyError) {
      errors.rsa_public_key = keyError;
      errors['@entity'] = ["failed conditional validation given value of field 'algorithm'"];
    }
  }
  if (Object.keys(errors).length > 0) throw schemaViolation(errors);

  const consumerId = ((merged.consumer as { id: string }).id).toLowerCase();
  if (!store.consumerById(consumerId)) throw foreignKeyViolation(consumerId);
  const id = existing?.id ?? (input.id as string | undefined)?.toLowerCase() ?? randomUUID();
  if (mode === 'insert' && store.credentialById(id)) throw primaryKeyViolation(id);
  // Omitted key and secret are generated, except when a PATCH keeps the old ones.
  const generated = (name: 'key' | 'secret') => (merged[name] as string | null | undefined) ?? randomString();
  const credential: JwtCredential = {
    id,
    created_at: (input.created_at as number | undefined) ?? existing?.created_at ?? now(),
    consumer: { id: consumerId },
    key: generated('key'),
    secret: generated('secret'),
    rsa_public_key: (merged.rsa_public_key as string | null | undefined) ?? null,
    algorithm: alg,
    tags: (merged.tags as string[] | null | undefined) ?? null,
  };
  const sameKey = store.credentialByKey(credential.key);
  if (sameKey && sameKey.id !== id) throw uniqueViolation('key', credential.key);
  return credential;
}
