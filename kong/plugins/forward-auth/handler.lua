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
local max = math.max
local timer_at = ngx.timer and ngx.timer.at
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

-- The schema's upper bound of cache_ttl: no entry outlives this, so neither
-- must a revocation record.
local MAX_CACHE_TTL = 60

-- Revocation records kept per nginx worker before old ones are pruned; past
-- it, everything cached so far is dropped (the safe side) instead.
local MAX_REVOCATIONS = 10000

-- The answer header in which the function behind a route says which cached
-- answers are no longer valid (docs/forward-auth.md). It is read from the
-- upstream's answer only, removed from every answer on a route with this
-- plugin and from every request it lets through.
local REVOKE_HEADER = "x-forward-auth-revoke"

-- What lib/browser-sessions issues is base64url and '.': a cookie with any
-- other byte is refused without asking.
local SESSION_ID_CHARS = "^[A-Za-z0-9._-]+$"

local UNAVAILABLE = "Authentication service unavailable"
local INVALID_ANSWER = "Invalid answer from the authentication service"


local ForwardAuth = {
  -- After cors (2000): preflights are answered without an identity provider
  -- round trip, and cors still decorates our 401 and 302. After rate-limiting
  -- (910): a flood of made-up cookies meets the route's per-client limit (429)
  -- before any of them costs an identity provider call. Before aws-lambda
  -- (750), which ends the request. (It sets no consumer, so acl, 950, and
  -- rate-limiting's limit_by: consumer never depended on it.)
  PRIORITY = 900,
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


-- Which cached answers are no longer valid, in this nginx worker: the time of
-- the last revocation of a session ("s:" .. its digest) or of all of a user's
-- sessions ("u:" .. the user), and `all`, before which nothing cached counts.
-- An answer counts only if the identity provider was asked after every
-- revocation that names it: so one asked before a logout and stored after it
-- (a request racing the logout) is refused too. Shared by every configuration,
-- as a logout route's plugin is not the profile routes' one.
local revocations = { at = {}, count = 0, all = 0 }

local function now()
  ngx.update_time()
  return ngx.now()
end

local function record_revocation(key, at)
  local known = revocations.at[key]
  if known == nil then
    revocations.count = revocations.count + 1
  end
  revocations.at[key] = max(known or 0, at)
  if revocations.count <= MAX_REVOCATIONS then
    return
  end
  -- An entry asked before `oldest` has expired: its records are no longer needed.
  local oldest = at - MAX_CACHE_TTL
  for name, time in pairs(revocations.at) do
    if time < oldest then
      revocations.at[name] = nil
      revocations.count = revocations.count - 1
    end
  end
  if revocations.count > MAX_REVOCATIONS then
    revocations.all = max(revocations.all, at)
    revocations.at = {}
    revocations.count = 0
  end
end

local function is_revoked(entry)
  local at = revocations.at
  local last = max(revocations.all,
                   entry.session and at["s:" .. entry.session] or 0,
                   entry.user and at["u:" .. entry.user] or 0)
  return entry.asked_at <= last
end

-- The other workers of this node learn of a revocation through Kong's worker
-- events; the one that saw it has applied it already.
local WORKER_EVENTS_SOURCE = "forward-auth"
local WORKER_EVENTS_EVENT = "revoke"

local function apply_revocations(data)
  if type(data) ~= "table" or type(data.at) ~= "number" or type(data.keys) ~= "table" then
    return
  end
  for _, key in ipairs(data.keys) do
    if type(key) == "string" then
      record_revocation(key, data.at)
    end
  end
end

local function broadcast(data)
  local events = kong.worker_events
  if not (events and timer_at) then
    return
  end
  -- A timer: header_filter cannot use the sockets posting may need.
  local ok, err = timer_at(0, function(premature)
    if premature then
      return
    end
    local posted, post_err = events.post(WORKER_EVENTS_SOURCE, WORKER_EVENTS_EVENT, data)
    if not posted then
      kong.log.err("could not tell the other workers of a revocation: ", post_err)
    end
  end)
  if not ok then
    kong.log.err("could not tell the other workers of a revocation: ", err)
  end
end

-- An item of the revoke header: `session=<SHA-256 of the session id, hex>`
-- (logout) or `user=<name>` (sign-out everywhere, password change).
local function revocation_key(item)
  local digest = item:match("^session=(%x+)$")
  if digest and #digest == 64 then
    return "s:" .. digest:lower()
  end
  local user = item:match("^user=([^%s,;]+)$")
  if user and #user <= 256 then
    return "u:" .. user
  end
  return nil
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
  -- The gateway's own key (key-auth on the identity provider's route), set
  -- last: it replaces any forwarded header of that name, so what reaches the
  -- identity provider under it is never the client's.
  if conf.api_key then
    request_headers[canonical(conf.api_key_header)] = conf.api_key
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


-- The cookie pairs of every Cookie line, in order, as { name, value, text }.
local function cookie_pairs(headers)
  local found = {}
  for _, line in ipairs(values_of(headers["cookie"] or {})) do
    for text in line:gmatch("[^;]+") do
      local pair = text:match("^%s*(.-)%s*$")
      if pair ~= "" then
        local name, value = pair:match("^([^=]*)=(.*)$")
        found[#found + 1] = { name = name or pair, value = value, text = pair }
      end
    end
  end
  return found
end


-- The session cookie's value if the request holds exactly one shaped like
-- what the service issues; nil otherwise (none, several: cookie tossing, or
-- junk), which is refused as no cookie is, without asking.
local function session_id_from(conf, pairs_found)
  local value, count = nil, 0
  for _, pair in ipairs(pairs_found) do
    if pair.name == conf.session_cookie then
      count = count + 1
      value = pair.value
    end
  end
  if count ~= 1 or value == nil or #value < conf.session_cookie_min_length or #value > conf.session_cookie_max_length
     or not value:find(SESSION_ID_CHARS) then
    return nil
  end
  return value
end


local function digest_hex(text)
  local digest = resty_sha256:new()
  digest:update(text)
  return to_hex(digest:final())
end


-- The upstream gets the other cookies only: the session is the gateway's
-- business, the identity headers and token say who the user is.
local function hide_session_cookie(conf, pairs_found)
  local kept = {}
  for _, pair in ipairs(pairs_found) do
    if pair.name ~= conf.session_cookie then
      kept[#kept + 1] = pair.text
    end
  end
  if #kept == 0 then
    kong.service.request.clear_header("cookie")
  else
    kong.service.request.set_header("cookie", concat(kept, "; "))
  end
end


function ForwardAuth:init_worker()
  local events = kong.worker_events
  if events then
    events.register(apply_revocations, WORKER_EVENTS_SOURCE, WORKER_EVENTS_EVENT)
  end
end


function ForwardAuth:access(conf)
  -- No limit on the count: a forged header hidden past the PDK's cap of 1000
  -- would otherwise reach the upstream.
  local headers = ngx.req.get_headers(0)

  -- Only the upstream's answer may carry a revocation: no client-sent copy,
  -- in any spelling, is passed on to it.
  kong.service.request.clear_header(REVOKE_HEADER)
  for name in pairs(headers) do
    if canonical(name) == REVOKE_HEADER then
      kong.service.request.clear_header(name)
    end
  end
  if conf.authenticate == false then
    return
  end

  local found = credentials(conf, headers)
  strip_identity_headers(conf, headers)

  -- Without a credential there is nothing to ask about.
  if #found == 0 then
    return login_required(conf, headers)
  end

  local cookies, session
  -- A field without a default may come as ngx.null rather than nil.
  if conf.session_cookie and conf.session_cookie ~= ngx.null then
    cookies = cookie_pairs(headers)
    local id = session_id_from(conf, cookies)
    if not id then
      return login_required(conf, headers)
    end
    session = digest_hex(id)
  end

  local cache = conf.cache_ttl > 0 and cache_for(conf) or nil
  local key = cache and cache_key(found)
  local entry = cache and cache:get(key)
  if entry and is_revoked(entry) then
    cache:delete(key)
    entry = nil
  end

  local identity = entry and entry.identity
  if not identity then
    local asked_at = now()
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

    -- Only positive answers, for cache_ttl counted from when it was asked:
    -- a session ended at the identity provider stops working within that
    -- bound, and at once where this worker learns of it (header_filter).
    if cache then
      local user = answer.headers["x-user"]
      local entry_ttl = conf.cache_ttl - (now() - asked_at)
      if entry_ttl > 0 then
        cache:set(key, {
          identity = identity,
          session = session,
          user = type(user) == "string" and user or nil,
          asked_at = asked_at,
        }, entry_ttl)
      end
    end
  end

  if conf.hide_credentials and cookies then
    hide_session_cookie(conf, cookies)
  end
  for _, header in ipairs(identity) do
    kong.service.request.set_header(header.name, header.value)
  end
end


-- The revocation signal of the upstream's answer: removed whatever the route,
-- acted on where the configuration accepts it (the routes whose functions end
-- sessions: logout, sign-out everywhere, password change).
function ForwardAuth:header_filter(conf)
  local value = kong.response.get_headers()[REVOKE_HEADER]
  -- Always, so that a copy past the first 100 headers (all get_headers reads) cannot reach the client either.
  kong.response.clear_header(REVOKE_HEADER)
  if value == nil or not conf.accept_revocations then
    return
  end

  local keys = {}
  for _, line in ipairs(values_of(value)) do
    for item in line:gmatch("[^,]+") do
      local key = revocation_key(item:match("^%s*(.-)%s*$"))
      if key then
        keys[#keys + 1] = key
      else
        kong.log.err("ignored a malformed item of the revocation header")
      end
    end
  end
  if #keys == 0 then
    return
  end
  local at = now()
  for _, key in ipairs(keys) do
    record_revocation(key, at)
  end
  broadcast({ keys = keys, at = at })
end


return ForwardAuth
