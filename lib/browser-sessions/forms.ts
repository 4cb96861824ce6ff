import { AppError } from '../platform/errors';

/** Labels of the form fields, for messages a person reads. */
const LABELS: Record<string, string> = {
  username: 'Username',
  password: 'Password',
  email: 'Email',
  first_name: 'First name',
};

/**
 * A refusal as a form shows it: "Password must be at least 8 characters"
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
