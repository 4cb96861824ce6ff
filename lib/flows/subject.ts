import type { ActiveAccount } from '../accounts';
import type { SessionSubject } from '../sessions';
import { hmacKey } from '../tokens';

/** Access tokens are signed with the account's Kong credential (HS256, the 000/002 design). */
export const subjectOf = (account: ActiveAccount): SessionSubject => ({
  accountId: account.id,
  username: account.username,
  signingKey: hmacKey(account.credential.key, account.credential.secret),
});
