-- The forward-auth plugin's configuration. The local gateway's twin is
-- kong/gateway/plugins/forward-auth/schema.ts: same fields, defaults and checks.
local typedefs = require "kong.db.schema.typedefs"


-- Headers that frame or route the upstream request: filling them from the
-- identity provider's answer would let it break or redirect the request.
local RESERVED_UPSTREAM = {
  ["host"] = true,
  ["content-length"] = true,
  ["transfer-encoding"] = true,
  ["connection"] = true,
  ["keep-alive"] = true,
  ["te"] = true,
  ["upgrade"] = true,
}


local function validate_header_name(name)
  -- Kong's typedefs.header_name allows the same characters.
  if not name:match("^[A-Za-z0-9_-]+$") then
    return nil, "bad header name '" .. name .. "', allowed characters are A-Z, a-z, 0-9, '_', and '-'"
  end
  return true
end


local function validate_upstream_header(name)
  local ok, err = validate_header_name(name)
  if not ok then
    return nil, err
  end
  if RESERVED_UPSTREAM[name:lower():gsub("_", "-")] then
    return nil, "'" .. name .. "' cannot be set from the identity provider's answer"
  end
  return true
end


-- RFC 6265's cookie-name: a token.
local function validate_cookie_name(name)
  if not name:match("^[!#$%%&'*+%-.^_`|~0-9A-Za-z]+$") then
    return nil, "bad cookie name '" .. name .. "'"
  end
  return true
end


local function validate_url(url)
  if url:find("%s") then
    return nil, "must not contain whitespace"
  end
  local scheme, rest = url:match("^(%a+)://(.*)$")
  if not scheme then
    return nil, "missing scheme in url"
  end
  scheme = scheme:lower()
  if scheme ~= "http" and scheme ~= "https" then
    return nil, "expected an http or https url"
  end
  if not rest:match("^[^/?#]+") then
    return nil, "missing host in url"
  end
  return true
end


-- Admin-set, so an absolute URL (a sign-in page on another host) is allowed;
-- a path must be one on this site. `next` is appended as a query parameter,
-- which a fragment would swallow.
local function validate_login_url(url)
  if url:find("[%s%c#]") then
    return nil, "must not contain whitespace, control characters or a fragment"
  end
  if url:sub(1, 1) == "/" then
    local second = url:sub(2, 2)
    if second == "/" or second == "\\" then
      return nil, "a path must start with a single '/'"
    end
    return true
  end
  local ok = validate_url(url)
  if not ok then
    return nil, "expected a path starting with '/' or an http or https url"
  end
  return true
end


return {
  name = "forward-auth",
  fields = {
    -- It authenticates sessions, not Kong consumers.
    { consumer = typedefs.no_consumer },
    { protocols = typedefs.protocols_http },
    { config = {
        type = "record",
        fields = {
          { url = {
              description = "The identity provider's endpoint asked about each request (GET), e.g. http://idp:8080/api/session/authenticate.",
              type = "string",
              required = true,
              custom_validator = validate_url,
          } },
          { forward_headers = {
              description = "Request headers sent to the identity provider; their values, hashed, are also the cache key. A request with none of them is refused without asking.",
              type = "array",
              elements = { type = "string", custom_validator = validate_header_name },
              default = { "cookie" },
              required = true,
              len_min = 1,
          } },
          { upstream_headers = {
              description = "Headers of a positive answer copied to the upstream request. Client-sent copies are always removed.",
              type = "array",
              elements = { type = "string", custom_validator = validate_upstream_header },
              default = { "x-user", "x-email", "x-first-name", "authorization" },
              required = true,
          } },
          { timeout = {
              description = "Bounds connecting to the identity provider, sending to it and each read of its answer (ms).",
              type = "integer",
              between = { 1, 60000 },
              default = 5000,
              required = true,
          } },
          { cache_ttl = {
              description = "How long a positive answer is reused for the same credential (s), per nginx worker; 0 asks on every request. A revoked session keeps working for at most this long.",
              type = "number",
              between = { 0, 60 },
              default = 5,
              required = true,
          } },
          { login_url = {
              description = "Where browsers (Accept containing text/html) are redirected when not signed in, with ?next=<original path>; also named in the 401 for API clients.",
              type = "string",
              default = "/signin",
              required = true,
              custom_validator = validate_login_url,
          } },
          { session_cookie = {
              description = "The cookie holding the session id. When set, a request without exactly one such cookie made of A-Z, a-z, 0-9, '.', '_' and '-' within the lengths below is refused as one without a credential, without asking; cached answers remember its digest, so that a revocation can name the session.",
              type = "string",
              required = false,
              custom_validator = validate_cookie_name,
          } },
          { session_cookie_min_length = {
              description = "The shortest session cookie value asked about.",
              type = "integer",
              between = { 1, 4096 },
              default = 1,
              required = true,
          } },
          { session_cookie_max_length = {
              description = "The longest session cookie value asked about.",
              type = "integer",
              between = { 1, 4096 },
              default = 4096,
              required = true,
          } },
          { hide_credentials = {
              description = "Removes the session cookie (session_cookie) from the upstream request; the other cookies stay.",
              type = "boolean",
              default = false,
              required = true,
          } },
          { authenticate = {
              description = "false: the plugin only takes the revocation header off the route's answers (and acts on it with accept_revocations); requests are not checked.",
              type = "boolean",
              default = true,
              required = true,
          } },
          { accept_revocations = {
              description = "Acts on the X-Forward-Auth-Revoke header of the upstream's answer: the named sessions' or users' cached answers stop counting on this node. Every route with the plugin removes that header from its answers.",
              type = "boolean",
              default = false,
              required = true,
          } },
          { api_key = {
              description = "A key sent to the identity provider in api_key_header on every call (key-auth on its route: it answers the gateway only). Never taken from the client's request.",
              type = "string",
              required = false,
              referenceable = true,
              len_min = 1,
          } },
          { api_key_header = {
              description = "The header carrying api_key; it replaces any forwarded header of that name.",
              type = "string",
              default = "apikey",
              required = true,
              custom_validator = validate_header_name,
          } },
        },
    } },
  },
  entity_checks = {
    { custom_entity_check = {
        field_sources = { "config.session_cookie_min_length", "config.session_cookie_max_length" },
        fn = function(entity)
          local config = entity.config
          if config.session_cookie_min_length > config.session_cookie_max_length then
            return nil, "session_cookie_min_length must not exceed session_cookie_max_length"
          end
          return true
        end,
    } },
    { conditional = {
        if_field = "config.hide_credentials", if_match = { eq = true },
        then_field = "config.session_cookie", then_match = { required = true },
    } },
  },
}
