// lua-cjson as Kong runs it (OpenResty's fork, 2.1.0.13, default settings): what
// its encoder writes and what its decoder accepts, with its exact error
// messages, because plugins put those messages in answers. Strings here are
// byte strings (one char per byte, latin1), as Lua's are.

/** A decoded JSON value as Lua holds it; JSON null is cjson.null, kept as null. */
export type LuaValue = string | number | boolean | null | LuaValue[] | LuaTable;
export interface LuaTable {
  [key: string]: LuaValue;
}

/**
 * cjson.encode: JSON with '/' and DEL escaped, and numbers written with
 * encode_number_precision 14 ("%.14g": 0.1 + 0.2 is 0.3, 1e15 is 1e+15), as
 * cjson writes them. cjson refuses NaN and infinities (encode_invalid_numbers
 * off); they are written as null here, as JSON.stringify writes them.
 */
export function encode(value: unknown): string {
  const json = plainNumbers(value, 0) ? JSON.stringify(value) : (encodeValue(value) as string);
  return json.replace(/[/\x7f]/g, (c) => (c === '/' ? '\\/' : '\\u007f'));
}

/** Integers below 1e14 in magnitude look the same with "%.14g" as with JSON.stringify. */
const plainNumber = (n: number) => Number.isInteger(n) && n < 1e14 && n > -1e14 && !Object.is(n, -0);

/**
 * Whether JSON.stringify writes the value as cjson would (every number a
 * plain one): the common case, left to the native encoder. Past 64 levels,
 * the slow path decides.
 */
function plainNumbers(value: unknown, depth: number): boolean {
  if (typeof value === 'number') return plainNumber(value);
  if (typeof value !== 'object' || value === null) return true;
  if (depth === 64) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (!plainNumbers(item, depth + 1)) return false;
    return true;
  }
  for (const key in value) if (!plainNumbers((value as Record<string, unknown>)[key], depth + 1)) return false;
  return true;
}

/** JSON.stringify's walk (toJSON, undefined and functions left out), numbers in "%.14g". */
function encodeValue(value: unknown): string | undefined {
  if (typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(): unknown }).toJSON();
  }
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? formatNumber(value) : 'null';
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map((item) => encodeValue(item) ?? 'null').join(',')}]`;
      const members: string[] = [];
      for (const [key, item] of Object.entries(value)) {
        const encoded = encodeValue(item);
        if (encoded !== undefined) members.push(`${JSON.stringify(key)}:${encoded}`);
      }
      return `{${members.join(',')}}`;
    }
    default:
      return typeof value === 'bigint' ? JSON.stringify(value) : undefined;
  }
}

/** Lua's tostring for a number (LuaJIT: "%.14g"). */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const [mantissa, exponentText] = n.toExponential(13).split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 14) {
    const digits = mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa;
    return `${digits}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const fixed = n.toFixed(13 - exponent);
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

type TokenType =
  | 'T_OBJ_BEGIN' | 'T_OBJ_END' | 'T_ARR_BEGIN' | 'T_ARR_END' | 'T_STRING' | 'T_NUMBER'
  | 'T_BOOLEAN' | 'T_NULL' | 'T_COLON' | 'T_COMMA' | 'T_END' | 'T_ERROR';

interface Token {
  type: TokenType;
  /** 0-based position, shown 1-based in messages. */
  index: number;
  value?: LuaValue;
  /** For T_ERROR: what was wrong. */
  error?: string;
}

