-- forward-auth: asks an identity provider whether the request's session is
-- valid before proxying it (the forward-auth pattern of Ory Oathkeeper,
-- Traefik ForwardAuth, nginx auth_request), and hands the identity it answers
-- with to the upstream as request headers.
--
-- Its twin for the local gateway is kong/gateway/plugins/forward-auth/; both
-- are held to test/gateway/plugins/forward-auth.test.ts, so change them together.

local http = require "resty.http"
local lrucache = require "resty.lrucache"
local resty_sha256 = require "resty.sha256"
local to_hex = require("resty.string").to_hex


local ipairs = ipairs
local pairs = pairs
local tonumber = tonumber
local type = type
local setmetatable = setmetatable
local concat = table.concat
local byte = string.byte
local char = string.char
local fmt = string.format


-- Upper bound of sessions remembered per plugin instance and nginx worker: only
-- answers for valid sessions are stored, so this bounds memory, not security.
local CACHE_ITEMS = 10000

local UNAVAILABLE = "Authentication service unavailable"
local INVALID_ANSWER = "Invalid answer from the authentication service"


local ForwardAuth = {
  -- In Kong's authentication band (jwt 1450, key-auth 1250, basic-auth 1100,
  -- hmac-auth 1030), so after cors (2000): preflights are answered without an
  -- identity provider round trip, and cors still decorates our 401 and 302.
  -- Before acl (950) and rate-limiting (910), so those can act on the identity
  -- this plugin sets (rate-limiting's limit_by: header on X-User, for one).
  PRIORITY = 1000,
  VERSION = "1.0.0",
}


-- One cache per plugin configuration: routes asking different identity
-- providers, or copying different headers, must not share answers. Weak keys let
-- Kong drop a configuration (and its cache) when it rebuilds its plugins.
local caches = setmetatable({}, { __mode = "k" })

local function cache_for(conf)
  local cache = caches[conf]
  if not cache then
    cache = assert(lrucache.new(CACHE_ITEMS))
    caches[conf] = cache
  end
  return cache
end


-- nginx treats `_` in a header name as a separate character from `-`, but many
-- upstream frameworks (CGI, WSGI, Rack) map both to the same variable: so a
-- client-sent `X_User` counts as a copy of `X-User`.
local function canonical(name)
  return (name:lower():gsub("_", "-"))
end


local function values_of(value)
  if type(value) == "table" then
    return value
  end
  return { value }
end


