// Route matching as Kong's router (router_flavor traditional_compatible)
// ranks routes, for the fields the local gateway supports, and the upstream
// path as Kong joins it (path_handling v0). Routes come from kong.yml text
// through the real config loader, so each case reads as kong.yml would.
import { ConfigError, parseConfig, type RouteConfig } from '../../../../kong/gateway/core/config';
import { Router, upstreamPath } from '../../../../kong/gateway/core/router';

interface Yml {
  services?: object[];
  routes?: object[];
}

const load = (yml: Yml) => parseConfig(JSON.stringify({ _format_version: '3.0', ...yml }), {}, []);

function router(yml: Yml) {
  const r = new Router(load(yml).routes.map((config: RouteConfig) => ({ config })));
  /** The matched route's name and the path prefix that matched, or null. */
  return (method: string, path: string) => {
    const match = r.match(method, path);
    return match ? `${match.route.config.name} ${match.prefix ?? '(no path)'}` : null;
  };
}

const svc = (routes: object[]) => ({ services: [{ name: 'api', url: 'http://upstream.invalid', routes }] });

describe('precedence', () => {
  test('the longest matching path wins, whatever the order in kong.yml', () => {
    const match = router(svc([{ name: 'short', paths: ['/a'] }, { name: 'long', paths: ['/a/b'] }, { name: 'root', paths: ['/'] }]));
    expect(match('GET', '/a/b/c')).toBe('long /a/b');
    expect(match('GET', '/a/x')).toBe('short /a');
    expect(match('GET', '/other')).toBe('root /');
  });

  test('a path is a plain prefix, not a whole segment: /a matches /abc', () => {
    const match = router(svc([{ name: 'a', paths: ['/a'] }]));
    expect(match('GET', '/abc')).toBe('a /a');
    expect(match('GET', '/b')).toBeNull();
    // Case matters: Kong compares paths byte for byte.
    expect(match('GET', '/A')).toBeNull();
  });

  test('a route matching on more fields beats one with a longer path (methods and paths over paths only)', () => {
    const match = router(svc([{ name: 'long', paths: ['/users/me/profile'] }, { name: 'get-root', methods: ['GET'], paths: ['/'] }]));
    expect(match('GET', '/users/me/profile')).toBe('get-root /');
    expect(match('POST', '/users/me/profile')).toBe('long /users/me/profile');
  });

  test('a route for other methods is passed over, and the next in rank is tried', () => {
    const match = router(svc([{ name: 'post', methods: ['POST'], paths: ['/a'] }, { name: 'any', paths: ['/a'] }]));
    expect(match('POST', '/a')).toBe('post /a');
    expect(match('GET', '/a')).toBe('any /a');
    const only = router(svc([{ name: 'post', methods: ['POST', 'PUT'], paths: ['/a'] }]));
    expect(only('PUT', '/a')).toBe('post /a');
    expect(only('GET', '/a')).toBeNull();
    // Methods are compared as sent: nginx passes the method's case through, and Kong does not fold it.
    expect(only('post', '/a')).toBeNull();
  });

  test('a route on methods only matches any path, below a route with a path of the same weight', () => {
    const match = router(svc([{ name: 'gets', methods: ['GET'] }, { name: 'x', paths: ['/x'] }]));
    expect(match('GET', '/anything')).toBe('gets (no path)');
    expect(match('GET', '/x')).toBe('x /x');
    expect(match('POST', '/anything')).toBeNull();
  });

  test("each of a route's paths ranks on its own (Kong splits a route by path), and the one that matched is given", () => {
    const match = router(svc([{ name: 'two', paths: ['/a', '/a/b/c'] }, { name: 'mid', paths: ['/a/b'] }]));
    expect(match('GET', '/a/b/c/d')).toBe('two /a/b/c');
    expect(match('GET', '/a/b/x')).toBe('mid /a/b');
    expect(match('GET', '/a/x')).toBe('two /a');
  });

  test('equal rank: the first route in kong.yml wins, services before top-level routes', () => {
    const match = router({
      services: [{ name: 's', url: 'http://upstream.invalid', routes: [{ name: 'first', paths: ['/p'] }, { name: 'second', paths: ['/p'] }] }],
      routes: [{ name: 'serviceless', paths: ['/p'] }],
    });
    expect(match('GET', '/p')).toBe('first /p');
  });

  test('fields the gateway cannot match on are refused at load, never ignored (ignoring them would change precedence)', () => {
    expect(() => load(svc([{ name: 're', paths: ['~/users/\\d+'] }]))).toThrow(new ConfigError(
      'kong.yml: services[api].routes[re].paths[0]: regex paths are not supported by the local gateway',
    ));
    expect(() => load(svc([{ name: 'h', hosts: ['example.com'], paths: ['/'] }]))).toThrow(ConfigError);
    expect(() => load(svc([{ name: 'nothing' }]))).toThrow(/must set one of 'methods', 'paths'/);
    // Kong refuses a path it would never match after normalising the request's.
    expect(() => load(svc([{ name: 'dots', paths: ['/a/../b'] }]))).toThrow(/non-normalized path, consider use '\/b' instead/);
  });
});

