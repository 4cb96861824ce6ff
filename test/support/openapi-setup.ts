/**
 * Runs before every test file of the stack project (jest.config.js). In the
 * end-to-end suite, every answer that comes through a gateway is checked
 * against openapi.yaml, whoever sent the request: fetch (request(), call(),
 * a test's own fetch) here, requestFrom() and the browser's answers where
 * they are received (test/support/http.ts, conformBrowser). An answer the
 * description does not allow fails the test that received it.
 */
import { conform, startConformance, takeProblems } from './openapi';

const testPath = expect.getState().testPath ?? '';

if (/[\\/]test[\\/]e2e[\\/]/.test(testPath) && process.env.PROXY_URL) {
  startConformance([process.env.PROXY_URL]);

  const send = globalThis.fetch;
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const response = await send(input, init);
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    // After a followed redirect the answer is to a GET (303, and 302 as browsers do it).
    const url = response.url || (input instanceof Request ? input.url : String(input));
    const body = await response.clone().text();
    conform({ method: response.redirected ? 'GET' : method, url, status: response.status, headers: response.headers, body });
    return response;
  };

  const failOnProblems = () => {
    const problems = takeProblems();
    if (problems.length > 0) throw new Error(`Answers that openapi.yaml does not describe:\n${problems.join('\n')}`);
  };
  afterEach(failOnProblems);
  afterAll(failOnProblems);
}
