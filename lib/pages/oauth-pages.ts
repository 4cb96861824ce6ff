import { html, layout, messages, type Html } from './html';

/** What each scope lets an application see, in words the user reads on the consent page. */
const SCOPE_WORDS: Record<string, string> = {
  openid: 'Who you are: your username',
  profile: 'Your profile: your first name',
  email: 'Your email address',
};

/**
 * The consent page (OIDC Core §3.1.2.4): the application's name and what it
 * asks for; the request's parameters ride along as hidden fields, checked
 * again in full when the form comes back. Same-origin form post (CSRF) as
 * every page's.
 */
export function consentPage({ clientName, scopes, fields }: { clientName: string; scopes: string[]; fields: Record<string, string> }): Html {
  return layout(
    'Allow access',
    html`<h1>Allow ${clientName}?</h1>
${messages({})}
<p><strong>${clientName}</strong> asks to see:</p>
<ul class="scopes">
${scopes.map((scope) => html`<li>${SCOPE_WORDS[scope] ?? scope}</li>`)}
</ul>
<form method="post" action="/oauth2/authorize">
${Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`,
  );
}

/** An authorization request that cannot go back to its application: said to the user, never redirected. */
export function oauthErrorPage(message: string): Html {
  return layout('Cannot sign in', html`<h1>Cannot sign in to this application</h1>
${messages({ error: message })}`);
}

/** After RP-initiated logout with nowhere registered to return to. */
export function signedOutPage(): Html {
  return layout('Signed out', html`<h1>Signed out</h1>
${messages({ notice: 'You have signed out.' })}
<p><a href="/signin">Sign in again</a></p>`);
}

/**
 * The last hop back to the application after the sign-in form: a page that
 * moves on by itself (meta refresh: no script, which the CSP forbids inline)
 * rather than a redirect, because browsers hold a form's whole redirect chain
 * to the sign-in page's CSP form-action ('self'), and the application is
 * another origin. A link too, for browsers that do not refresh.
 */
export function continuePage(location: string): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="0;url=${location}">
<meta name="referrer" content="no-referrer">
<title>Continue · kong-lambda-auth</title>
<link rel="stylesheet" href="/assets/app.css">
</head>
<body>
<main id="main">
<h1>Signed in</h1>
<p><a id="continue" href="${location}">Continue to the application</a></p>
</main>
</body>
</html>
`;
}
