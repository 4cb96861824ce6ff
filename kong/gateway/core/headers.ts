// The request headers as plugins read and change them (ngx.req.get_headers,
// kong.service.request.set_header/clear_header): nginx's ordered list of
// header lines, so repeated headers and what earlier plugins set both show.
import type { IncomingMessage } from 'node:http';

/** Where the next line of that (lower-case) name starts in a flat [lower-case name, value, spelling, ...] list, or -1. */
function indexOfName(lines: readonly string[], lower: string, from: number): number {
  for (let i = from; i < lines.length; i += 3) if (lines[i] === lower) return i;
  return -1;
}

export class RequestHeaders {
  /**
   * Flat [lower-case name, value, name as sent, ...] per header line; built
   * from the raw headers when a plugin first changes them. Every request
   * reads several headers, so reads are plain loops over it.
   */
  private lines: string[] | null = null;

  constructor(private readonly req: IncomingMessage) {}

  /** The first value of a header (name in lower case), as nginx hands it to Kong. */
  get(name: string): string | undefined {
    const lines = this.lines;
    if (lines) {
      for (let i = 0; i < lines.length; i += 3) if (lines[i] === name) return lines[i + 1];
      return undefined;
    }
    const raw = this.req.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) if (raw[i].length === name.length && raw[i].toLowerCase() === name) return raw[i + 1];
    return undefined;
  }

  /** Every value of a header, in order. */
  values(name: string): string[] {
    const found: string[] = [];
    const lines = this.lines;
    if (lines) {
      for (let i = 0; i < lines.length; i += 3) if (lines[i] === name) found.push(lines[i + 1]);
      return found;
    }
    const raw = this.req.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) if (raw[i].length === name.length && raw[i].toLowerCase() === name) found.push(raw[i + 1]);
    return found;
  }

  /** Every header line in order, names in lower case. */
  all(): readonly (readonly [string, string])[] {
    const lines = this.writable();
    const all: [string, string][] = [];
    for (let i = 0; i < lines.length; i += 3) all.push([lines[i], lines[i + 1]]);
    return all;
  }

  /** Calls `each` for every header line in order, name spelled as sent (or as a plugin set it): what the upstream gets. */
  forEachSent(each: (name: string, value: string) => void): void {
    const lines = this.lines;
    if (lines) {
      for (let i = 0; i < lines.length; i += 3) each(lines[i + 2], lines[i + 1]);
      return;
    }
    const raw = this.req.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) each(raw[i], raw[i + 1]);
  }

  /** Like nginx: the first line of that name takes the value, later ones go; none, one is added at the end. */
  set(name: string, value: string): void {
    const lower = name.toLowerCase();
    const lines = this.writable();
    const first = indexOfName(lines, lower, 0);
    if (first === -1) {
      lines.push(lower, value, name);
      return;
    }
    lines[first + 1] = value;
    this.removeFrom(lower, first + 3);
  }

  clear(name: string): void {
    this.removeFrom(name.toLowerCase(), 0);
  }

  /** Removes the lines of that name from index `from` on. */
  private removeFrom(lower: string, from: number): void {
    const lines = this.writable();
    for (let at = indexOfName(lines, lower, from); at !== -1; at = indexOfName(lines, lower, at)) lines.splice(at, 3);
  }

  private writable(): string[] {
    if (!this.lines) {
      const raw = this.req.rawHeaders;
      const lines: string[] = [];
      for (let i = 0; i < raw.length; i += 2) lines.push(raw[i].toLowerCase(), raw[i + 1], raw[i]);
      this.lines = lines;
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
  /** Flat [name as given, value, lower-case name, ...] per line: the answer's headers are compared many times each. */
  private lines: string[] = [];

  get(name: string): string | undefined {
    const lower = name.toLowerCase();
    const lines = this.lines;
    for (let i = 0; i < lines.length; i += 3) if (lines[i + 2] === lower) return lines[i + 1];
    return undefined;
  }

  values(name: string): string[] {
    const lower = name.toLowerCase();
    const lines = this.lines;
    const found: string[] = [];
    for (let i = 0; i < lines.length; i += 3) if (lines[i + 2] === lower) found.push(lines[i + 1]);
    return found;
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
    if (!Array.isArray(value)) this.lines.push(name, String(value), lower);
    else for (const item of value) this.lines.push(name, String(item), lower);
  }

  clear(name: string): void {
    const lower = name.toLowerCase();
    const lines = this.lines;
    let at = 2;
    while (at < lines.length && lines[at] !== lower) at += 3;
    if (at >= lines.length) return;
    const kept = lines.slice(0, at - 2);
    for (let i = at + 1; i < lines.length; i += 3) if (lines[i + 2] !== lower) kept.push(lines[i], lines[i + 1], lines[i + 2]);
    this.lines = kept;
  }

  /** For response.writeHead: a flat [name, value, ...] list, which keeps repeats and spelling. */
  raw(): string[] {
    const lines = this.lines;
    const flat: string[] = [];
    for (let i = 0; i < lines.length; i += 3) flat.push(lines[i], lines[i + 1]);
    return flat;
  }
}
