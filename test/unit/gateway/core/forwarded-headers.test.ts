// Header rewriting between client and upstream, as Kong's nginx template does
// it: what the upstream is sent, and what of its answer reaches the client.
import type { IncomingMessage } from 'node:http';
import type { RouteConfig, ServiceConfig } from '../../../../kong/gateway/core/config';
import { passedOnHeaders, sentVia, upstreamCall, type ForwardedRequest } from '../../../../kong/gateway/core/forwarded-headers';
import { RequestHeaders } from '../../../../kong/gateway/core/headers';

const SERVICE = { url: new URL('http://upstream.test:8080/base'), path: '/base' } as ServiceConfig;
const route = (fields: Partial<RouteConfig> = {}) => ({ stripPath: true, preserveHost: false, ...fields }) as RouteConfig;

function request(raw: string[], fields: Partial<ForwardedRequest> = {}, httpVersion = '1.1'): ForwardedRequest {
  const [major, minor] = httpVersion.split('.').map(Number);
  const req = { method: 'GET', httpVersion, httpVersionMajor: major, httpVersionMinor: minor, socket: { localPort: 8000 }, rawHeaders: raw };
  return {
    req, headers: new RequestHeaders(req as unknown as IncomingMessage), requestUri: '/api/x?q=1', requestId: 'rid',
    clientIp: '192.0.2.1', peerIp: '192.0.2.1', trusted: false, upstreamPath: '/base/x', upstreamQuery: 'q=1', ...fields,
  };
}

/** The call's header lines as [name, value] pairs. */
function lines(call: { headers: string[] }): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i < call.headers.length; i += 2) pairs.push([call.headers[i], call.headers[i + 1]]);
  return pairs;
}

