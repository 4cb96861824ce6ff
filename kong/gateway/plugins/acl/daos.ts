// The acl plugin's entity (kong/plugins/acl/daos.lua, 3.9): acls, a consumer's
// membership of one group. Served at /consumers/{c}/acls (a group names its
// entry there, as kong/plugins/acl/api.lua does) and /acls (by id only: the
// entity has no endpoint_key). cache_key {consumer, group}: a consumer is in a
// group once.
import { string, type Credential, type EntitySchema } from '../../core/entities';

export interface Acl extends Credential {
  group: string;
}

export const acls: EntitySchema<Acl> = {
  name: 'acls',
  adminApiName: 'acls',
  adminApiNestedName: 'acls',
  nestedKey: 'group',
  unique: [],
  cacheKey: ['consumer', 'group'],
  fields: { group: string },
  check(merged, errors) {
    if ((merged.group === undefined || merged.group === null) && errors.group === undefined) errors.group = 'required field missing';
  },
  build: (merged) => ({ group: merged.group as string }),
};
