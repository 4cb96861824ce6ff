/**
 * Every HTTP route of the service, once: which function answers it, its
 * handler, the Kong service (audience) whose plugins guard it, its Kong route,
 * and each method and path with its OpenAPI operation.
 *
 * The places that must agree with it are checked, not generated:
 * test/unit/routes.test.ts reads serverless.yml (functions, their http
 * events, the policy that lets Kong invoke them), kong/kong.yml (rendered as
 * the local stack renders it) and openapi.yaml, and names whatever is missing
 * or different. Those files stay hand-written (comments, role and environment
 * per function, plugins per service, the operations' descriptions), so this
 * table holds only what they must share. docs/adding-a-route.md: the steps.
 *
 * Data only, imported by no handler: no function bundles it.
 */

/** The Kong services of kong/kong.yml: one per audience, carrying the plugins their routes share. */
export type KongService =
  | 'public' // signup, signin, refresh, revoke: cors, a limit per client address
  | 'documents' // public keys, discovery, the OpenAPI description: cors (GET), a limit per address
  | 'pages' // pages and the health check: no credentials, no cors
  | 'token' // jwt, a limit per consumer
  | 'browser-session' // the identity provider of browser sessions: cors with credentials
  | 'userprofile' // the user-profile API: cors with credentials, forward-auth
  | 'userprofile-pages' // the user-profile pages: forward-auth
  | 'services' // for resource services: key-auth
  | 'admin' // the operators' API: key-auth, acl auth-admins
  | 'oauth'; // the OAuth/OpenID provider's endpoints: a limit per client address; the token endpoint answers its own CORS

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/** `METHOD /path`, the path as OpenAPI and serverless.yml write it. */
export type Operation = `${Method} /${string}`;

export interface Route {
  /**
   * The function's name in serverless.yml; Kong's aws-lambda plugin invokes
   * DECK_FUNCTION_PREFIX + this name.
   */
  function: string;
  /** serverless.yml's `handler`: the file without `.ts`, then the export. */
  handler: string;
  service: KongService;
  /** The Kong route's name in kong/kong.yml. */
  route: string;
  /**
   * Each method and path the route takes, with its OpenAPI operationId. The
   * Kong route takes every method with every path, so list them all. A path
   * ending in `{param}` is a prefix in Kong (the part before it).
   * OPTIONS: CORS preflights, which Kong's cors plugin answers; the function
   * gets no http event for them.
   */
  operations: Record<Operation, string>;
  /**
   * The function answers its CORS preflights itself, Kong's cors plugin
   * being absent: the OAuth token endpoint, whose allowed origins are the
   * registered public clients' (functions/oauth/token.ts).
   */
  preflightByFunction?: true;
}

