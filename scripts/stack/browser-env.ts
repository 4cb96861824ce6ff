/** The local stack's settings for browser sessions (design 003). */

/**
 * The handlers' browser-session settings for a stack whose gateway proxy is
 * `proxyUrl`: plain http, so no Secure cookie; the pages' origins as a browser
 * names them; the identity tokens' issuer; and the JWKS, which the profile functions fetch
 * through the gateway as they would in AWS.
 */
export function browserEnv(proxyUrl: string): Record<string, string> {
  const { port } = new URL(proxyUrl);
  return {
    SESSION_COOKIE_SECURE: 'false',
    BROWSER_ALLOWED_ORIGINS: `http://127.0.0.1:${port},http://localhost:${port}`,
    // Identity tokens are signed with the service's keys (lib/keys), whose issuer is the proxy here.
    IDENTITY_TOKEN_ISSUER: proxyUrl,
    IDENTITY_JWKS_URL: `${proxyUrl}/.well-known/jwks.json`,
    // Passkeys: WebAuthn takes no IP address as relying party ID, so the pages use passkeys at http://localhost:<port>
    // (a secure context for browsers, as https is).
    WEBAUTHN_RP_ID: 'localhost',
    WEBAUTHN_ORIGINS: `http://localhost:${port}`,
  };
}
