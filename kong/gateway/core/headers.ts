// The request headers as plugins read and change them (ngx.req.get_headers,
// kong.service.request.set_header/clear_header): nginx's ordered list of
// header lines, so repeated headers and what earlier plugins set both show.
import type { IncomingMessage } from 'node:http';

export class RequestHeaders {
  /** [lower-case name, value, name as sent] per header line; built from the raw headers on first use. */
  private lines: [string, string, string][] | null = null;

  constructor(private readonly req: IncomingMessage) {}

  /** The first value of a header (name in lower case), as nginx hands it to Kong. */
  get(name: string): string | undefined {
    if (this.lines) return this.lines.find(([n]) => n === name)?.[1];
    const raw = this.req.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) if (raw[i].length === name.length && raw[i].toLowerCase() === name) return raw[i + 1];
    return undefined;
  }

  /** Every value of a header, in order. */
  values(name: string): string[] {
    return this.writable().filter(([n]) => n === name).map(([, value]) => value);
  }

  /** Every header line in order, names in lower case. */
  all(): readonly (readonly [string, string])[] {
    return this.writable().map(([name, value]) => [name, value] as const);
  }

  /** Every header line in order, names spelled as sent (or as a plugin set them): what the upstream gets. */
  sent(): readonly (readonly [string, string])[] {
    return this.writable().map(([, value, spelling]) => [spelling, value] as const);
  }

  /** Like nginx: the first line of that name takes the value, later ones go; none, one is added at the end. */
  set(name: string, value: string): void {
    const lines = this.writable();
    const lower = name.toLowerCase();
    const first = lines.findIndex(([n]) => n === lower);
    if (first === -1) {
      lines.push([lower, value, name]);
    } else {
      lines[first] = [lower, value, lines[first][2]];
      this.lines = lines.filter(([n], i) => n !== lower || i === first);
    }
  }

  clear(name: string): void {
    const lower = name.toLowerCase();
    const lines = this.writable();
    if (lines.some(([n]) => n === lower)) this.lines = lines.filter(([n]) => n !== lower);
  }

  private writable(): [string, string, string][] {
    if (!this.lines) {
      const raw = this.req.rawHeaders;
      this.lines = [];
      for (let i = 0; i < raw.length; i += 2) this.lines.push([raw[i].toLowerCase(), raw[i + 1], raw[i]]);
    }
    return this.lines;
  }
}

/**
 * The headers of an answer as Kong's header_filter phase sees them (ngx.header,
 * kong.response.set_header/add_header/clear_header): ordered lines, names
 * compared without case, repeats kept. Written out as they are, so the client
 * gets the upstream's spelling and repeated lines.
 */
export class ResponseHeaders {
  /** [name as given, value, lower-case name] per line: the answer's headers are compared many times each. */
  private lines: [string, string, string][] = [];

  /** From Node's rawHeaders: [name, value, name, value, ...]. */
  static fromRaw(raw: readonly string[]): ResponseHeaders {
    const headers = new ResponseHeaders();
    for (let i = 0; i < raw.length; i += 2) headers.lines.push([raw[i], raw[i + 1], raw[i].toLowerCase()]);
    return headers;
  }

  get(name: string): string | undefined {
    const lower = name.toLowerCase();
    return this.lines.find((line) => line[2] === lower)?.[1];
  }

  values(name: string): string[] {
    const lower = name.toLowerCase();
    return this.lines.filter((line) => line[2] === lower).map(([, value]) => value);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Replaces every line of that name; an array sets one line per item, an empty one clears. */
  set(name: string, value: string | number | readonly (string | number)[]): void {
    this.clear(name);
    this.add(name, value);
  }

  add(name: string, value: string | number | readonly (string | number)[]): void {
    const lower = name.toLowerCase();
    if (!Array.isArray(value)) this.lines.push([name, String(value), lower]);
    else for (const item of value) this.lines.push([name, String(item), lower]);
  }

  clear(name: string): void {
    const lower = name.toLowerCase();
    if (this.lines.some((line) => line[2] === lower)) this.lines = this.lines.filter((line) => line[2] !== lower);
  }

  /** For response.writeHead: a flat [name, value, ...] list, which keeps repeats and spelling. */
  raw(): string[] {
    const flat: string[] = [];
    for (const [name, value] of this.lines) flat.push(name, value);
    return flat;
  }
}