export const ROUTES: readonly Route[] = [
  // Kong service `public` (functions/public)
  {
    function: 'signup', handler: 'functions/public/signup.handler', service: 'public', route: 'signup',
    operations: { 'POST /api/public/signup': 'signup', 'OPTIONS /api/public/signup': 'preflightPublicSignup' },
  },
  {
    function: 'signin', handler: 'functions/public/signin.handler', service: 'public', route: 'signin',
    operations: { 'POST /api/public/signin': 'signin', 'OPTIONS /api/public/signin': 'preflightPublicSignin' },
  },
  {
    function: 'signinMfa', handler: 'functions/public/signin-mfa.handler', service: 'public', route: 'signin-mfa',
    operations: { 'POST /api/public/signin/mfa': 'signinMfa', 'OPTIONS /api/public/signin/mfa': 'preflightPublicSigninMfa' },
  },
  {
    function: 'passkeySignin', handler: 'functions/public/passkey-signin.handler', service: 'public', route: 'passkey-signin',
    operations: {
      'POST /api/public/passkey/options': 'passkeySigninOptions',
      'OPTIONS /api/public/passkey/options': 'preflightPublicPasskeyOptions',
      'POST /api/public/passkey/verify': 'passkeySignin',
      'OPTIONS /api/public/passkey/verify': 'preflightPublicPasskeyVerify',
    },
  },
  {
    function: 'refresh', handler: 'functions/public/refresh.handler', service: 'public', route: 'refresh',
    operations: { 'POST /api/public/refresh': 'refresh', 'OPTIONS /api/public/refresh': 'preflightPublicRefresh' },
  },
  {
    function: 'revoke', handler: 'functions/public/revoke.handler', service: 'public', route: 'revoke',
    operations: { 'POST /api/public/revoke': 'revoke', 'OPTIONS /api/public/revoke': 'preflightPublicRevoke' },
  },

  {
    function: 'passwordForgot', handler: 'functions/public/password-forgot.handler', service: 'public', route: 'password-forgot',
    operations: { 'POST /api/public/password/forgot': 'forgotPassword', 'OPTIONS /api/public/password/forgot': 'preflightPublicPasswordForgot' },
  },
  {
    function: 'passwordReset', handler: 'functions/public/password-reset.handler', service: 'public', route: 'password-reset',
    operations: { 'POST /api/public/password/reset': 'resetPassword', 'OPTIONS /api/public/password/reset': 'preflightPublicPasswordReset' },
  },
  {
    function: 'emailVerify', handler: 'functions/public/email-verify.handler', service: 'public', route: 'email-verify',
    operations: { 'POST /api/public/email/verify': 'verifyEmail', 'OPTIONS /api/public/email/verify': 'preflightPublicEmailVerify' },
  },
  {
    function: 'emailResend', handler: 'functions/public/email-resend.handler', service: 'public', route: 'email-resend',
    operations: { 'POST /api/public/email/resend': 'resendVerification', 'OPTIONS /api/public/email/resend': 'preflightPublicEmailResend' },
  },

  // Kong service `documents` (functions/public)
  {
    function: 'jwks', handler: 'functions/public/jwks.handler', service: 'documents', route: 'jwks',
    operations: { 'GET /.well-known/jwks.json': 'jwks', 'OPTIONS /.well-known/jwks.json': 'preflightWellKnownJwksJson' },
  },
  {
    function: 'openidConfiguration', handler: 'functions/public/openid-configuration.handler', service: 'documents', route: 'openid-configuration',
    operations: {
      'GET /.well-known/openid-configuration': 'openidConfiguration',
      'OPTIONS /.well-known/openid-configuration': 'preflightWellKnownOpenidConfiguration',
    },
  },
  {
    function: 'openapiDescription', handler: 'functions/public/openapi.handler', service: 'documents', route: 'openapi-description',
    operations: { 'GET /api/public/openapi.json': 'openapiDescription', 'OPTIONS /api/public/openapi.json': 'preflightPublicOpenapiJson' },
  },

  // Kong service `pages` (functions/pages, functions/public)
  {
    function: 'signinPage', handler: 'functions/pages/signin.handler', service: 'pages', route: 'signin-page',
    operations: { 'GET /signin': 'signinPage' },
  },
  {
    function: 'registerPage', handler: 'functions/pages/register.handler', service: 'pages', route: 'register-page',
    operations: { 'GET /register': 'registerPage' },
  },
  {
    function: 'recoveryPages', handler: 'functions/pages/recovery.handler', service: 'pages', route: 'recovery-pages',
    operations: { 'GET /password/forgot': 'forgotPasswordPage', 'GET /password/reset': 'resetPasswordPage', 'GET /email/verify': 'verifyEmailPage' },
  },
  {
    function: 'assets', handler: 'functions/pages/assets.handler', service: 'pages', route: 'assets',
    operations: { 'GET /assets/app.js': 'appScript', 'GET /assets/app.css': 'appStylesheet', 'GET /assets/webauthn.js': 'webauthnScript' },
  },
  {
    function: 'apiReference', handler: 'functions/public/api-reference.handler', service: 'pages', route: 'api-reference',
    operations: { 'GET /api/public/docs': 'apiReference' },
  },
  {
    function: 'health', handler: 'functions/public/health.handler', service: 'pages', route: 'health',
    operations: { 'GET /api/public/health': 'health' },
  },

  // Kong service `token` (functions/protected)
  {
    function: 'info', handler: 'functions/protected/info.handler', service: 'token', route: 'info',
    operations: { 'GET /api/jwt/info': 'info' },
  },
  {
    function: 'logout', handler: 'functions/protected/logout.handler', service: 'token', route: 'logout',
    operations: { 'POST /api/jwt/logout': 'logout' },
  },
  {
    function: 'logoutAll', handler: 'functions/protected/logout-all.handler', service: 'token', route: 'logout-all',
    operations: { 'POST /api/jwt/logout-all': 'logoutAll' },
  },
  {
    function: 'password', handler: 'functions/protected/password.handler', service: 'token', route: 'password',
    operations: { 'POST /api/jwt/password': 'changePassword' },
  },
  {
    function: 'emailChange', handler: 'functions/protected/email.handler', service: 'token', route: 'email-change',
    operations: { 'POST /api/jwt/email': 'changeEmail' },
  },
  {
    function: 'sessions', handler: 'functions/protected/sessions.handler', service: 'token', route: 'sessions',
    operations: { 'GET /api/jwt/sessions': 'listSessions' },
  },
  {
    function: 'mfaTotp', handler: 'functions/protected/mfa-totp.handler', service: 'token', route: 'mfa-totp',
    operations: { 'POST /api/jwt/mfa/totp': 'startTotp', 'DELETE /api/jwt/mfa/totp': 'disableTotp' },
  },
  {
    function: 'mfaTotpConfirm', handler: 'functions/protected/mfa-totp-confirm.handler', service: 'token', route: 'mfa-totp-confirm',
    operations: { 'POST /api/jwt/mfa/totp/confirm': 'confirmTotp' },
  },
  {
    function: 'mfaRecoveryCodes', handler: 'functions/protected/mfa-recovery-codes.handler', service: 'token', route: 'mfa-recovery-codes',
    operations: { 'POST /api/jwt/mfa/recovery-codes': 'regenerateRecoveryCodes' },
  },
  // Passkeys managed by their owner (docs/second-factors.md).
  {
    function: 'passkeyRegister', handler: 'functions/protected/passkey-register.handler', service: 'token', route: 'passkey-register',
    operations: { 'POST /api/jwt/passkeys/options': 'passkeyRegistrationOptions', 'POST /api/jwt/passkeys': 'registerPasskey' },
  },
  {
    function: 'passkeys', handler: 'functions/protected/passkeys.handler', service: 'token', route: 'passkeys',
    operations: { 'GET /api/jwt/passkeys': 'listPasskeys' },
  },
  {
    function: 'passkey', handler: 'functions/protected/passkey.handler', service: 'token', route: 'passkey',
    operations: { 'PATCH /api/jwt/passkeys/{id}': 'renamePasskey', 'DELETE /api/jwt/passkeys/{id}': 'removePasskey' },
  },
  {
    function: 'endSession', handler: 'functions/protected/end-session.handler', service: 'token', route: 'end-session',
    operations: { 'DELETE /api/jwt/sessions/{id}': 'endSession' },
  },
  {
    function: 'accountExport', handler: 'functions/protected/account-export.handler', service: 'token', route: 'account-export',
    operations: { 'GET /api/jwt/account/export': 'exportAccount' },
  },
  {
    function: 'accountDelete', handler: 'functions/protected/account-delete.handler', service: 'token', route: 'account-delete',
    operations: { 'DELETE /api/jwt/account': 'deleteAccount' },
  },

  // Kong service `browser-session` (functions/session)
  {
    function: 'sessionRegister', handler: 'functions/session/register.handler', service: 'browser-session', route: 'session-register',
    operations: { 'POST /api/session/register': 'sessionRegister', 'OPTIONS /api/session/register': 'preflightSessionRegister' },
  },
  {
    function: 'sessionLogin', handler: 'functions/session/login.handler', service: 'browser-session', route: 'session-login',
    operations: { 'POST /api/session/login': 'sessionLogin', 'OPTIONS /api/session/login': 'preflightSessionLogin' },
  },
  {
    function: 'sessionLoginMfa', handler: 'functions/session/login-mfa.handler', service: 'browser-session', route: 'session-login-mfa',
    operations: { 'POST /api/session/login/mfa': 'sessionLoginMfa', 'OPTIONS /api/session/login/mfa': 'preflightSessionLoginMfa' },
  },
  {
    function: 'sessionAuthenticate', handler: 'functions/session/authenticate.handler', service: 'browser-session', route: 'session-authenticate',
    operations: { 'GET /api/session/authenticate': 'sessionAuthenticate', 'OPTIONS /api/session/authenticate': 'preflightSessionAuthenticate' },
  },
  {
    function: 'sessionLogout', handler: 'functions/session/logout.handler', service: 'browser-session', route: 'session-logout',
    operations: { 'POST /api/session/logout': 'sessionLogout', 'OPTIONS /api/session/logout': 'preflightSessionLogout' },
  },

  // Passkeys in browser sessions: the sign-in page's passkey sign-in, the security page's registration.
  {
    function: 'sessionPasskeyLogin', handler: 'functions/session/passkey-login.handler', service: 'browser-session', route: 'session-passkey-login',
    operations: { 'POST /api/session/passkey/options': 'sessionPasskeyOptions', 'POST /api/session/passkey/login': 'sessionPasskeyLogin' },
  },
  {
    function: 'sessionPasskeys', handler: 'functions/session/passkeys.handler', service: 'browser-session', route: 'session-passkeys',
    operations: { 'POST /api/session/passkeys/options': 'sessionPasskeyRegistrationOptions', 'POST /api/session/passkeys': 'sessionPasskeyRegister' },
  },

  {
    function: 'sessionAccountExport', handler: 'functions/session/account-export.handler', service: 'browser-session', route: 'session-account-export',
    operations: { 'GET /api/session/account/export': 'sessionAccountExport' },
  },
  {
    function: 'sessionAccountDelete', handler: 'functions/session/account-delete.handler', service: 'browser-session', route: 'session-account-delete',
    operations: { 'POST /api/session/account/delete': 'sessionAccountDelete' },
  },

  // Kong services `userprofile` and `userprofile-pages` (functions/userprofile)
  {
    function: 'userprofileGet', handler: 'functions/userprofile/get.handler', service: 'userprofile', route: 'userprofile-get',
    // The preflights of all three /api/userprofile routes.
    operations: { 'GET /api/userprofile': 'getProfile', 'OPTIONS /api/userprofile': 'preflightUserprofile' },
  },
  {
    function: 'userprofileCreate', handler: 'functions/userprofile/create.handler', service: 'userprofile', route: 'userprofile-create',
    operations: { 'POST /api/userprofile': 'createProfile' },
  },
  {
    function: 'userprofileUpdate', handler: 'functions/userprofile/update.handler', service: 'userprofile', route: 'userprofile-update',
    operations: { 'PUT /api/userprofile': 'updateProfile' },
  },
  {
    function: 'profilePage', handler: 'functions/userprofile/page.handler', service: 'userprofile-pages', route: 'profile-page',
    operations: { 'GET /profile': 'profilePage' },
  },
  {
    function: 'securityPage', handler: 'functions/pages/security.handler', service: 'userprofile-pages', route: 'security-page',
    operations: { 'GET /security': 'securityPage', 'POST /security': 'securityPageChange' },
  },

  // Kong service `oauth` (functions/oauth): the OAuth 2.0 / OpenID Connect provider (docs/openid-provider.md)
  {
    function: 'oauthToken', handler: 'functions/oauth/token.handler', service: 'oauth', route: 'oauth-token',
    operations: { 'POST /oauth2/token': 'oauthToken', 'OPTIONS /oauth2/token': 'preflightOauthToken' },
    preflightByFunction: true,
  },
  {
    function: 'oauthAuthorize', handler: 'functions/oauth/authorize.handler', service: 'oauth', route: 'oauth-authorize',
    operations: { 'GET /oauth2/authorize': 'oauthAuthorize', 'POST /oauth2/authorize': 'oauthConsent' },
  },
  {
    function: 'oauthUserinfo', handler: 'functions/oauth/userinfo.handler', service: 'oauth', route: 'oauth-userinfo',
    operations: { 'GET /oauth2/userinfo': 'oauthUserinfo', 'POST /oauth2/userinfo': 'oauthUserinfoPost' },
  },
  {
    function: 'oauthLogout', handler: 'functions/oauth/logout.handler', service: 'oauth', route: 'oauth-logout',
    operations: { 'GET /oauth2/logout': 'oauthLogout' },
  },
  {
    function: 'oauthIntrospect', handler: 'functions/oauth/introspect.handler', service: 'oauth', route: 'oauth-introspect',
    operations: { 'POST /oauth2/introspect': 'oauthIntrospect' },
  },
  {
    function: 'oauthConsentRevoke', handler: 'functions/oauth/consent-revoke.handler', service: 'oauth', route: 'oauth-consent-revoke',
    operations: { 'POST /oauth2/consents/revoke': 'oauthConsentRevoke' },
  },

  // Kong service `services` (functions/services)
  {
    function: 'introspect', handler: 'functions/services/introspect.handler', service: 'services', route: 'introspect',
    operations: { 'POST /api/introspect': 'introspect' },
  },

  // Kong service `admin` (functions/admin): operators, Kong consumers in the acl group auth-admins.
  // The action comes before the name (…/disable/{username}): Kong matches prefixes, so a {param} is only ever last.
  {
    function: 'adminUsers', handler: 'functions/admin/users.handler', service: 'admin', route: 'admin-users',
    operations: { 'GET /api/admin/users': 'adminSearchUsers' },
  },
  {
    function: 'adminUser', handler: 'functions/admin/user.handler', service: 'admin', route: 'admin-user',
    operations: { 'GET /api/admin/users/{username}': 'adminGetUser', 'DELETE /api/admin/users/{username}': 'adminDeleteUser' },
  },
  {
    function: 'adminDisable', handler: 'functions/admin/disable.handler', service: 'admin', route: 'admin-disable',
    operations: { 'POST /api/admin/disable/{username}': 'adminDisableUser' },
  },
  {
    function: 'adminEnable', handler: 'functions/admin/enable.handler', service: 'admin', route: 'admin-enable',
    operations: { 'POST /api/admin/enable/{username}': 'adminEnableUser' },
  },
  {
    function: 'adminSignOut', handler: 'functions/admin/sign-out.handler', service: 'admin', route: 'admin-sign-out',
    operations: { 'POST /api/admin/sign-out/{username}': 'adminSignOutUser' },
  },
  {
    function: 'adminSessions', handler: 'functions/admin/sessions.handler', service: 'admin', route: 'admin-sessions',
    operations: { 'GET /api/admin/sessions/{username}': 'adminListSessions' },
  },
  {
    function: 'adminClients', handler: 'functions/admin/clients.handler', service: 'admin', route: 'admin-clients',
    operations: { 'GET /api/admin/clients': 'adminListClients', 'POST /api/admin/clients': 'adminCreateClient' },
  },
  {
    function: 'adminClient', handler: 'functions/admin/client.handler', service: 'admin', route: 'admin-client',
    operations: { 'DELETE /api/admin/clients/{client_id}': 'adminDeleteClient' },
  },
];
