// Header lists as Kong's PDK sees them: nginx's ordered lines, repeats kept,
// names compared without case, spelling kept for the wire.
import type { IncomingMessage } from 'node:http';
import { RequestHeaders, ResponseHeaders } from '../../../../kong/gateway/core/headers';

const requestHeaders = (...raw: string[]) => new RequestHeaders({ rawHeaders: raw } as unknown as IncomingMessage);

/** Every line as the upstream gets it, in order. */
function sent(headers: RequestHeaders): string[] {
  const lines: string[] = [];
  headers.forEachSent((name, value) => lines.push(`${name}: ${value}`));
  return lines;
}

describe('RequestHeaders (ngx.req.get_headers, kong.service.request.set_header/clear_header)', () => {
  test('get gives the first line of a name, values every line in order; names are looked up in lower case', () => {
    const headers = requestHeaders('Accept', 'a', 'X-Id', '1', 'ACCEPT', 'b');
    expect(headers.get('accept')).toBe('a');
    expect(headers.values('accept')).toEqual(['a', 'b']);
    expect(headers.get('x-missing')).toBeUndefined();
    expect(headers.values('x-missing')).toEqual([]);
  });

  test('set replaces the first line in place and drops the later ones', () => {
    const headers = requestHeaders('Accept', 'a', 'X-Id', '1', 'accept', 'b');
    headers.set('Accept', 'c');
    expect(sent(headers)).toEqual(['Accept: c', 'X-Id: 1']);
    expect(headers.values('accept')).toEqual(['c']);
  });

  test("set of a new name adds it at the end, spelled as given; reads see plugins' changes", () => {
    const headers = requestHeaders('Host', 'h');
    headers.set('X-Consumer-ID', 'u1');
    expect(sent(headers)).toEqual(['Host: h', 'X-Consumer-ID: u1']);
    expect(headers.get('x-consumer-id')).toBe('u1');
    expect(headers.all()).toEqual([['host', 'h'], ['x-consumer-id', 'u1']]);
  });

  test('clear removes every line of the name, whatever its case', () => {
    const headers = requestHeaders('Cookie', 'a', 'Host', 'h', 'cookie', 'b');
    headers.clear('COOKIE');
    expect(sent(headers)).toEqual(['Host: h']);
    expect(headers.get('cookie')).toBeUndefined();
  });

  test('unchanged headers go upstream exactly as the client spelled and repeated them', () => {
    expect(sent(requestHeaders('x-LOWER', '1', 'X-Lower', '2'))).toEqual(['x-LOWER: 1', 'X-Lower: 2']);
  });
});

describe('ResponseHeaders (ngx.header, kong.response.set_header/add_header/clear_header)', () => {
  test('add keeps repeats, set replaces every line of the name, both case-insensitively', () => {
    const headers = new ResponseHeaders();
    headers.add('Set-Cookie', 'a=1');
    headers.add('set-cookie', 'b=2');
    expect(headers.values('SET-COOKIE')).toEqual(['a=1', 'b=2']);
    headers.set('Set-Cookie', 'c=3');
    expect(headers.raw()).toEqual(['Set-Cookie', 'c=3']);
  });

  test('an array sets one line per item, an empty one clears; numbers become text', () => {
    const headers = new ResponseHeaders();
    headers.set('Vary', ['Origin', 'Accept']);
    headers.set('Content-Length', 12);
    expect(headers.raw()).toEqual(['Vary', 'Origin', 'Vary', 'Accept', 'Content-Length', '12']);
    expect(headers.get('content-length')).toBe('12');
    headers.set('vary', []);
    expect(headers.has('Vary')).toBe(false);
  });

  test('clear keeps the order of the other lines, and clearing an absent name changes nothing', () => {
    const headers = new ResponseHeaders();
    for (const [name, value] of [['A', '1'], ['B', '2'], ['a', '3'], ['C', '4']]) headers.add(name, value);
    headers.clear('Z');
    headers.clear('A');
    expect(headers.raw()).toEqual(['B', '2', 'C', '4']);
  });

  test('raw keeps each line as it was given: spelling, order and repeats', () => {
    const headers = new ResponseHeaders();
    headers.add('x-upstream', '1');
    headers.add('Server', 'up');
    headers.add('X-UPSTREAM', '2');
    expect(headers.raw()).toEqual(['x-upstream', '1', 'Server', 'up', 'X-UPSTREAM', '2']);
  });
});
