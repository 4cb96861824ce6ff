// Kong's acl plugin (kong/plugins/acl/handler.lua and groups.lua, 3.9): after
// the authentication plugins (priority 950), the consumer's groups (its acls
// entities) against the allow or deny list; Kong's 401 when nobody was
// authenticated, 403 `You cannot consume this service` when the groups do not
// pass, and the groups upstream in X-Consumer-Groups unless hidden.
import { response, type Exit, type Plugin, type PluginServices, type RequestContext } from '../../core/plugin';
import type { Collection } from '../../core/store';
import { acls, type Acl } from './daos';
import type { AclConfig } from './schema';

/** kong.constants HEADERS.CONSUMER_GROUPS / AUTHENTICATED_GROUPS. */
const CONSUMER_GROUPS = 'X-Consumer-Groups';
const AUTHENTICATED_GROUPS = 'X-Authenticated-Groups';
const FORBIDDEN = 'You cannot consume this service';

export class AclHandler implements Plugin {
  static readonly NAME = 'acl';
  static readonly PRIORITY = 950;

  private readonly acls: Collection<Acl>;

  constructor(private readonly config: AclConfig, { store }: PluginServices) {
    this.acls = store.collection(acls);
  }

  access(ctx: RequestContext): Exit | undefined {
    // groups.get_current_consumer_id: the authenticated consumer (a credential's own consumer_id is never set for this gateway's credentials).
    let consumerId = ctx.consumer?.id;
    let verdict: true | string;
    if (consumerId === undefined) {
      const groups = ctx.authenticatedGroups;
      if (!groups) return ctx.credential ? response.error(403, FORBIDDEN) : response.error(401, 'Unauthorized');
      verdict = this.verdict(groups);
    } else {
      // Authenticated groups override an anonymous consumer's (or, if asked, any consumer's) groups.
      const groups = !ctx.credential || this.config.alwaysUseAuthenticatedGroups ? ctx.authenticatedGroups : undefined;
      if (groups) {
        consumerId = undefined;
        verdict = this.verdict(groups);
      } else {
        // Kong reads them in the database's order (by id), as each_for_consumer pages.
        const consumerGroups = this.acls.all(consumerId).sort((a, b) => (a.id < b.id ? -1 : 1)).map((acl) => acl.group);
        if (consumerGroups.length === 0 && this.config.type === 'allow') {
          return ctx.credential ? response.error(403, FORBIDDEN) : response.error(401, 'Unauthorized');
        }
        verdict = this.verdict(consumerGroups);
      }
    }
    if (verdict === true) return response.error(403, FORBIDDEN);
    if (!this.config.hideGroupsHeader) {
      const name = consumerId !== undefined ? CONSUMER_GROUPS : AUTHENTICATED_GROUPS;
      // ngx.req.set_header with an empty value (a deny list, a consumer in no
      // group) removes the header rather than sending it empty.
      if (verdict === '') ctx.headers.clear(name);
      else ctx.headers.set(name, verdict);
    }
    return undefined;
  }

  /** get_to_be_blocked: true to refuse, else the header value (the groups joined by ", "). */
  private verdict(groups: readonly string[]): true | string {
    const inGroup = this.config.groups.some((group) => groups.includes(group));
    const blocked = this.config.type === 'deny' ? inGroup : !inGroup;
    return blocked ? true : groups.join(', ');
  }
}
