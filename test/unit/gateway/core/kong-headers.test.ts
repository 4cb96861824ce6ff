// The headers Kong's runloop adds to answers, as its `headers` setting allows.
import { ResponseHeaders } from '../../../../kong/gateway/core/headers';
import { afterHeaderFilter, beforeHeaderFilter, type Proxied } from '../../../../kong/gateway/core/kong-headers';
import { parseHeaders } from '../../../../kong/gateway/core/settings';

const DEFAULT = parseHeaders('server_tokens, latency_tokens, X-Kong-Request-Id');
const proxied = (fields: Partial<Proxied> = {}): Proxied => ({ proxyLatency: 3, upstreamLatency: 7, upstreamVia: undefined, upstreamStatus: 201, ...fields });

function after(enabled: ReturnType<typeof parseHeaders>, how: Proxied | null, ...lines: [string, string][]): string[] {
  const headers = new ResponseHeaders();
  for (const [name, value] of lines) headers.add(name, value);
  afterHeaderFilter(headers, enabled, how, 'rid', 1000, 50, 1120);
  return headers.raw();
}

test("a proxied answer: the latencies, Kong's Via after the upstream's, Server only if the upstream sent none", () => {
  expect(after(DEFAULT, proxied())).toEqual([
    'X-Kong-Upstream-Latency', '7', 'X-Kong-Proxy-Latency', '3', 'Via', '1.1 kong/3.9.3', 'Server', 'kong/3.9.3', 'X-Kong-Request-Id', 'rid',
  ]);
  expect(after(DEFAULT, proxied({ upstreamVia: '1.0 up' }), ['Server', 'up'], ['Via', '1.0 up'])).toEqual([
    'Server', 'up', 'X-Kong-Upstream-Latency', '7', 'X-Kong-Proxy-Latency', '3', 'Via', '1.0 up, 1.1 kong/3.9.3', 'X-Kong-Request-Id', 'rid',
  ]);
});

test('an answer Kong made: X-Kong-Response-Latency leaves out time spent waiting outside, and Server is always Kong\'s', () => {
  expect(after(DEFAULT, null, ['Server', 'plugin'])).toEqual(['X-Kong-Response-Latency', '70', 'Server', 'kong/3.9.3', 'X-Kong-Request-Id', 'rid']);
});

test("a plugin's own `Via: kong/<version>` keeps Kong's Server off", () => {
  expect(after(DEFAULT, null, ['Via', 'kong/3.9.3'])).toEqual(['Via', 'kong/3.9.3', 'X-Kong-Response-Latency', '70', 'X-Kong-Request-Id', 'rid']);
});

test("with Server turned off, a proxied answer shows nginx's name and Kong's own answers none", () => {
  const off = parseHeaders('off');
  expect(after(off, proxied())).toEqual(['Server', 'openresty']);
  expect(after(off, null, ['Server', 'plugin'])).toEqual([]);
});

test('X-Kong-Upstream-Status is opt-in, and set before the plugins run', () => {
  const headers = new ResponseHeaders();
  beforeHeaderFilter(headers, DEFAULT, proxied());
  expect(headers.raw()).toEqual([]);
  beforeHeaderFilter(headers, parseHeaders('X-Kong-Upstream-Status'), proxied());
  expect(headers.raw()).toEqual(['X-Kong-Upstream-Status', '201']);
  beforeHeaderFilter(headers, parseHeaders('X-Kong-Upstream-Status'), null);
  expect(headers.raw()).toEqual(['X-Kong-Upstream-Status', '201']);
});
