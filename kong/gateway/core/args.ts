// Arguments as nginx decodes and encodes them for Kong: the query
// (ngx.req.get_uri_args), form bodies (ngx.req.get_post_args, the same
// decoder) and ngx.encode_args. Strings hold one byte per char, as in Lua.

/** nginx stops at 100 arguments unless told otherwise. */
const MAX_ARGS = 100;

/** ngx.unescape_uri as the argument decoder applies it: '+' is a space, a '%' without two hex digits stays. */
function unescapeArg(text: string): string {
  return text.replace(/\+|%([0-9a-fA-F]{2})/g, (match, hex: string | undefined) =>
    hex === undefined ? ' ' : String.fromCharCode(parseInt(hex, 16)),
  );
}

/** ngx.req.get_uri_args(): decoded arguments in order; a bare name is `true`, empty names are dropped. */
export function uriArgs(query: string): [string, string | true][] {
  const args: [string, string | true][] = [];
  let count = 0;
  let start = 0;
  let key: string | null = null;
  const add = (name: string, value: string | true) => {
    if (name !== '') args.push([name, value]);
  };
  for (let i = 0; i < query.length; i++) {
    if (query[i] === '=' && key === null) {
      key = unescapeArg(query.slice(start, i));
      start = i + 1;
    } else if (query[i] === '&') {
      const text = unescapeArg(query.slice(start, i));
      if (key === null) add(text, true);
      else add(key, text);
      key = null;
      start = i + 1;
      if (++count === MAX_ARGS) return args;
    }
  }
  if (start < query.length || key !== null) {
    const text = unescapeArg(query.slice(start));
    if (key === null) add(text, true);
    else add(key, text);
  }
  return args;
}

/** An argument as Lua sees it in the decoded table: a repeated name is a list. */
export type ArgValue = string | true | (string | true)[];

/** The decoded arguments as a table, the way get_uri_args() returns them. */
export function argsTable(args: Iterable<readonly [string, string | true]>): Map<string, ArgValue> {
  const table = new Map<string, ArgValue>();
  for (const [name, value] of args) {
    const current = table.get(name);
    if (current === undefined) table.set(name, value);
    else table.set(name, Array.isArray(current) ? [...current, value] : [current, value]);
  }
  return table;
}

/** ngx.escape_uri for arguments: everything but letters, digits and `-._~` is %-escaped. */
export function escapeArg(text: string): string {
  return text.replace(/[^A-Za-z0-9\-._~]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
