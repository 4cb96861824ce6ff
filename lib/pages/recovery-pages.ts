import { field, html, layout, messages, type Html } from './html';

/**
 * The recovery pages: forgot password, reset password, verify email. The
 * token travels in the link's query and on in a hidden field; the pages are
 * served with Referrer-Policy: no-referrer (functions/pages/recovery.ts), so
 * it never leaves in a Referer, and only their form's POST spends it: a GET
 * (a mail scanner following the link) never does.
 */
export function forgotPasswordPage({ error, notice }: { error?: string; notice?: string } = {}): Html {
  return layout(
    'Forgot password',
    html`<h1>Forgot password</h1>
${messages({ error, notice })}
<p>Give your username or your email address: if an account matches and has an address, a link to choose a new password goes there.</p>
<form method="post" action="/api/public/password/forgot">
${field({ name: 'username', label: 'Username or email', autocomplete: 'username', required: true, maxlength: 254 })}
<button type="submit">Send me a link</button>
</form>
<p><a href="/signin">Back to sign in</a></p>`,
  );
}

export function resetPasswordPage({ token, passwordMinLength, error }: { token: string; passwordMinLength: number; error?: string }): Html {
  return layout(
    'Choose a new password',
    html`<h1>Choose a new password</h1>
${messages({ error })}
<form method="post" action="/api/public/password/reset">
<input type="hidden" name="token" value="${token}">
${field({ name: 'new_password', label: 'New password', type: 'password', autocomplete: 'new-password', required: true, hint: `At least ${passwordMinLength} characters.`, invalid: Boolean(error) })}
<button type="submit">Set the new password</button>
</form>
<p>Every session of your account will be signed out; sign in again with the new password.</p>`,
  );
}

export function verifyEmailPage({ token, error, notice }: { token?: string; error?: string; notice?: string }): Html {
  return layout(
    'Confirm your email address',
    html`<h1>Confirm your email address</h1>
${messages({ error, notice })}
${token
  ? html`<form method="post" action="/api/public/email/verify">
<input type="hidden" name="token" value="${token}">
<button type="submit">Confirm my address</button>
</form>`
  : ''}
<p><a href="/signin">Sign in</a></p>`,
  );
}
