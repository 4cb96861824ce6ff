-- The forward-auth plugin's schema: its fields, defaults and checks, read the
-- way Kong's schema library reads them (the library itself is Kong's).
require "test.kong-plugins.pdk_stand_in" -- for kong.db.schema.typedefs
local schema = require "kong.plugins.forward-auth.schema"

local fields = {}
for _, entry in ipairs(schema.fields[3].config.fields) do
  local name, definition = next(entry)
  fields[name] = definition
end

local function accepts(definition, value)
  local ok, err = definition.custom_validator(value)
  return ok == true, err
end

describe("the forward-auth schema", function()
  it("is named forward-auth, for HTTP routes, with no consumer", function()
    assert.equal("forward-auth", schema.name)
    assert.same({ "consumer", "protocols", "config" }, {
      (next(schema.fields[1])), (next(schema.fields[2])), (next(schema.fields[3])),
    })
  end)

  it("has these fields, in this order, with these defaults", function()
    local names, defaults = {}, {}
    for i, entry in ipairs(schema.fields[3].config.fields) do
      local name, definition = next(entry)
      names[i] = name
      defaults[name] = definition.default
    end
    assert.same({
      "url", "forward_headers", "upstream_headers", "timeout", "cache_ttl", "login_url",
      "session_cookie", "session_cookie_min_length", "session_cookie_max_length",
      "hide_credentials", "authenticate", "accept_revocations", "api_key", "api_key_header",
    }, names)
    assert.same({
      forward_headers = { "cookie" },
      upstream_headers = { "x-user", "x-email", "x-first-name", "authorization" },
      timeout = 5000,
      cache_ttl = 5,
      login_url = "/signin",
      session_cookie_min_length = 1,
      session_cookie_max_length = 4096,
      hide_credentials = false,
      authenticate = true,
      accept_revocations = false,
      api_key_header = "apikey",
    }, defaults)
    assert.is_nil(fields.api_key.default)
    assert.is_not_true(fields.api_key.required)
    assert.is_true(fields.api_key.referenceable)
    assert.is_nil(fields.session_cookie.default)
    assert.is_not_true(fields.session_cookie.required)
    assert.is_true(fields.url.required)
  end)

  it("bounds timeout (ms) and cache_ttl (s, at most a minute)", function()
    assert.same({ type = "integer", between = { 1, 60000 } }, { type = fields.timeout.type, between = fields.timeout.between })
    assert.same({ type = "number", between = { 0, 60 } }, { type = fields.cache_ttl.type, between = fields.cache_ttl.between })
    assert.equal(1, fields.forward_headers.len_min)
  end)

  describe("url", function()
    for _, url in ipairs({ "http://idp:8080/api/session/authenticate", "https://idp.example.test/auth?x=1", "HTTP://idp" }) do
      it("accepts " .. url, function()
        assert.is_true((accepts(fields.url, url)))
      end)
    end
    for url, reason in pairs({
      ["/api/session/authenticate"] = "missing scheme in url",
      ["ftp://idp/auth"] = "expected an http or https url",
      ["http:///auth"] = "missing host in url",
      ["http://idp/a b"] = "must not contain whitespace",
    }) do
      it("refuses " .. url, function()
        assert.same({ false, reason }, { accepts(fields.url, url) })
      end)
    end
  end)

  describe("login_url", function()
    for _, url in ipairs({ "/signin", "/account/login?lang=en", "https://idp.example.test/signin", "/a/\\b" }) do
      it("accepts " .. url, function()
        assert.is_true((accepts(fields.login_url, url)))
      end)
    end
    for _, url in ipairs({ "//evil.test/signin", "/\\evil.test", "signin", "javascript:alert(1)", "/signin#top", "/sign in", "/signin\r\n", "ftp://idp/signin" }) do
      it(string.format("refuses %q", url), function()
        assert.is_false((accepts(fields.login_url, url)))
      end)
    end
  end)

  describe("header names", function()
    it("allow what Kong's header_name allows", function()
      local element = fields.forward_headers.elements
      assert.is_true((accepts(element, "X-Forwarded_For")))
      assert.same({ false, "bad header name 'x user', allowed characters are A-Z, a-z, 0-9, '_', and '-'" }, { accepts(element, "x user") })
      assert.is_false((accepts(element, "x:user")))
    end)

    it("refuse upstream headers that frame or route the request", function()
      local element = fields.upstream_headers.elements
      assert.is_true((accepts(element, "X-Tenant")))
      for _, name in ipairs({ "Host", "content-length", "Transfer_Encoding", "connection", "keep-alive", "te", "upgrade" }) do
        assert.same({ false, "'" .. name .. "' cannot be set from the identity provider's answer" }, { accepts(element, name) })
      end
    end)
  end)

  describe("session_cookie", function()
    it("is a cookie name (an RFC 6265 token)", function()
      assert.is_true((accepts(fields.session_cookie, "JSESSIONID")))
      assert.is_true((accepts(fields.session_cookie, "__Host-JSESSIONID")))
      for _, name in ipairs({ "a b", "a=b", "a;b", "a,b", "" }) do
        assert.is_false((accepts(fields.session_cookie, name)))
      end
    end)

    it("needs a name for hide_credentials, and min_length at most max_length", function()
      local conditional, custom
      for _, check in ipairs(schema.entity_checks) do
        conditional = conditional or check.conditional
        custom = custom or check.custom_entity_check
      end
      assert.same({
        if_field = "config.hide_credentials", if_match = { eq = true },
        then_field = "config.session_cookie", then_match = { required = true },
      }, conditional)
      assert.is_true(custom.fn({ config = { session_cookie_min_length = 47, session_cookie_max_length = 76 } }))
      assert.is_nil(custom.fn({ config = { session_cookie_min_length = 77, session_cookie_max_length = 76 } }))
    end)
  end)
end)
