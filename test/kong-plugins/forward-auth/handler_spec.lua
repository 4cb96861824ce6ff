-- The forward-auth plugin's access phase against the PDK stand-in
-- (test/kong-plugins/pdk_stand_in.lua): what it asks the identity provider,
-- what reaches the upstream, what the client gets back, what it caches.
local pdk = require "test.kong-plugins.pdk_stand_in"
local ForwardAuth = require "kong.plugins.forward-auth.handler"

local COOKIE = "JSESSIONID=5f6f241e; theme=dark"

-- A configuration as Kong hands it to the plugin: the schema's defaults filled in.
local function config(overrides)
  local conf = {
    url = "http://idp.test:8080/api/session/authenticate",
    forward_headers = { "cookie" },
    upstream_headers = { "x-user", "x-email", "x-first-name", "authorization" },
    timeout = 5000,
    cache_ttl = 0,
    login_url = "/signin",
    api_key_header = "apikey",
  }
  for key, value in pairs(overrides or {}) do
    conf[key] = value
  end
  return conf
end

local IDENTITY = {
  { "X-User", "ada" },
  { "X-Email", "ada@example.test" },
  { "X-First-Name", "Ada" },
  { "Authorization", "Bearer eyJ.short.lived" },
}

local function answering(status, headers)
  pdk.identity_provider(function() return { status = status, headers = headers or {} } end)
end

local function unreachable(err)
  pdk.identity_provider(function() return nil, err or "connection refused" end)
end

local function run(conf, request)
  pdk.request(request)
  ForwardAuth:access(conf)
  return pdk.exit()
end