-- The forwarded headers' values, taken before anything is stripped: a header may
-- be both forwarded and filled in from the answer (Authorization, say).
local function credentials(conf, headers)
  local found = {}
  for _, name in ipairs(conf.forward_headers) do
    local key = canonical(name)
    local value = headers[key]
    if value ~= nil then
      found[#found + 1] = { name = key, values = values_of(value) }
    end
  end
  return found
end


-- Removes every client-sent copy of the headers the upstream trusts, under any
-- spelling, so that none can survive whatever happens next.
local function strip_identity_headers(conf, headers)
  local trusted = {}
  for _, name in ipairs(conf.upstream_headers) do
    local key = canonical(name)
    trusted[key] = true
    kong.service.request.clear_header(key)
  end
  for name in pairs(headers) do
    if trusted[canonical(name)] then
      kong.service.request.clear_header(name)
    end
  end
end


-- Only a digest of the credential is kept in memory; header lines cannot
-- contain a newline, so the joined form is unambiguous.
local function cache_key(found)
  local lines = {}
  for _, credential in ipairs(found) do
    for _, value in ipairs(credential.values) do
      lines[#lines + 1] = credential.name .. ":" .. value
    end
  end
  local digest = resty_sha256:new()
  digest:update(concat(lines, "\n"))
  return to_hex(digest:final())
end


local function percent_decode(text)
  return (text:gsub("%%(%x%x)", function(hex)
    return char(tonumber(hex, 16))
  end))
end


-- Every byte but RFC 3986's unreserved characters, so that the value is one
-- query parameter whatever it holds.
local function percent_encode(text)
  return (text:gsub("[^A-Za-z0-9%-%._~]", function(c)
    return fmt("%%%02X", byte(c))
  end))
end


-- A browser resolves `//host` and `/\host` to another site, and drops tabs
-- and newlines before doing so; the sign-in page may decode `next` once more
-- before redirecting to it. So both forms must be a path on this site.
local function same_site_path(path)
  for _, form in ipairs({ path, percent_decode(path) }) do
    if form:sub(1, 1) ~= "/" then
      return false
    end
    local second = form:sub(2, 2)
    if second == "/" or second == "\\" then
      return false
    end
    if form:find("%c") then
      return false
    end
  end
  return true
end


local function is_browser(headers)
  local accept = headers["accept"]
  if type(accept) == "table" then
    accept = accept[1]
  end
  return accept ~= nil and accept:lower():find("text/html", 1, true) ~= nil
end


local function login_required(conf, headers)
  if not is_browser(headers) then
    return kong.response.exit(401, {
      code = "login_required",
      message = "Please sign in",
      login_url = conf.login_url,
    })
  end

  local location = conf.login_url
  local next_path = kong.request.get_path_with_query()
  if same_site_path(next_path) then
    local separator = location:find("?", 1, true) and "&" or "?"
    location = location .. separator .. "next=" .. percent_encode(next_path)
  end
  return kong.response.exit(302, nil, { Location = location })
end


local function ask(conf, found)
  local request_headers = {}
  for _, credential in ipairs(found) do
    local values = credential.values
    request_headers[credential.name] = #values == 1 and values[1] or values
  end

  local httpc = http.new()
  httpc:set_timeout(conf.timeout)
  return httpc:request_uri(conf.url, {
    method = "GET",
    headers = request_headers,
    ssl_verify = true,
  })
end


-- The configured headers of a positive answer, as name/value pairs. A repeated
-- one would leave it to the upstream which copy counts: refused instead.
local function identity_from(conf, answer_headers)
  local identity = {}
  for _, name in ipairs(conf.upstream_headers) do
    local key = canonical(name)
    local value = answer_headers[key]
    if type(value) == "table" then
      return nil, "repeated header in its answer: " .. key
    end
    -- An empty value would reach the upstream as " " (Kong's PDK); absent is clearer.
    if value ~= nil and value ~= "" then
      identity[#identity + 1] = { name = key, value = value }
    end
  end
  return identity
end


function ForwardAuth:access(conf)
  -- No limit on the count: a forged header hidden past the PDK's cap of 1000
  -- would otherwise reach the upstream.
  local headers = ngx.req.get_headers(0)
  local found = credentials(conf, headers)
  strip_identity_headers(conf, headers)

  -- Without a credential there is nothing to ask about.
  if #found == 0 then
    return login_required(conf, headers)
  end

  local cache = conf.cache_ttl > 0 and cache_for(conf) or nil
  local key = cache and cache_key(found)
  local identity = cache and cache:get(key)

  if not identity then
    local answer, err = ask(conf, found)
    if not answer then
      kong.log.err("identity provider unreachable: ", err)
      return kong.response.error(503, UNAVAILABLE)
    end

    local status = answer.status
    if status == 401 then
      return login_required(conf, headers)
    end
    if status == 403 then
      return kong.response.error(403, "Forbidden")
    end
    if status == 429 or status >= 500 then
      kong.log.err("identity provider answered ", status)
      return kong.response.error(503, UNAVAILABLE)
    end
    if status < 200 or status > 299 then
      kong.log.err("identity provider answered ", status, ", expected 2xx, 401 or 403")
      return kong.response.error(502, INVALID_ANSWER)
    end

    identity, err = identity_from(conf, answer.headers)
    if not identity then
      kong.log.err("identity provider sent a ", err)
      return kong.response.error(502, INVALID_ANSWER)
    end

    -- Only positive answers, and never for longer than cache_ttl: a session
    -- ended at the identity provider stops working within that bound.
    if cache then
      cache:set(key, identity, conf.cache_ttl)
    end
  end

  for _, header in ipairs(identity) do
    kong.service.request.set_header(header.name, header.value)
  end
end


return ForwardAuth
