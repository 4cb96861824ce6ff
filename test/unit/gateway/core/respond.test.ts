// Which format kong.response.error answers in (kong/tools/http.lua's
// get_response_type) and the page Kong's error handler makes.
import { errorBody, errorContentType, errorPage } from '../../../../kong/gateway/core/respond';

const JSON_TYPE = 'application/json; charset=utf-8';

describe('errorContentType', () => {
  test('no Accept, or none that parses, is JSON', () => {
    expect(errorContentType(undefined)).toBe(JSON_TYPE);
    expect(errorContentType('')).toBe(JSON_TYPE);
    expect(errorContentType('nonsense')).toBe(JSON_TYPE);
  });

  test('the entry with the highest q wins; on equal q the first', () => {
    expect(errorContentType('text/plain;q=0.5, text/html')).toBe('text/html; charset=utf-8');
    expect(errorContentType('application/xml, text/html')).toBe('application/xml; charset=utf-8');
    expect(errorContentType('text/html;q=0.9, application/xml;q=0.9')).toBe('text/html; charset=utf-8');
  });

  test('wildcards: */* is JSON, text/* plain text; unknown types and wrong case fall back to JSON', () => {
    expect(errorContentType('*/*')).toBe(JSON_TYPE);
    expect(errorContentType('text/*')).toBe('text/plain; charset=utf-8');
    expect(errorContentType('image/png')).toBe(JSON_TYPE);
    expect(errorContentType('Text/HTML')).toBe(JSON_TYPE);
  });

  test('q=0 never wins, and a later parameter does not reset q', () => {
    expect(errorContentType('text/html;q=0')).toBe(JSON_TYPE);
    expect(errorContentType('text/plain;q=0.2;level=1, text/html;q=0.1')).toBe('text/plain; charset=utf-8');
  });

  test('gRPC gets no body and no type', () => {
    expect(errorContentType('application/grpc')).toBe('');
    expect(errorBody('', 'x', 'rid')).toBe('');
  });
});

describe('errorPage', () => {
  test("Kong's messages for nginx's statuses; an unknown one names the upstream's status", () => {
    expect(errorPage(502, undefined, undefined, 'rid').body).toBe('An invalid response was received from the upstream server\nrequest_id: rid\n');
    expect(errorPage(418, undefined, undefined, 'rid').body).toBe('The upstream server responded with 418\nrequest_id: rid\n');
  });

  test('the format falls back on the request Content-Type, then text/plain (error_default_type)', () => {
    expect(errorPage(400, undefined, 'application/xml', 'rid').contentType).toBe('application/xml; charset=utf-8');
    expect(errorPage(400, 'text/html', 'application/xml', 'rid').contentType).toBe('text/html; charset=utf-8');
    expect(errorPage(400, undefined, undefined, 'rid').contentType).toBe('text/plain; charset=utf-8');
    expect(errorPage(400, 'application/grpc+proto', undefined, 'rid')).toEqual({ status: 400, contentType: '', body: '' });
  });
});