describe('upstream path (Kong path_handling v0)', () => {
  // The v0 rows of Kong's own table, spec/fixtures/router_path_handling_tests.lua (Kong 3.x):
  // service path, route path (null: a route without paths), strip_path values, request path, upstream path.
  const rows: [string, string | null, boolean[], string, string][] = [
    ['/', '/', [false, true], '/', '/'],
    ['/', '/', [false, true], '/route/req', '/route/req'],
    ['/', '/route', [false], '/routereq', '/routereq'],
    ['/', '/route', [true], '/route', '/'],
    ['/', '/route', [true], '/route/', '/'],
    ['/', '/route', [true], '/routereq', '/req'],
    ['/', '/route/', [true], '/route/', '/'],
    ['/', '/route/', [true], '/route/req', '/req'],
    ['/srv', '/rou', [false], '/roureq', '/srv/roureq'],
    ['/srv', '/rou', [true], '/roureq', '/srv/req'],
    ['/srv/', '/rou', [false], '/rou', '/srv/rou'],
    ['/srv/', '/rou', [true], '/rou', '/srv'],
    ['/service', '/', [false, true], '/', '/service'],
    ['/service', '/', [false, true], '/route/', '/service/route/'],
    ['/service', '/route', [false], '/route/', '/service/route/'],
    ['/service', '/route', [true], '/route', '/service'],
    ['/service', '/route', [true], '/route/', '/service/'],
    ['/service', '/route', [true], '/routereq', '/service/req'],
    ['/service', '/route/', [true], '/route/', '/service/'],
    ['/service', '/route/', [true], '/route/req', '/service/req'],
    ['/service/', '/', [false, true], '/', '/service/'],
    ['/service/', '/', [false, true], '/route/req', '/service/route/req'],
    ['/service/', '/route', [true], '/route', '/service'],
    ['/service/', '/route', [true], '/route/', '/service/'],
    ['/service/', '/route', [true], '/routereq', '/service/req'],
    ['/service/', '/route/', [true], '/route/', '/service/'],
    ['/service/', '/route/', [true], '/route/req', '/service/req'],
    ['/', null, [false, true], '/route/', '/route/'],
    ['/service', null, [false, true], '/', '/service'],
    ['/service', null, [false, true], '/route', '/service/route'],
    ['/service/', null, [false, true], '/', '/service/'],
    ['/service/', null, [false, true], '/route/', '/service/route/'],
  ];
  const cases = rows.flatMap(([service, route, strips, request, expected]) => strips.map((strip) => [service, route, strip, request, expected] as const));

  test.each(cases)('service %s, route %s, strip_path %s: %s goes upstream as %s', (service, route, strip, request, expected) => {
    // As the proxy calls it: a route without paths strips '/' when strip_path is on.
    expect(upstreamPath(service, request, strip ? (route ?? '/') : null)).toBe(expected);
  });

  test('a stripped rest that is only dots is dropped (sanitize_uri_postfix)', () => {
    expect(upstreamPath('/svc', '/route..', '/route')).toBe('/svc');
    expect(upstreamPath('/svc', '/route./x', '/route')).toBe('/svc/x');
  });
});
