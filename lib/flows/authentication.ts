/**
 * How and when the user of a browser session signed in, as ID tokens say it
 * (`auth_time`, `amr`, RFC 8176): the one place that reads it, so that second
 * factors, once sessions record them (`amr` on the session, e.g.
 * ["pwd","otp"]), reach ID tokens with no other change. A session without
 * `amr` was a password sign-in at its start.
 */
export function authenticationOf(session: { createdAt: number; amr?: readonly string[]; authTime?: number }): { authTime: number; amr: string[] } {
  return {
    authTime: session.authTime ?? session.createdAt,
    amr: session.amr && session.amr.length > 0 ? [...session.amr] : ['pwd'],
  };
}
