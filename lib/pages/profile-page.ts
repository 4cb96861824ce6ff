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
</form>`,
  );
}
