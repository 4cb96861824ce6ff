-- A stand-in for what the forward-auth plugin uses of Kong's PDK, of ngx and of
-- the libraries OpenResty ships (resty.http, resty.lrucache, resty.sha256,
-- resty.string), so that the plugin runs under plain LuaJIT and busted.
--
-- It is not Kong: it keeps one request as nginx's ordered list of header
-- lines, answers the identity provider call as the test says, and records every
-- call the plugin makes. How real Kong behaves is checked by the conformance
-- suite, test/gateway/plugins/forward-auth.test.ts.

local M = {}

-- The current request; replaced by M.request().
local state


local function lower_equal(a, b)
  return a:lower() == b:lower()
end


local function record(entry)
  state.trace[#state.trace + 1] = entry
end


-- ngx.req.get_headers(): lower-case names, a repeated header as an array.
local function header_table(lines)
  local headers = {}
  for _, line in ipairs(lines) do
    local name, value = line[1]:lower(), line[2]
    local seen = headers[name]
    if seen == nil then
      headers[name] = value
    elseif type(seen) == "table" then
      seen[#seen + 1] = value
    else
      headers[name] = { seen, value }
    end
  end
  return headers
end


-- resty.http's answer headers: looked up in any case (resty.http_headers).
local function answer_headers(lines)
  local headers = header_table(lines)
  return setmetatable({}, {
    __index = function(_, name) return headers[name:lower()] end,
  })
end


--- Starts a new request.
-- options.headers: the client's header lines, { { "Cookie", "a=b" }, ... }
-- options.path: what kong.request.get_path_with_query() returns
function M.request(options)
  options = options or {}
  local lines = {}
  for i, line in ipairs(options.headers or {}) do
    lines[i] = { line[1], line[2] }
  end
  state = {
    lines = lines,
    path = options.path or "/",
    trace = {},
    idp_calls = {},
    exits = {},
    logs = {},
    -- The answer's header lines, as header_filter sees them (M.answer()).
    answer_lines = options.answer_headers or {},
    get_headers_limits = {},
  }
  return M
end


--- How the identity provider answers: fn(url, params) returns
-- { status = n, headers = { { name, value }, ... } } or nil, err.
function M.identity_provider(fn)
  M.idp = fn
end


--- Moves the stand-in clock (seconds, as ngx.now() and resty.lrucache see it).
function M.advance(seconds)
  M.clock = M.clock + seconds
end


--- Header lines the upstream would get, as { name, value } pairs.
function M.upstream_lines()
  return state.lines
end

--- The first upstream value of a header, or nil.
function M.upstream_header(name)
  for _, line in ipairs(state.lines) do
    if lower_equal(line[1], name) then
      return line[2]
    end
  end
  return nil
end

--- The answer's header lines after header_filter, as { name, value } pairs.
function M.answer_lines() return state.answer_lines end

function M.trace() return state.trace end
function M.idp_calls() return state.idp_calls end
function M.logs() return state.logs end
function M.get_headers_limits() return state.get_headers_limits end

--- The answer the plugin gave instead of proxying, or nil when it let the request through.
function M.exit()
  return state.exits[1]
end

function M.exit_count()
  return #state.exits
end


--- Forgets the caches' records, between tests. The clock only moves on:
-- the plugin's revocation records live as long as the module, and one made
-- in an earlier test must be older than anything a later test caches.
function M.reset()
  M.clock = (M.clock or 0) + 1000
  -- What was hashed for cache keys, and what the caches were asked to store.
  M.hashed = {}
  M.cache_sets = {}
  M.caches_created = 0
  M.idp = nil
  -- Worker events posted, and the timers that would post them.
  M.posted = {}
  M.registered = {}
  return M.request()
end

M.reset()


_G.ngx = {
  now = function() return M.clock end,
  update_time = function() end,
  timer = {
    -- Runs at once: what the callback does is what the tests check.
    at = function(_, fn) fn(false) return true end,
  },
  req = {
    get_headers = function(max_headers)
      state.get_headers_limits[#state.get_headers_limits + 1] = max_headers
      return header_table(state.lines)
    end,
  },
}


_G.kong = {
  request = {
    get_path_with_query = function() return state.path end,
  },

  service = {
    request = {
      clear_header = function(name)
        record({ "clear", name })
        local kept = {}
        for _, line in ipairs(state.lines) do
          if not lower_equal(line[1], name) then
            kept[#kept + 1] = line
          end
        end
        state.lines = kept
      end,

      set_header = function(name, value)
        assert(type(value) == "string", "the plugin sets string values only")
        record({ "set", name, value })
        local kept = {}
        for _, line in ipairs(state.lines) do
          if not lower_equal(line[1], name) then
            kept[#kept + 1] = line
          end
        end
        kept[#kept + 1] = { name, value }
        state.lines = kept
      end,
    },
  },

  worker_events = {
    register = function(handler, source, event)
      M.registered[#M.registered + 1] = { handler = handler, source = source, event = event }
    end,
    post = function(source, event, data)
      M.posted[#M.posted + 1] = { source = source, event = event, data = data }
      return true
    end,
  },

  response = {
    -- kong.response.get_headers in header_filter: the answer's headers.
    get_headers = function()
      return header_table(state.answer_lines)
    end,

    clear_header = function(name)
      local kept = {}
      for _, line in ipairs(state.answer_lines) do
        if not lower_equal(line[1], name) then
          kept[#kept + 1] = line
        end
      end
      state.answer_lines = kept
    end,

    -- kong.response.exit: a table body is sent as JSON.
    exit = function(status, body, headers)
      record({ "exit", status })
      state.exits[#state.exits + 1] = { kind = "exit", status = status, body = body, headers = headers or {} }
    end,

    -- kong.response.error: Kong's error template with this message.
    error = function(status, message, headers)
      record({ "error", status })
      state.exits[#state.exits + 1] = { kind = "error", status = status, message = message, headers = headers or {} }
    end,
  },

  log = {
    err = function(...)
      state.logs[#state.logs + 1] = table.concat({ ... })
    end,
  },
}


package.loaded["resty.http"] = {
  new = function()
    local client = {}
    function client.set_timeout(_, ms)
      client.timeout = ms
    end
    function client.request_uri(_, url, params)
      local call = { url = url, params = params, timeout = client.timeout }
      state.idp_calls[#state.idp_calls + 1] = call
      record({ "idp", url })
      local answer, err = M.idp(url, params)
      if not answer then
        return nil, err
      end
      return { status = answer.status, headers = answer_headers(answer.headers or {}), body = answer.body or "" }
    end
    return client
  end,
}


package.loaded["resty.lrucache"] = {
  new = function(max_items)
    M.caches_created = M.caches_created + 1
    local entries = {}
    return {
      max_items = max_items,
      get = function(_, key)
        local entry = entries[key]
        if entry and entry.expires >= M.clock then
          return entry.value
        end
        return nil
      end,
      delete = function(_, key)
        entries[key] = nil
      end,
      set = function(_, key, value, ttl)
        M.cache_sets[#M.cache_sets + 1] = { key = key, ttl = ttl }
        entries[key] = { value = value, expires = ttl and M.clock + ttl or math.huge }
      end,
    }
  end,
}


-- Not SHA-256: a deterministic 32-byte mix, enough for keys to differ when
-- their inputs do. What was hashed is recorded for the tests to check.
package.loaded["resty.sha256"] = {
  new = function()
    local parts = {}
    return {
      update = function(_, data) parts[#parts + 1] = data end,
      final = function()
        local data = table.concat(parts)
        M.hashed[#M.hashed + 1] = data
        local bytes = {}
        local h = 5381
        for i = 1, 32 do
          for j = 1, #data do
            h = (h * 33 + data:byte(j) + i) % 4294967296
          end
          bytes[i] = string.char(h % 256)
        end
        return table.concat(bytes)
      end,
    }
  end,
}


package.loaded["resty.string"] = {
  to_hex = function(s)
    return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end))
  end,
}


-- Only the shape matters here: Kong's own typedefs are used in Kong.
package.loaded["kong.db.schema.typedefs"] = {
  no_consumer = { type = "foreign", reference = "consumers", eq = ngx.null },
  protocols_http = { type = "set", default = { "http", "https" } },
}


return M
