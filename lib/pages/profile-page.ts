import { field, html, layout, messages, type Html } from './html';

export interface ProfilePageData {
  username: string;
  email?: string;
  first_name?: string;
  /** The stored profile, if the user has made one. */
  profile?: { display_name: string; bio: string; location: string; website: string };
}

/**
 * The profile, server-rendered with what is stored; app.js saves changes
 * through the profile API (POST when there is none yet, PUT after).
 */
export function profilePage({ username, email, first_name, profile }: ProfilePageData): Html {
  return layout(
    'Your profile',
    html`<h1>Your profile</h1>
<p>Signed in as <strong>${username}</strong>.</p>
${messages({})}
<h2>Account</h2>
<dl class="identity">
<dt>Username</dt><dd>${username}</dd>
<dt>Email</dt><dd>${email ?? '—'}</dd>
<dt>First name</dt><dd>${first_name ?? '—'}</dd>
</dl>
<h2>Profile</h2>
<form id="profile-form" data-exists="${profile ? 'true' : 'false'}">
${field({ name: 'display_name', label: 'Display name', value: profile?.display_name ?? first_name ?? username, required: true, maxlength: 64 })}
<div class="field">
<label for="bio">About you</label>
<p class="hint" id="bio-hint">Up to 500 characters.</p>
<textarea id="bio" name="bio" rows="4" maxlength="500" aria-describedby="bio-hint">${profile?.bio ?? ''}</textarea>
</div>
${field({ name: 'location', label: 'Location', value: profile?.location ?? '', maxlength: 100 })}
${field({ name: 'website', label: 'Website', type: 'url', value: profile?.website ?? '', maxlength: 200, hint: 'An http:// or https:// address.' })}
<button type="submit">Save profile</button>
</form>
<form method="post" action="/api/session/logout" class="signout">
<button type="submit" class="secondary">Sign out</button>
</form>
<h2>Your data</h2>
<p><a href="/api/session/account/export" download="account-export.json" id="export-link">Download everything we hold about you</a> (one JSON file).</p>
${deleteAccountForm()}`,
  );
}

/**
 * Deleting the account: a plain same-origin form post (no script), confirmed
 * with the password; the function checks Origin before anything else (CSRF)
 * and counts a wrong password as a failed sign-in attempt.
 */
function deleteAccountForm(): Html {
  return html`<form method="post" action="/api/session/account/delete" id="delete-account-form" class="danger">
<p>Deleting your account removes your profile, your sessions and everything else we hold about you. It cannot be undone.</p>
${field({ name: 'password', label: 'Your password, to confirm', type: 'password', autocomplete: 'current-password', required: true, maxlength: 1024 })}
${field({ name: 'code', label: 'Authenticator code, if you have turned one on', type: 'text', autocomplete: 'one-time-code', maxlength: 16 })}
<button type="submit" class="secondary">Delete my account</button>
</form>`;
}

/** The deletion refused (a wrong password, too many attempts): the form again, with why. */
export function deleteAccountPage(error: string): Html {
  return layout(
    'Delete your account',
    html`<h1>Delete your account</h1>
${messages({ error })}
${deleteAccountForm()}
<p><a href="/profile">Back to your profile</a></p>`,
  );
}
