// Kong's request-size-limiting plugin (kong/plugins/request-size-limiting/handler.lua, 3.9):
// a declared Content-Length is checked without reading the body; a body of
// unknown length (chunked) is read whole, then measured, as Kong does.
import { response, type Exit, type Plugin, type RequestContext } from '../../core/plugin';
import type { RequestSizeLimitingConfig } from './schema';

const UNIT_BYTES = { bytes: 1, kilobytes: 1024, megabytes: 1048576 } as const;

export class RequestSizeLimitingHandler implements Plugin {
  static readonly NAME = 'request-size-limiting';
  static readonly PRIORITY = 951;

  private readonly allowedBytes: number;

  constructor(private readonly config: RequestSizeLimitingConfig) {
    this.allowedBytes = config.allowedPayloadSize * UNIT_BYTES[config.sizeUnit];
  }

  async access(ctx: RequestContext): Promise<Exit | undefined> {
    const declared = ctx.headers.get('content-length');
    // nginx has already refused a Content-Length that is not a number.
    if (declared !== undefined && declared.trim() !== '' && !Number.isNaN(Number(declared))) return this.check(ctx, Number(declared));
    if (this.config.requireContentLength && ctx.headers.get('transfer-encoding') !== 'chunked') {
      return response.error(411, 'A valid Content-Length header is required');
    }
    return this.check(ctx, (await ctx.readBody()).length);
  }

  /** A client that waits on `Expect: 100-continue` is told 417: it never got to send the body. */
  private check(ctx: RequestContext, length: number): Exit | undefined {
    if (length <= this.allowedBytes) return undefined;
    const expectsContinue = ctx.headers.get('expect')?.trim().toLowerCase() === '100-continue';
    return response.error(expectsContinue ? 417 : 413, 'Request size limit exceeded');
  }
}
