/**
 * No request body text in any log line, at any level: a malformed JSON body
 * is refused with 400, and what is logged about it (at debug level, the
 * refusal's cause) says where it broke, not what it said. V8's JSON.parse
 * error quotes the text ("Unexpected token ..., "{"password":"..." is not
 * valid JSON"), so keeping it as the cause put passwords in the logs.
 */
import type { Context } from 'aws-lambda';
import * as v from 'valibot';
import { describeError } from '../../../lib/platform/errors';

// The level is read on first use: set it before anything logs.
process.env.LOG_LEVEL = 'debug';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { jsonRoute, oauthRoute } = require('../../../lib/platform/http') as typeof import('../../../lib/platform/http');

const SECRET = 'Tr0ub4dor&3-correct-horse';
const context = { awsRequestId: 'lambda-1' } as Context;
const schema = v.object({ username: v.string(), password: v.string() });

let lines: string[];
beforeEach(() => {
  lines = [];
  jest.spyOn(console, 'log').mockImplementation((line) => void lines.push(String(line)));
  jest.spyOn(console, 'error').mockImplementation((line) => void lines.push(String(line)));
  jest.spyOn(console, 'warn').mockImplementation((line) => void lines.push(String(line)));
  jest.spyOn(console, 'info').mockImplementation((line) => void lines.push(String(line)));
  jest.spyOn(console, 'debug').mockImplementation((line) => void lines.push(String(line)));
});
afterEach(() => jest.restoreAllMocks());

const malformed = [
  `{"username":"alice","password":"${SECRET}"`, // cut short
  `{"username":"alice","password":"${SECRET}",}`, // trailing comma
  `{"username":"alice" "password":"${SECRET}"}`, // missing comma
  `password=${SECRET}&username=alice`, // a form sent as JSON
  `${SECRET}`,
  `{"password":"${SECRET}\u0001"}`, // a control character in a string
];

const event = (body: string, base64 = false) =>
  ({
    httpMethod: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: base64,
    requestContext: { requestId: 'r', identity: { sourceIp: '203.0.113.7' } },
  }) as never;

it.each(malformed)('refuses %j with 400 and logs none of it, at debug level', async (body) => {
  for (const handler of [jsonRoute(schema, async () => ({ statusCode: 200, body: '' })), oauthRoute(schema, async () => ({ statusCode: 200, body: '' }))]) {
    for (const base64 of [false, true]) {
      const response = await handler(event(body, base64), context);
      expect(response.statusCode).toBe(400);
      expect(response.body).not.toContain(SECRET);
    }
  }
  // The refusal is logged (debug), with its cause...
  expect(lines.some((line) => line.includes('"request refused"') && line.includes('"error":"SyntaxError"'))).toBe(true);
  // ...and no part of the body: not the password, not the user name, not a quoted piece.
  for (const line of lines) {
    expect(line).not.toContain(SECRET);
    expect(line).not.toContain('Tr0ub');
    expect(line).not.toContain('alice');
    expect(line).not.toMatch(/is not valid JSON|Unexpected token/);
  }
});

it("describes any parser's SyntaxError by position only", () => {
  let error: unknown;
  try {
    JSON.parse(`{"token":"${SECRET}" x`);
  } catch (caught) {
    error = caught;
  }
  const described = describeError(new Error('outer', { cause: error }));
  expect(JSON.stringify(described)).not.toContain(SECRET);
  expect(described.cause).toEqual({ error: 'SyntaxError', detail: expect.stringMatching(/^syntax error( at position \d+)?$/) });
});
