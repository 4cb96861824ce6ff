// When a failed try of the upstream is tried again: nginx's proxy_next_upstream
// (error timeout, Kong's template) with Kong's set_more_tries (the service's
// `retries`), and its non_idempotent rule. Pure: the proxy's loop asks it.
import type { TryFailure } from './upstream';

/** Methods nginx does not send twice once a try may have reached the upstream (proxy_next_upstream without `non_idempotent`, as Kong's template has it). */
const NON_IDEMPOTENT = new Set(['POST', 'LOCK', 'PATCH']);

/** A service's tries in all: the first, then `retries` more. */
export const firstTries = (retries: number): number => retries + 1;

/**
 * The tries left after one failed, `tries` counting the failed one; 0 means
 * answering with this failure. A connection error or a timeout is tried
 * again, unless the request may have reached the upstream and its method
 * is not idempotent; an error on a kept-alive connection (the upstream may
 * have closed it meanwhile) does not use up a try; an unresolvable name or
 * an invalid answer is never tried again.
 */
export function triesAfter(failure: Pick<TryFailure, 'kind' | 'sent' | 'reused'>, tries: number, method: string): number {
  const retriable = (failure.kind === 'error' || failure.kind === 'timeout') && !(failure.sent && NON_IDEMPOTENT.has(method));
  if (!retriable) return 0;
  return failure.reused && failure.kind === 'error' ? tries : tries - 1;
}
