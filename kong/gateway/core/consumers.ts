// The consumer entity (kong/db/schema/entities/consumers.lua): the one entity
// the core owns; plugins' credentials hang off it.
import { nonEmpty, string, type Entity, type EntitySchema } from './entities';

export interface Consumer extends Entity {
  updated_at: number;
  username: string | null;
  custom_id: string | null;
}

export const consumers: EntitySchema<Consumer> = {
  name: 'consumers',
  adminApiName: 'consumers',
  endpointKey: 'username',
  unique: ['username', 'custom_id'],
  updatedAt: true,
  fields: { username: string, custom_id: string },
  check(merged, errors) {
    if (!nonEmpty(merged.username) && !nonEmpty(merged.custom_id)) {
      errors['@entity'] = ["at least one of these fields must be non-empty: 'custom_id', 'username'"];
    }
  },
  build: (merged) => ({
    username: (merged.username as string | null | undefined) ?? null,
    custom_id: (merged.custom_id as string | null | undefined) ?? null,
  }),
};
