import type * as v from 'valibot';
import { AppError } from '../platform/errors';
import { isFormPost, readBody, route, validate, type Event, type Response } from '../platform/http';
import { requireSameOrigin } from '../platform/origin';
import { htmlResponse, type Html } from './html';

/** Labels of the form fields, for messages a person reads. */
const LABELS: Record<string, string> = {
  username: 'Username',
  password: 'Password',
  email: 'Email',
  first_name: 'First name',
};

/**
 * A refusal as a form shows it: "Password must be at least 15 characters"
 * rather than the API's "password: must be...", and the field to mark
 * invalid. Only 4xx answers are shown on the page; anything else keeps its
 * JSON answer (lib/platform/http.ts).
 */
export function formError(error: unknown): { status: number; message: string; field?: string } | undefined {
  if (!(error instanceof AppError) || error.status >= 500) return undefined;
  const match = /^([a-z_]+): (.*)$/s.exec(error.message);
  if (match && LABELS[match[1]]) return { status: error.status, message: `${LABELS[match[1]]} ${match[2]}`, field: match[1] };
  return { status: error.status, message: error.message };
}

/** The submitted text fields worth showing again (never the password). */
export function echoed(values: Record<string, unknown>, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.filter((name) => typeof values[name] === 'string').map((name) => [name, values[name] as string]));
}

/** What a refused form comes back with: its page, given what was submitted and why it was refused. */
export type RefusedFormPage = (values: Record<string, unknown>, shown: { message: string; field?: string }) => Html;

/**
 * A same-origin POST that takes JSON from scripts or a page's own form.
 * Another site's post is refused before the body is even read (CSRF, login
 * CSRF included), as JSON. `handle` gets the validated body and whether it
 * came from the form; a refusal of the form (4xx) comes back as the page with
 * the reason, keeping what was typed; a JSON caller gets `{code, message}`.
 */
export function pageFormRoute<S extends v.GenericSchema>(options: {
  schema: S;
  allowedOrigins: readonly string[];
  handle: (input: { event: Event; body: v.InferOutput<S>; form: boolean }) => Promise<Response>;
  refusedPage: RefusedFormPage;
  /** The form is on a page served with Referrer-Policy: no-referrer (lib/platform/origin.ts says what that changes). */
  fromNoReferrerPage?: boolean;
}) {
  const { schema, allowedOrigins, handle, refusedPage, fromNoReferrerPage = false } = options;
  return route(async (event) => {
    requireSameOrigin(event, allowedOrigins, { fromNoReferrerPage });
    const form = isFormPost(event);
    let values: Record<string, unknown> = {};
    try {
      values = readBody(event, { forms: true });
      return await handle({ event, body: validate(schema, values), form });
    } catch (error) {
      const shown = form ? formError(error) : undefined;
      if (!shown) throw error;
      return htmlResponse(shown.status, refusedPage(values, shown));
    }
  });
}