describe('upstreamCall', () => {
  test("Kong's lines first, in its template's order, then the client's; Host is the service's", () => {
    const call = upstreamCall(request(['Host', 'Gateway.Test:8000', 'Accept', '*/*', 'User-Agent', 'ua']), route(), '/api', SERVICE, Buffer.alloc(0));
    expect(lines(call)).toEqual([
      ['Via', '1.1 kong/3.9.3'], ['Host', 'upstream.test:8080'], ['X-Forwarded-For', '192.0.2.1'], ['X-Forwarded-Proto', 'http'],
      ['X-Forwarded-Host', 'gateway.test'], ['X-Forwarded-Port', '8000'], ['X-Forwarded-Path', '/api/x'], ['X-Forwarded-Prefix', '/api'],
      ['X-Real-IP', '192.0.2.1'], ['X-Kong-Request-Id', 'rid'], ['Accept', '*/*'], ['User-Agent', 'ua'],
    ]);
    expect(call).toMatchObject({ method: 'GET', path: '/base/x?q=1', host: 'upstream.test:8080', body: null });
  });

  test("preserve_host sends the client's Host; no strip_path, no X-Forwarded-Prefix", () => {
    const call = upstreamCall(request(['Host', 'gateway.test']), route({ preserveHost: true, stripPath: false }), '/api', SERVICE, Buffer.alloc(0));
    expect(call.host).toBe('gateway.test');
    expect(lines(call).map(([name]) => name)).not.toContain('X-Forwarded-Prefix');
  });

  test("an untrusted peer's X-Forwarded-* are replaced; X-Forwarded-For and Via are appended to", () => {
    const raw = ['Host', 'h', 'X-Forwarded-For', '198.51.100.7', 'X-Forwarded-Proto', 'https', 'Via', '1.0 proxy', 'X-Forwarded-Prefix', '/p'];
    const call = lines(upstreamCall(request(raw, {}, '1.0'), route(), '/api', SERVICE, Buffer.alloc(0)));
    expect(call).toContainEqual(['X-Forwarded-For', '198.51.100.7, 192.0.2.1']);
    expect(call).toContainEqual(['X-Forwarded-Proto', 'http']);
    expect(call).toContainEqual(['X-Forwarded-Prefix', '/api']);
    // ngx.req.http_version() prints 1.0 as "1".
    expect(call).toContainEqual(['Via', '1.0 proxy, 1 kong/3.9.3']);
    expect(call.filter(([name]) => name.toLowerCase() === 'x-forwarded-proto')).toHaveLength(1);
  });

  test("a trusted peer's X-Forwarded-* are kept, repeated lines joined", () => {
    const raw = ['Host', 'h', 'X-Forwarded-Proto', 'https', 'X-Forwarded-Host', 'a.test', 'X-Forwarded-Host', 'b.test', 'X-Forwarded-Port', '443'];
    const call = lines(upstreamCall(request(raw, { trusted: true }), route(), '/api', SERVICE, Buffer.alloc(0)));
    expect(call).toContainEqual(['X-Forwarded-Proto', 'https']);
    expect(call).toContainEqual(['X-Forwarded-Host', 'a.test, b.test']);
    expect(call).toContainEqual(['X-Forwarded-Port', '443']);
  });

  test('hop-by-hop lines and those the client names in Connection do not go upstream; TE only as "trailers"', () => {
    const raw = ['Host', 'h', 'Connection', 'X-Secret, keep-alive', 'X-Secret', 's', 'Keep-Alive', '5', 'Upgrade', 'h2c', 'TE', 'gzip, trailers', 'Proxy-Connection', 'x', 'X-Kept', 'k'];
    const call = lines(upstreamCall(request(raw), route(), '/api', SERVICE, Buffer.alloc(0)));
    expect(call.slice(0, 1)).toEqual([['TE', 'trailers']]);
    expect(call.slice(-1)).toEqual([['X-Kept', 'k']]);
    for (const name of ['Connection', 'X-Secret', 'Keep-Alive', 'Upgrade', 'Proxy-Connection']) expect(call.map(([n]) => n)).not.toContain(name);
  });

  test('a body goes when the request announced one; a bare "?" keeps its "?"', () => {
    const withBody = upstreamCall(request(['Host', 'h', 'Content-Length', '0']), route(), '/api', SERVICE, Buffer.alloc(0));
    expect(withBody.body).toEqual(Buffer.alloc(0));
    expect(lines(withBody).map(([n]) => n)).not.toContain('Content-Length');
    const bare = upstreamCall(request(['Host', 'h'], { requestUri: '/api/x?', upstreamQuery: '' }), route(), '/api', SERVICE, Buffer.alloc(0));
    expect(bare.path).toBe('/base/x?');
    const none = upstreamCall(request(['Host', 'h'], { requestUri: '/api/x', upstreamQuery: '' }), route(), '/api', SERVICE, Buffer.alloc(0));
    expect(none.path).toBe('/base/x');
  });
});

describe('passedOnHeaders', () => {
  test("lines plugins set in access come first, then the upstream's as sent, less the connection's own and nginx's hidden ones", () => {
    const raw = ['Server', 'up', 'Connection', 'keep-alive', 'Keep-Alive', 'timeout=5', 'Transfer-Encoding', 'chunked', 'X-Accel-Redirect', '/x', 'set-cookie', 'a', 'Set-Cookie', 'b'];
    expect(passedOnHeaders({ 'X-RateLimit-Remaining': 4 }, raw, undefined).raw()).toEqual([
      'X-RateLimit-Remaining', '4', 'Server', 'up', 'set-cookie', 'a', 'Set-Cookie', 'b',
    ]);
  });

  test('headers the upstream names in Connection, and Upgrade, stay with the gateway', () => {
    const raw = ['Connection', 'X-Internal, close', 'X-Internal', 'i', 'Upgrade', 'websocket', 'X-Public', 'p'];
    expect(passedOnHeaders({}, raw, undefined).raw()).toEqual(['X-Public', 'p']);
  });

  test('Trailer reaches only a client that said TE: trailers', () => {
    const raw = ['Trailer', 'X-Checksum'];
    expect(passedOnHeaders({}, raw, undefined).has('Trailer')).toBe(false);
    expect(passedOnHeaders({}, raw, 'gzip, trailers').get('Trailer')).toBe('X-Checksum');
  });

  test("sentVia: whether the upstream's answer had a Via of its own", () => {
    expect(sentVia(['VIA', '1.1 other'])).toBe(true);
    expect(sentVia(['Vary', 'x', 'X-Via', 'y'])).toBe(false);
  });
});
