// The acl plugin's configuration (kong/plugins/acl/schema.lua, 3.9), with Kong's
// defaults and entity checks: exactly one of allow / deny.
import { boolean, fail, field, list, mapping, text } from '../../core/schema';

export interface AclConfig {
  /** DENY when deny has an entry (handler.lua: `(conf.deny or EMPTY)[1]`), else ALLOW. */
  type: 'allow' | 'deny';
  /** The allow or the deny list, whichever the type says. */
  groups: string[];
  hideGroupsHeader: boolean;
  alwaysUseAuthenticatedGroups: boolean;
}

const FIELDS = ['allow', 'deny', 'hide_groups_header', 'always_use_authenticated_groups'];

export function aclSchema(value: unknown, where: string): AclConfig {
  const c = mapping(value, where, FIELDS);
  const allow = field(c, 'allow', where, list(text), null);
  const deny = field(c, 'deny', where, list(text), null);
  // entity_checks: only_one_of then at_least_one_of, "non-empty" as Kong's checkers count it (an empty array is empty).
  const given = (groups: string[] | null) => groups !== null && groups.length > 0;
  if (given(allow) && given(deny)) fail(where, "only one of these fields must be non-empty: 'config.allow', 'config.deny'");
  if (!given(allow) && !given(deny)) fail(where, "at least one of these fields must be non-empty: 'config.allow', 'config.deny'");
  const type = given(deny) ? 'deny' : 'allow';
  return {
    type,
    groups: (type === 'deny' ? deny : allow)!,
    hideGroupsHeader: field(c, 'hide_groups_header', where, boolean, false),
    alwaysUseAuthenticatedGroups: field(c, 'always_use_authenticated_groups', where, boolean, false),
  };
}