local function with_cookie(extra, path)
  local headers = { { "Cookie", COOKIE } }
  for _, line in ipairs(extra or {}) do headers[#headers + 1] = line end
  return { headers = headers, path = path or "/api/userprofile" }
end

local FORGED = {
  { "X-User", "admin" },
  { "x-email", "admin@evil.test" },
  { "X_First_Name", "Mallory" },
  { "X_USER", "root" },
  { "AUTHORIZATION", "Bearer forged" },
}

local function expect_no_forged_headers()
  for _, line in ipairs(pdk.upstream_lines()) do
    for _, forged in ipairs(FORGED) do
      assert.is_not.equal(forged[2], line[2])
    end
  end
end

before_each(function()
  pdk.reset()
end)


it("runs on LuaJIT, as Kong does", function()
  assert.is_table(jit)
end)


describe("PRIORITY", function()
  it("runs after cors and rate-limiting, so a flood of made-up cookies meets 429 before any is asked about; before aws-lambda", function()
    assert.equal(900, ForwardAuth.PRIORITY)
    for _, earlier in ipairs({ 2000 --[[cors]], 1450 --[[jwt]], 1250 --[[key-auth]], 910 --[[rate-limiting]] }) do
      assert.is_true(ForwardAuth.PRIORITY < earlier)
    end
    for _, later in ipairs({ 801 --[[request-transformer]], 750 --[[aws-lambda]] }) do
      assert.is_true(ForwardAuth.PRIORITY > later)
    end
  end)
end)


describe("asking the identity provider", function()
  it("GETs the configured url with the forwarded headers only, within the timeout, verifying TLS", function()
    answering(200, IDENTITY)
    run(config({ timeout = 1234 }), with_cookie({ { "User-Agent", "browser/1" }, { "X-User", "admin" } }))
    local calls = pdk.idp_calls()
    assert.equal(1, #calls)
    assert.equal("http://idp.test:8080/api/session/authenticate", calls[1].url)
    assert.same({ method = "GET", headers = { cookie = COOKIE }, ssl_verify = true }, calls[1].params)
    assert.equal(1234, calls[1].timeout)
  end)

  it("forwards every configured header present, repeated ones as repeated lines", function()
    answering(200, IDENTITY)
    run(config({ forward_headers = { "cookie", "User_Agent", "x-forwarded-for" } }), {
      headers = { { "Cookie", "a=1" }, { "Cookie", "b=2" }, { "User-Agent", "browser/1" } },
    })
    assert.same({ cookie = { "a=1", "b=2" }, ["user-agent"] = "browser/1" }, pdk.idp_calls()[1].params.headers)
  end)

  it("sends its api_key in api_key_header, never the client's copy", function()
    answering(200, IDENTITY)
    run(config({ api_key = "gateway-key", forward_headers = { "cookie", "apikey" } }),
      with_cookie({ { "apikey", "client-key" } }))
    assert.same({ cookie = COOKIE, apikey = "gateway-key" }, pdk.idp_calls()[1].params.headers)
    pdk.reset()
    answering(200, IDENTITY)
    run(config({ api_key = "gateway-key", api_key_header = "X_Gateway_Key" }), with_cookie({ { "X-Gateway-Key", "client-key" } }))
    assert.same({ cookie = COOKIE, ["x-gateway-key"] = "gateway-key" }, pdk.idp_calls()[1].params.headers)
  end)

  it("does not ask when the request carries none of the forwarded headers", function()
    answering(200, IDENTITY)
    local exit = run(config(), { headers = { { "X-User", "admin" } } })
    assert.equal(0, #pdk.idp_calls())
    assert.equal(401, exit.status)
  end)

  it("reads the request headers without the PDK's count limit", function()
    answering(200, IDENTITY)
    run(config(), with_cookie())
    assert.same({ 0 }, pdk.get_headers_limits())
  end)
end)


describe("a positive answer (2xx)", function()
  it("lets the request through with the answer's identity headers", function()
    answering(200, IDENTITY)
    local exit = run(config(), with_cookie())
    assert.is_nil(exit)
    assert.equal("ada", pdk.upstream_header("x-user"))
    assert.equal("ada@example.test", pdk.upstream_header("x-email"))
    assert.equal("Ada", pdk.upstream_header("x-first-name"))
    assert.equal("Bearer eyJ.short.lived", pdk.upstream_header("authorization"))
    -- The session cookie still reaches the upstream, as the design has it.
    assert.equal(COOKIE, pdk.upstream_header("cookie"))
  end)

  it("counts any 2xx as positive", function()
    answering(204, IDENTITY)
    assert.is_nil(run(config(), with_cookie()))
    assert.equal("ada", pdk.upstream_header("x-user"))
  end)

  it("finds the answer's headers in any case", function()
    answering(200, { { "X-USER", "ada" }, { "x-email", "ada@example.test" } })
    run(config(), with_cookie())
    assert.equal("ada", pdk.upstream_header("x-user"))
    assert.equal("ada@example.test", pdk.upstream_header("x-email"))
  end)

  it("replaces client-sent identity headers, and leaves out those the answer lacks", function()
    answering(200, { { "X-User", "ada" } })
    run(config(), with_cookie(FORGED))
    assert.equal("ada", pdk.upstream_header("x-user"))
    assert.is_nil(pdk.upstream_header("x-email"))
    assert.is_nil(pdk.upstream_header("x-first-name"))
    assert.is_nil(pdk.upstream_header("authorization"))
    expect_no_forged_headers()
  end)

  it("copies only the configured headers", function()
    answering(200, { { "X-User", "ada" }, { "X-Role", "admin" }, { "Set-Cookie", "s=1" } })
    run(config({ upstream_headers = { "X-User" } }), with_cookie())
    assert.equal("ada", pdk.upstream_header("x-user"))
    assert.is_nil(pdk.upstream_header("x-role"))
    assert.is_nil(pdk.upstream_header("set-cookie"))
  end)

  it("leaves out an empty value rather than sending it", function()
    answering(200, { { "X-User", "ada" }, { "X-First-Name", "" } })
    run(config(), with_cookie({ { "X-First-Name", "Mallory" } }))
    assert.is_nil(pdk.upstream_header("x-first-name"))
  end)

  it("refuses an answer repeating an identity header: 502", function()
    answering(200, { { "X-User", "ada" }, { "X-User", "admin" } })
    local exit = run(config(), with_cookie(FORGED))
    assert.same({ kind = "error", status = 502, message = "Invalid answer from the authentication service", headers = {} }, exit)
    assert.is_nil(pdk.upstream_header("x-user"))
  end)

  it("sends the client's value of a header that is both forwarded and filled in", function()
    answering(200, IDENTITY)
    run(config({ forward_headers = { "cookie", "authorization" } }), with_cookie({ { "Authorization", "Bearer client" } }))
    assert.equal("Bearer client", pdk.idp_calls()[1].params.headers.authorization)
    assert.equal("Bearer eyJ.short.lived", pdk.upstream_header("authorization"))
  end)
end)


describe("stripping client-sent identity headers", function()
  it("happens before the identity provider is asked", function()
    answering(200, IDENTITY)
    run(config(), with_cookie(FORGED))
    local trace = pdk.trace()
    local asked
    for i, entry in ipairs(trace) do
      if entry[1] == "idp" then asked = i end
    end
    assert.is_not_nil(asked)
    for i = asked + 1, #trace do
      assert.is_not.equal("clear", trace[i][1])
    end
    for _, name in ipairs({ "x-user", "x-email", "x-first-name", "authorization", "x_first_name" }) do
      local cleared = false
      for i = 1, asked - 1 do
        if trace[i][1] == "clear" and trace[i][2] == name then cleared = true end
      end
      assert.is_true(cleared, name)
    end
  end)

  local failures = {
    ["no credential"] = function() return { headers = FORGED } end,
    ["401"] = function() answering(401) return with_cookie(FORGED) end,
    ["403"] = function() answering(403) return with_cookie(FORGED) end,
    ["500"] = function() answering(500) return with_cookie(FORGED) end,
    ["unexpected status"] = function() answering(302) return with_cookie(FORGED) end,
    ["unreachable"] = function() unreachable("timeout") return with_cookie(FORGED) end,
  }
  for name, setup in pairs(failures) do
    it("happens also when the request is refused: " .. name, function()
      local exit = run(config(), setup())
      assert.is_not_nil(exit)
      expect_no_forged_headers()
    end)
  end
end)


describe("a negative answer (401)", function()
  local BODY = { code = "login_required", message = "Please sign in", login_url = "/signin" }

  it("is a 401 JSON body naming the sign-in page for API clients", function()
    answering(401)
    for _, accept in ipairs({ false, "application/json", "*/*", "application/xhtml+xml" }) do
      local request = with_cookie(accept and { { "Accept", accept } } or {})
      assert.same({ kind = "exit", status = 401, body = BODY, headers = {} }, run(config(), request))
    end
  end)

  it("names the configured sign-in page", function()
    answering(401)
    local exit = run(config({ login_url = "https://idp.test/login" }), with_cookie())
    assert.equal("https://idp.test/login", exit.body.login_url)
  end)

  it("redirects browsers to the sign-in page with the original path and query as next", function()
    answering(401)
    for _, accept in ipairs({ "text/html", "Text/HTML;q=0.9", "application/json, text/html" }) do
      local exit = run(config(), with_cookie({ { "Accept", accept } }, "/api/userprofile?tab=1&x=a%20b"))
      assert.same({
        kind = "exit",
        status = 302,
        headers = { Location = "/signin?next=%2Fapi%2Fuserprofile%3Ftab%3D1%26x%3Da%2520b" },
      }, exit)
    end
  end)

  it("decides on the first Accept line", function()
    answering(401)
    local exit = run(config(), with_cookie({ { "Accept", "application/json" }, { "Accept", "text/html" } }))
    assert.equal(401, exit.status)
  end)

  it("appends next to a sign-in URL that has a query already", function()
    answering(401)
    local exit = run(config({ login_url = "/account/login?lang=en" }), with_cookie({ { "Accept", "text/html" } }, "/p"))
    assert.equal("/account/login?lang=en&next=%2Fp", exit.headers.Location)
  end)

  it("encodes everything but unreserved characters, so next stays one parameter", function()
    answering(401)
    local exit = run(config(), with_cookie({ { "Accept", "text/html" } }, "/a-b_c.d~e/?next=https://evil.test&x=+#"))
    assert.equal("/signin?next=%2Fa-b_c.d~e%2F%3Fnext%3Dhttps%3A%2F%2Fevil.test%26x%3D%2B%23", exit.headers.Location)
  end)

  describe("never makes an open redirect: next is left out for", function()
    for _, path in ipairs({
      "//evil.test/",
      "//evil.test/../api/userprofile",
      "/\\evil.test",
      "/%2F%2Fevil.test",
      "/%2fevil.test",
      "/%5Cevil.test",
      "/%5cevil.test",
      "/%09/evil.test",
      "/\t/evil.test",
      "/%0D%0A/x",
      "https://evil.test/x",
      "evil.test",
      "",
    }) do
      it(string.format("%q", path), function()
        answering(401)
        local exit = run(config(), with_cookie({ { "Accept", "text/html" } }, path))
        assert.same({ Location = "/signin" }, exit.headers)
      end)
    end
  end)

  describe("keeps next for paths on this site such as", function()
    for _, path in ipairs({ "/", "/a//b", "/a/\\b", "/%7Euser", "/a?u=//evil.test" }) do
      it(string.format("%q", path), function()
        answering(401)
        local exit = run(config(), with_cookie({ { "Accept", "text/html" } }, path))
        assert.matches("^/signin%?next=%%2F", exit.headers.Location)
      end)
    end
  end)

  it("without a credential too", function()
    local exit = run(config(), { headers = { { "Accept", "text/html" } }, path = "/api/userprofile" })
    assert.same({ Location = "/signin?next=%2Fapi%2Fuserprofile" }, exit.headers)
  end)
end)


describe("other answers", function()
  it("403 stays 403", function()
    answering(403)
    assert.same({ kind = "error", status = 403, message = "Forbidden", headers = {} }, run(config(), with_cookie()))
  end)

  for _, status in ipairs({ 429, 500, 502, 503, 504 }) do
    it(status .. " means the service is unavailable: 503", function()
      answering(status)
      local exit = run(config(), with_cookie())
      assert.same({ kind = "error", status = 503, message = "Authentication service unavailable", headers = {} }, exit)
      assert.equal(1, #pdk.logs())
    end)
  end

  for _, status in ipairs({ 301, 302, 304, 400, 404, 405 }) do
    it(status .. " is not part of the protocol: 502", function()
      answering(status)
      local exit = run(config(), with_cookie())
      assert.same({ kind = "error", status = 502, message = "Invalid answer from the authentication service", headers = {} }, exit)
    end)
  end

  it("no answer at all (refused, timed out) is 503, logged without the credential", function()
    unreachable("timeout")
    local exit = run(config(), with_cookie())
    assert.same({ kind = "error", status = 503, message = "Authentication service unavailable", headers = {} }, exit)
    assert.same({ "identity provider unreachable: timeout" }, pdk.logs())
  end)

  it("no log line ever holds the forwarded credential", function()
    for _, setup in ipairs({
      function() unreachable("connection refused") end,
      function() answering(500) end,
      function() answering(404) end,
      function() answering(200, { { "X-User", "a" }, { "X-User", "b" } }) end,
    }) do
      setup()
      run(config(), with_cookie())
    end
    for _, line in ipairs(pdk.logs()) do
      assert.is_nil(line:find("5f6f241e", 1, true), line)
    end
  end)
end)


describe("the cache", function()
  it("is not used with cache_ttl 0: every request asks", function()
    answering(200, IDENTITY)
    local conf = config({ cache_ttl = 0 })
    for _ = 1, 3 do
      run(conf, with_cookie())
      assert.equal(1, #pdk.idp_calls())
      assert.equal("ada", pdk.upstream_header("x-user"))
    end
    assert.equal(0, pdk.caches_created)
    assert.same({}, pdk.hashed)
  end)

  it("reuses a positive answer for the same credential within cache_ttl, never after", function()
    local calls = 0
    pdk.identity_provider(function()
      calls = calls + 1
      return { status = 200, headers = IDENTITY }
    end)
    local conf = config({ cache_ttl = 5 })
    run(conf, with_cookie())
    assert.equal(1, calls)

    pdk.advance(4.9)
    assert.is_nil(run(conf, with_cookie(FORGED)))
    assert.equal(1, calls)
    assert.equal("ada", pdk.upstream_header("x-user"))
    assert.equal("Bearer eyJ.short.lived", pdk.upstream_header("authorization"))
    expect_no_forged_headers()

    -- The session ended at the identity provider: once the entry is older
    -- than cache_ttl, the next request is refused.
    answering(401)
    pdk.advance(0.2)
    assert.equal(401, run(conf, with_cookie()).status)
    assert.same({ { key = pdk.cache_sets[1].key, ttl = 5 } }, pdk.cache_sets)
  end)

  it("is keyed by a digest of the forwarded credential, not the credential itself", function()
    answering(200, IDENTITY)
    run(config({ cache_ttl = 5 }), with_cookie({ { "User-Agent", "not forwarded" } }))
    assert.same({ "cookie:" .. COOKIE }, pdk.hashed)
    assert.matches("^%x+$", pdk.cache_sets[1].key)
    assert.is_nil(pdk.cache_sets[1].key:find("5f6f241e", 1, true))
  end)

  it("asks again for another credential", function()
    answering(200, IDENTITY)
    local conf = config({ cache_ttl = 5 })
    run(conf, { headers = { { "Cookie", "JSESSIONID=one" } } })
    run(conf, { headers = { { "Cookie", "JSESSIONID=two" } } })
    assert.equal(1, #pdk.idp_calls())
    assert.equal(2, #pdk.cache_sets)
    assert.is_not.equal(pdk.cache_sets[1].key, pdk.cache_sets[2].key)
  end)

  for name, setup in pairs({
    ["401"] = function() answering(401) end,
    ["403"] = function() answering(403) end,
    ["500"] = function() answering(500) end,
    ["an invalid answer"] = function() answering(404) end,
    ["a repeated identity header"] = function() answering(200, { { "X-User", "a" }, { "X-User", "b" } }) end,
    ["no answer"] = function() unreachable() end,
  }) do
    it("never keeps " .. name, function()
      local conf = config({ cache_ttl = 5 })
      setup()
      run(conf, with_cookie())
      run(conf, with_cookie())
      assert.same({}, pdk.cache_sets)
      assert.equal(1, #pdk.idp_calls()) -- the second request asked again
    end)
  end

  it("is not shared between plugin configurations", function()
    answering(200, IDENTITY)
    local first, second = config({ cache_ttl = 5 }), config({ cache_ttl = 5, url = "http://other.test/auth" })
    run(first, with_cookie())
    run(second, with_cookie())
    assert.equal("http://other.test/auth", pdk.idp_calls()[1].url)
    assert.equal(2, pdk.caches_created)
  end)
end)


-- What lib/browser-sessions issues: <username>.<43 base64url characters>.
local SESSION_ID = "ada." .. string.rep("A", 42) .. "Q"
local OTHER_ID = "grace." .. string.rep("b", 43)

local function session_config(overrides)
  local conf = config({
    session_cookie = "JSESSIONID",
    session_cookie_min_length = 47,
    session_cookie_max_length = 76,
    hide_credentials = false,
    authenticate = true,
    accept_revocations = false,
  })
  for key, value in pairs(overrides or {}) do
    conf[key] = value
  end
  return conf
end

local function with_session(id, extra)
  local headers = { { "Cookie", "JSESSIONID=" .. id .. "; theme=dark" } }
  for _, line in ipairs(extra or {}) do headers[#headers + 1] = line end
  return { headers = headers, path = "/api/userprofile" }
end

-- The digest the plugin keeps, computed as it computes it (the stand-in's mix).
local function digest_of(id)
  local sha = require("resty.sha256"):new()
  sha:update(id)
  local hex = require("resty.string").to_hex(sha:final())
  pdk.hashed[#pdk.hashed] = nil
  return hex
end

-- An answer on a route, as header_filter sees it; answers its headers after.
local function answer(conf, lines)
  pdk.request({ answer_headers = lines })
  ForwardAuth:header_filter(conf)
  return pdk.answer_lines()
end

-- Signed-in users' answers, by session id.
local function identity_provider_of(sessions)
  pdk.identity_provider(function(_, params)
    local cookie = params.headers.cookie
    for id, user in pairs(sessions) do
      if type(cookie) == "string" and cookie:find("JSESSIONID=" .. id, 1, true) then
        return { status = 200, headers = { { "X-User", user }, { "Authorization", "Bearer " .. user } } }
      end
    end
    return { status = 401 }
  end)
end


describe("a session cookie (session_cookie)", function()
  local malformed = {
    ["none, other cookies only"] = "theme=dark",
    ["too short"] = "JSESSIONID=ada.short",
    ["too long"] = "JSESSIONID=ada." .. string.rep("A", 80),
    ["outside base64url and '.'"] = "JSESSIONID=ada." .. string.rep("A", 42) .. "%",
    ["quoted"] = 'JSESSIONID="' .. SESSION_ID .. '"',
    ["empty"] = "JSESSIONID=",
    ["twice (cookie tossing)"] = "JSESSIONID=" .. SESSION_ID .. "; JSESSIONID=" .. OTHER_ID,
    ["twice, once without a value"] = "JSESSIONID; JSESSIONID=" .. SESSION_ID,
  }
  for name, cookie in pairs(malformed) do
    it("is refused without asking when " .. name .. ": as without a cookie", function()
      answering(200, IDENTITY)
      local exit = run(session_config(), { headers = { { "Cookie", cookie }, { "X-User", "admin" } } })
      assert.equal(0, #pdk.idp_calls())
      assert.same({ code = "login_required", message = "Please sign in", login_url = "/signin" }, exit.body)
      assert.equal(401, exit.status)
      assert.is_nil(pdk.upstream_header("x-user"))
    end)
  end

  it("is refused without asking on a second Cookie line too", function()
    answering(200, IDENTITY)
    run(session_config(), { headers = { { "Cookie", "JSESSIONID=" .. SESSION_ID }, { "Cookie", "JSESSIONID=" .. OTHER_ID } } })
    assert.equal(0, #pdk.idp_calls())
  end)

  it("of the shape the service issues is asked about, with every cookie", function()
    answering(200, IDENTITY)
    assert.is_nil(run(session_config(), with_session(SESSION_ID)))
    assert.same({ cookie = "JSESSIONID=" .. SESSION_ID .. "; theme=dark" }, pdk.idp_calls()[1].params.headers)
  end)

  it("does not reach the upstream with hide_credentials; the other cookies do", function()
    answering(200, IDENTITY)
    run(session_config({ hide_credentials = true }), {
      headers = { { "Cookie", "a=1; JSESSIONID=" .. SESSION_ID }, { "Cookie", "theme=dark" } },
    })
    assert.equal("a=1; theme=dark", pdk.upstream_header("cookie"))
    assert.equal("ada", pdk.upstream_header("x-user"))

    run(session_config({ hide_credentials = true }), { headers = { { "Cookie", "JSESSIONID=" .. SESSION_ID } } })
    assert.is_nil(pdk.upstream_header("cookie"))
  end)

  it("reaches the upstream without hide_credentials", function()
    answering(200, IDENTITY)
    run(session_config(), with_session(SESSION_ID))
    assert.equal("JSESSIONID=" .. SESSION_ID .. "; theme=dark", pdk.upstream_header("cookie"))
  end)
end)


describe("revocations (X-Forward-Auth-Revoke in the upstream's answer)", function()
  local LISTENER = { authenticate = false, accept_revocations = true }

  it("a logout's answer drops that session's cached answer at once, and no other", function()
    identity_provider_of({ [SESSION_ID] = "ada", [OTHER_ID] = "grace" })
    local profile, logout = session_config({ cache_ttl = 60 }), session_config(LISTENER)
    run(profile, with_session(SESSION_ID))
    run(profile, with_session(OTHER_ID))
    assert.equal(2, #pdk.cache_sets)

    local lines = answer(logout, { { "Content-Type", "application/json" }, { "X-Forward-Auth-Revoke", "session=" .. digest_of(SESSION_ID) } })
    assert.same({ { "Content-Type", "application/json" } }, lines)

    identity_provider_of({ [OTHER_ID] = "grace" }) -- ada's session ended at the identity provider
    assert.equal(401, run(profile, with_session(SESSION_ID)).status)
    assert.equal(1, #pdk.idp_calls())
    assert.is_nil(run(profile, with_session(OTHER_ID)))
    assert.equal(0, #pdk.idp_calls()) -- grace's answer still cached
  end)

  it("sign-out everywhere or a password change (user=) drops all of that user's sessions, no one else's", function()
    local ADA_2 = "ada." .. string.rep("z", 43)
    identity_provider_of({ [SESSION_ID] = "ada", [ADA_2] = "ada", [OTHER_ID] = "grace" })
    local profile, page, logout_all = session_config({ cache_ttl = 60 }), session_config({ cache_ttl = 60 }), session_config(LISTENER)
    for _, id in ipairs({ SESSION_ID, ADA_2, OTHER_ID }) do
      run(profile, with_session(id))
      run(page, with_session(id))
    end
    assert.equal(6, #pdk.cache_sets)

    assert.same({}, answer(logout_all, { { "X-Forward-Auth-Revoke", "user=ada" } }))
    for _, conf in ipairs({ profile, page }) do
      for _, id in ipairs({ SESSION_ID, ADA_2 }) do
        run(conf, with_session(id))
        assert.equal(1, #pdk.idp_calls())
      end
      run(conf, with_session(OTHER_ID))
      assert.equal(0, #pdk.idp_calls())
    end
  end)

  it("also names several sessions and users, on one line or several", function()
    identity_provider_of({ [SESSION_ID] = "ada", [OTHER_ID] = "grace" })
    local profile = session_config({ cache_ttl = 60 })
    run(profile, with_session(SESSION_ID))
    run(profile, with_session(OTHER_ID))
    answer(session_config(LISTENER), { { "X-Forward-Auth-Revoke", "user=nobody, session=" .. digest_of(SESSION_ID) }, { "x-forward-auth-revoke", "user=grace" } })
    run(profile, with_session(SESSION_ID))
    assert.equal(1, #pdk.idp_calls())
    run(profile, with_session(OTHER_ID))
    assert.equal(1, #pdk.idp_calls())
  end)

  it("is removed from every answer, and not acted on, where accept_revocations is off", function()
    identity_provider_of({ [SESSION_ID] = "ada" })
    local profile = session_config({ cache_ttl = 60 })
    run(profile, with_session(SESSION_ID))
    -- The profile service itself cannot end anyone's cached answer.
    assert.same({ { "X-Other", "1" } }, answer(profile, { { "X-Forward-Auth-Revoke", "user=ada" }, { "X-Other", "1" } }))
    assert.same({}, answer(session_config({ authenticate = false }), { { "X-Forward-Auth-Revoke", "user=ada" } }))
    run(profile, with_session(SESSION_ID))
    assert.equal(0, #pdk.idp_calls())
  end)

  it("is never taken from the request: a client's copy is removed before the upstream, and changes nothing", function()
    identity_provider_of({ [SESSION_ID] = "ada", [OTHER_ID] = "grace" })
    local profile = session_config({ cache_ttl = 60 })
    run(profile, with_session(OTHER_ID))
    run(profile, with_session(SESSION_ID, { { "X-Forward-Auth-Revoke", "user=grace" }, { "X_Forward_Auth_Revoke", "user=grace" } }))
    assert.is_nil(pdk.upstream_header("x-forward-auth-revoke"))
    assert.is_nil(pdk.upstream_header("x_forward_auth_revoke"))
    run(session_config(LISTENER), { headers = { { "X-Forward-Auth-Revoke", "user=grace" }, { "X_Forward_Auth_Revoke", "user=grace" } } })
    assert.is_nil(pdk.upstream_header("x-forward-auth-revoke"))
    assert.is_nil(pdk.upstream_header("x_forward_auth_revoke"))
    assert.is_nil(pdk.exit())
    run(profile, with_session(OTHER_ID))
    assert.equal(0, #pdk.idp_calls())
  end)

  it("ignores malformed items", function()
    identity_provider_of({ [SESSION_ID] = "ada" })
    local profile = session_config({ cache_ttl = 60 })
    run(profile, with_session(SESSION_ID))
    answer(session_config(LISTENER), { { "X-Forward-Auth-Revoke", "session=abc, user=, all, user=a b" } })
    run(profile, with_session(SESSION_ID))
    assert.equal(0, #pdk.idp_calls())
  end)

  it("reaches the node's other workers through Kong's worker events", function()
    ForwardAuth:init_worker()
    assert.equal(1, #pdk.registered)
    local registered = pdk.registered[1]
    assert.same({ "forward-auth", "revoke" }, { registered.source, registered.event })

    answer(session_config(LISTENER), { { "X-Forward-Auth-Revoke", "user=ada" } })
    assert.same({ { source = "forward-auth", event = "revoke", data = { keys = { "u:ada" }, at = pdk.clock } } }, pdk.posted)

    -- Another worker's event, as this worker receives it.
    identity_provider_of({ [OTHER_ID] = "grace" })
    local profile = session_config({ cache_ttl = 60 })
    run(profile, with_session(OTHER_ID))
    pdk.advance(1)
    registered.handler({ keys = { "u:grace" }, at = pdk.clock })
    run(profile, with_session(OTHER_ID))
    assert.equal(1, #pdk.idp_calls())
  end)

  it("an answer asked before a revocation does not count after it, however late it is stored", function()
    local profile = session_config({ cache_ttl = 60 })
    pdk.identity_provider(function()
      -- The logout is proxied while the identity provider is still answering.
      local state_lines = pdk.upstream_lines()
      pdk.request({ answer_headers = { { "X-Forward-Auth-Revoke", "session=" .. digest_of(SESSION_ID) } } })
      ForwardAuth:header_filter(session_config(LISTENER))
      pdk.request({ headers = state_lines })
      pdk.advance(0.5)
      return { status = 200, headers = IDENTITY }
    end)
    run(profile, with_session(SESSION_ID))
    assert.equal(1, #pdk.cache_sets)
    answering(401)
    assert.equal(401, run(profile, with_session(SESSION_ID)).status)
  end)

  it("keeps a bounded record: past it, everything cached before is dropped (the safe side)", function()
    identity_provider_of({ [SESSION_ID] = "ada" })
    local profile, listener = session_config({ cache_ttl = 60 }), session_config(LISTENER)
    run(profile, with_session(SESSION_ID))
    pdk.advance(1)
    for i = 1, 10001 do
      answer(listener, { { "X-Forward-Auth-Revoke", "user=u" .. i } })
    end
    run(profile, with_session(SESSION_ID))
    assert.equal(1, #pdk.idp_calls())
  end)

  it("counts cache_ttl from when the identity provider was asked", function()
    local profile = session_config({ cache_ttl = 5 })
    pdk.identity_provider(function()
      pdk.advance(2)
      return { status = 200, headers = IDENTITY }
    end)
    run(profile, with_session(SESSION_ID))
    assert.same({ { key = pdk.cache_sets[1].key, ttl = 3 } }, pdk.cache_sets)
  end)
end)
