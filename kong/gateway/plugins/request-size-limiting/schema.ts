// The request-size-limiting plugin's configuration (kong/plugins/request-size-limiting/schema.lua, 3.9).
import { boolean, field, mapping, number, oneOf } from '../../core/schema';

export const SIZE_UNITS = ['megabytes', 'kilobytes', 'bytes'] as const;

export interface RequestSizeLimitingConfig {
  allowedPayloadSize: number;
  sizeUnit: (typeof SIZE_UNITS)[number];
  requireContentLength: boolean;
}

export function requestSizeLimitingSchema(value: unknown, where: string): RequestSizeLimitingConfig {
  const c = mapping(value, where, ['allowed_payload_size', 'size_unit', 'require_content_length']);
  return {
    allowedPayloadSize: field(c, 'allowed_payload_size', where, number(-Infinity, Infinity, true), 128),
    sizeUnit: field(c, 'size_unit', where, oneOf(SIZE_UNITS), 'megabytes'),
    requireContentLength: field(c, 'require_content_length', where, boolean, false),
  };
}
