/** Test users made through the handlers in-process. */
import { handler as signin } from '../../functions/public/signin';
import { handler as signup } from '../../functions/public/signup';
import { PASSWORD, uniqueName } from './clients';
import { apiEvent, invoke } from './events';

export const signinAs = (username: string, password = PASSWORD) =>
  invoke(signin, apiEvent('POST', '/api/public/signin', { body: { username, password } }));

/** Signs up a fresh user through the handler; returns its name. */
export async function newUser(prefix?: string): Promise<string> {
  const username = uniqueName(prefix);
  const response = await invoke(signup, apiEvent('POST', '/api/public/signup', { body: { username, password: PASSWORD } }));
  if (response.status !== 201) throw new Error(`signup failed: ${JSON.stringify(response.body)}`);
  return username;
}

/** A new user, signed in: its name and token response. */
export async function signedInUser(prefix?: string) {
  const username = await newUser(prefix);
  const response = await signinAs(username);
  if (response.status !== 200) throw new Error(`signin failed: ${JSON.stringify(response.body)}`);
  return { username, tokens: response.body as { access_token: string; refresh_token: string; expires_in: number; refresh_expires_in: number } };
}
