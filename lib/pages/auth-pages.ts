import { field, html, layout, messages, type Html } from './html';

/** Fixed notices the sign-in page shows for a query flag: nothing from the URL is ever shown as text. */
const NOTICES: Record<string, string> = {
  signed_out: 'You have signed out.',
  registered: 'Your account is ready. Please sign in. We sent a link to confirm your email address.',
  password_reset: 'Your password was changed, and every session signed out. Please sign in with the new one.',
  account_deleted: 'Your account and everything about it have been deleted.',
};

export interface SignInPage {
  /** A checked same-site path (lib/browser-sessions/redirects.ts), carried through the form. */
  next?: string;
  username?: string;
  error?: string;
  notice?: keyof typeof NOTICES | string;
}

const withNext = (path: string, next?: string) => (next ? `${path}?next=${encodeURIComponent(next)}` : path);

export function signInPage({ next, username, error, notice }: SignInPage = {}): Html {
  return layout(
    'Sign in',
    html`<h1>Sign in</h1>
${messages({ error, notice: notice ? NOTICES[notice] : undefined })}
<form method="post" action="/api/session/login">
${next ? html`<input type="hidden" name="next" value="${next}">` : ''}
${field({ name: 'username', label: 'Username', value: username, autocomplete: 'username', required: true, maxlength: 64, invalid: Boolean(error) })}
${field({ name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', required: true, invalid: Boolean(error) })}
<button type="submit">Sign in</button>
</form>
<p class="passkey-signin"><button type="button" id="passkey-signin" class="secondary" hidden>Use a passkey</button></p>
<p><a href="/password/forgot">Forgot password?</a></p>
<p>No account yet? <a href="${withNext('/register', next)}">Register</a></p>`,
    // The passkey button stays hidden until app.js finds WebAuthn in the browser. Its name holds no
    // "Sign in", so that the form's button stays the one button of that name.
    { webauthn: true },
  );
}

export interface SignInCodePage {
  /** The first step's mfa_token, carried in the form (it is no secret from the browser that got it). */
  mfaToken: string;
  next?: string;
  error?: string;
  /** The methods the first step named (mfa_required's `methods`); none given: the code form only. */
  methods?: string[];
  /**
   * The first step's `passkey_options` (a challenge for this account's second
   * step, its credentials): given to app.js in a data attribute, JSON the page
   * escapes as any attribute, never an inline script (CSP script-src 'self').
   */
  passkeyOptions?: unknown;
}

/** The sign-in's second step, for an account with a second factor: a TOTP code, one of the recovery codes, or a passkey. */
export function signInCodePage({ mfaToken, next, error, methods = [], passkeyOptions }: SignInCodePage): Html {
  const codes = methods.length === 0 || methods.includes('totp') || methods.includes('recovery_code');
  const passkey = passkeyOptions !== undefined && methods.includes('passkey');
  return layout(
    'Sign in: second step',
    html`<h1>${codes ? 'Enter your code' : 'Use your passkey'}</h1>
${messages({ error })}
${codes
  ? html`<p>${methods.includes('totp') || methods.length === 0 ? 'Open your authenticator app and enter the six-digit code, or enter one of your recovery codes.' : 'Enter one of your recovery codes.'}${passkey ? ' Or use your passkey.' : ''}</p>
<form method="post" action="/api/session/login/mfa">
<input type="hidden" name="mfa_token" value="${mfaToken}">
${next ? html`<input type="hidden" name="next" value="${next}">` : ''}
${field({ name: 'code', label: 'Code', autocomplete: 'one-time-code', required: true, maxlength: 32, invalid: Boolean(error) })}
<button type="submit">Verify</button>
</form>`
  : html`<p>Your password was right. Now use the passkey of this account.</p>`}
${passkey
  ? html`<p class="passkey-signin"><button type="button" id="passkey-second-step" class="secondary" hidden data-mfa-token="${mfaToken}" data-next="${next ?? ''}" data-options="${JSON.stringify(passkeyOptions)}">Use a passkey</button></p>`
  : ''}
<p><a href="${withNext('/signin', next)}">Start over</a></p>`,
    // The passkey button stays hidden until app.js finds WebAuthn in the browser.
    { webauthn: passkey },
  );
}

export interface SignUpPage {
  /** The shortest new password the service takes (config.passwordMinLength): the hint says what the check enforces. */
  passwordMinLength: number;
  next?: string;
  values?: { username?: string; email?: string; first_name?: string };
  error?: string;
  /** The field the error is about, marked aria-invalid. */
  invalid?: string;
}

export function signUpPage({ passwordMinLength, next, values = {}, error, invalid }: SignUpPage): Html {
  return layout(
    'Register',
    html`<h1>Register</h1>
${messages({ error })}
<form method="post" action="/api/session/register">
${next ? html`<input type="hidden" name="next" value="${next}">` : ''}
${field({ name: 'username', label: 'Username', value: values.username, autocomplete: 'username', required: true, maxlength: 32, hint: '3 to 32 characters: letters, digits, "_" or "-", starting with a letter or digit.', invalid: invalid === 'username' })}
${field({ name: 'first_name', label: 'First name', value: values.first_name, autocomplete: 'given-name', required: true, maxlength: 64, invalid: invalid === 'first_name' })}
${field({ name: 'email', label: 'Email', type: 'email', value: values.email, autocomplete: 'email', required: true, maxlength: 254, invalid: invalid === 'email' })}
${field({ name: 'password', label: 'Password', type: 'password', autocomplete: 'new-password', required: true, hint: `At least ${passwordMinLength} characters.`, invalid: invalid === 'password' })}
<button type="submit">Create account</button>
</form>
<p>Already registered? <a href="${withNext('/signin', next)}">Sign in</a></p>`,
  );
}
