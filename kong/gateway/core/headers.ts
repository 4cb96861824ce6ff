// The request headers as plugins read and change them (ngx.req.get_headers,
// kong.service.request.set_header/clear_header): nginx's ordered list of
// header lines, so repeated headers and what earlier plugins set both show.
import type { IncomingMessage } from 'node:http';

export class RequestHeaders {
  /** [lower-case name, value] per header line; built from the raw headers on first use. */
  private lines: [string, string][] | null = null;

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
    return this.writable();
  }

  /** Like nginx: the first line of that name takes the value, later ones go; none, one is added at the end. */
  set(name: string, value: string): void {
    const lines = this.writable();
    const first = lines.findIndex(([n]) => n === name);
    if (first === -1) {
      lines.push([name, value]);
    } else {
      lines[first] = [name, value];
      this.lines = lines.filter(([n], i) => n !== name || i === first);
    }
    // What the proxy forwards.
    this.req.headers[name] = value;
  }

  clear(name: string): void {
    this.lines = this.writable().filter(([n]) => n !== name);
    delete this.req.headers[name];
  }

  private writable(): [string, string][] {
    if (!this.lines) {
      const raw = this.req.rawHeaders;
      this.lines = [];
      for (let i = 0; i < raw.length; i += 2) this.lines.push([raw[i].toLowerCase(), raw[i + 1]]);
    }
    return this.lines;
  }
}