const SINGLE: Record<string, TokenType> = {
  '{': 'T_OBJ_BEGIN', '}': 'T_OBJ_END', '[': 'T_ARR_BEGIN', ']': 'T_ARR_END', ',': 'T_COMMA', ':': 'T_COLON',
};
const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
/** Characters that may start a string, number or literal; anything else is an invalid token. */
const UNKNOWN = new Set([...'fiInNt"+-0123456789']);
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', u: 'u' };
const MAX_DEPTH = 1000;
/** A run of string content with nothing to interpret. */
const PLAIN = /[^"\\\0]+/y;

// What strtod() accepts at the start of the text (C locale); cjson lets it decide numbers.
const HEX_NUMBER = /[+-]?0[xX](?:[0-9a-fA-F]+(?:\.[0-9a-fA-F]*)?|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?/y;
const INFINITY = /[+-]?inf(?:inity)?/iy;
const NAN = /[+-]?nan(?:\([0-9A-Za-z_]*\))?/iy;
const DECIMAL = /[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;

function hexValue(text: string): number {
  const match = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/.exec(text)!;
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  const mantissa = parseInt(`${whole || '0'}${fraction}`, 16) / 16 ** fraction.length;
  return (sign === '-' ? -1 : 1) * mantissa * 2 ** Number(exponent);
}

class DecodeError extends Error {}

class Decoder {
  private pos = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  /** The C string ends at the first NUL byte, as it does for cjson. */
  private char(at: number): string {
    return at < this.text.length ? this.text[at] : '\0';
  }

  private unexpected(expected: string, token: Token): never {
    const found = token.type === 'T_ERROR' ? token.error : token.type;
    throw new DecodeError(`Expected ${expected} but found ${found} at character ${token.index + 1}`);
  }

  private errorToken(error: string): Token {
    return { type: 'T_ERROR', index: this.pos, error };
  }

  next(): Token {
    while (WHITESPACE.has(this.char(this.pos))) this.pos++;
    const index = this.pos;
    const ch = this.char(index);
    if (ch === '\0') return { type: 'T_END', index };
    if (Object.hasOwn(SINGLE, ch)) {
      this.pos++;
      return { type: SINGLE[ch], index };
    }
    if (!UNKNOWN.has(ch)) return this.errorToken('invalid token');
    if (ch === '"') return this.string();
    if (ch === '-' || (ch >= '0' && ch <= '9')) return this.number();
    for (const [literal, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(literal, index)) {
        this.pos += literal.length;
        return { type: value === null ? 'T_NULL' : 'T_BOOLEAN', index, value };
      }
    }
    // With decode_invalid_numbers (the default) '+1', 'inf' and 'nan' are numbers too.
    const rest = this.text.slice(index, index + 3).toLowerCase();
    if (ch === '+' || rest === 'inf' || rest === 'nan') return this.number();
    return this.errorToken('invalid token');
  }

  private number(): Token {
    const index = this.pos;
    for (const pattern of [HEX_NUMBER, INFINITY, NAN, DECIMAL]) {
      pattern.lastIndex = index;
      const match = pattern.exec(this.text);
      if (!match) continue;
      const text = match[0];
      this.pos += text.length;
      const negative = text.startsWith('-');
      let value: number;
      if (pattern === HEX_NUMBER) value = hexValue(text);
      else if (pattern === INFINITY) value = negative ? -Infinity : Infinity;
      else if (pattern === NAN) value = NaN;
      else value = Number(text.endsWith('.') ? text.slice(0, -1) : text);
      return { type: 'T_NUMBER', index, value };
    }
    return this.errorToken('invalid number');
  }

  private string(): Token {
    const index = this.pos;
    this.pos++;
    let value = '';
    for (;;) {
      PLAIN.lastIndex = this.pos;
      const plain = PLAIN.exec(this.text);
      if (plain) {
        value += plain[0];
        this.pos += plain[0].length;
      }
      let ch = this.char(this.pos);
      if (ch === '"') break;
      if (ch === '\0') return this.errorToken('unexpected end of string');
      if (ch === '\\') {
        const escape = this.char(this.pos + 1);
        const mapped = Object.hasOwn(ESCAPES, escape) ? ESCAPES[escape] : undefined;
        if (mapped === 'u') {
          const decoded = this.unicodeEscape();
          if (decoded === null) return this.errorToken('invalid unicode escape code');
          value += decoded;
          continue;
        }
        if (mapped === undefined) return this.errorToken('invalid escape code');
        this.pos++;
        ch = mapped;
      }
      value += ch;
      this.pos++;
    }
    this.pos++;
    return { type: 'T_STRING', index, value };
  }

  private hex4(at: number): number {
    const digits = this.text.slice(at, at + 4);
    return /^[0-9a-fA-F]{4}$/.test(digits) ? parseInt(digits, 16) : -1;
  }

  /** \uXXXX (or a surrogate pair of them) as UTF-8 bytes. */
  private unicodeEscape(): string | null {
    let codepoint = this.hex4(this.pos + 2);
    if (codepoint < 0) return null;
    let length = 6;
    if ((codepoint & 0xf800) === 0xd800) {
      if (codepoint & 0x400) return null; // a low surrogate first
      if (this.char(this.pos + 6) !== '\\' || this.char(this.pos + 7) !== 'u') return null;
      const low = this.hex4(this.pos + 8);
      if (low < 0 || (low & 0xfc00) !== 0xdc00) return null;
      codepoint = (((codepoint & 0x3ff) << 10) | (low & 0x3ff)) + 0x10000;
      length = 12;
    }
    this.pos += length;
    return Buffer.from(String.fromCodePoint(codepoint), 'utf8').toString('latin1');
  }

  private descend(): void {
    this.depth++;
    if (this.depth > MAX_DEPTH) throw new DecodeError(`Found too many nested data structures (${this.depth}) at character ${this.pos}`);
  }

  value(token: Token): LuaValue {
    switch (token.type) {
      case 'T_STRING':
      case 'T_NUMBER':
      case 'T_BOOLEAN':
      case 'T_NULL':
        return token.value!;
      case 'T_OBJ_BEGIN':
        return this.object();
      case 'T_ARR_BEGIN':
        return this.array();
      default:
        return this.unexpected('value', token);
    }
  }

  private object(): LuaTable {
    this.descend();
    const table: LuaTable = Object.create(null) as LuaTable;
    let token = this.next();
    if (token.type === 'T_OBJ_END') {
      this.depth--;
      return table;
    }
    for (;;) {
      if (token.type !== 'T_STRING') this.unexpected('object key string', token);
      const key = token.value as string;
      token = this.next();
      if (token.type !== 'T_COLON') this.unexpected('colon', token);
      table[key] = this.value(this.next());
      token = this.next();
      if (token.type === 'T_OBJ_END') {
        this.depth--;
        return table;
      }
      if (token.type !== 'T_COMMA') this.unexpected('comma or object end', token);
      token = this.next();
    }
  }

  private array(): LuaValue[] {
    this.descend();
    const array: LuaValue[] = [];
    let token = this.next();
    if (token.type === 'T_ARR_END') {
      this.depth--;
      return array;
    }
    for (;;) {
      array.push(this.value(token));
      token = this.next();
      if (token.type === 'T_ARR_END') {
        this.depth--;
        return array;
      }
      if (token.type !== 'T_COMMA') this.unexpected('comma or array end', token);
      token = this.next();
    }
  }

  document(): LuaValue {
    if (this.text.length >= 2 && (this.text[0] === '\0' || this.text[1] === '\0')) {
      throw new DecodeError('JSON parser does not support UTF-16 or UTF-32');
    }
    const value = this.value(this.next());
    const end = this.next();
    if (end.type !== 'T_END') this.unexpected('the end', end);
    return value;
  }
}

/** cjson.safe.decode: the value, or cjson's error message. */
export function decode(text: string): { ok: true; value: LuaValue } | { ok: false; error: string } {
  try {
    return { ok: true, value: new Decoder(text).document() };
  } catch (err) {
    if (err instanceof DecodeError) return { ok: false, error: err.message };
    throw err;
  }
}
