/**
 * One place per route: functions/routes.ts lists every HTTP route, and
 * serverless.yml, kong/kong.yml and openapi.yaml must agree with it. This
 * check names each function, Kong route and OpenAPI operation that is
 * missing or different, in seconds and without servers
 * (docs/adding-a-route.md).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, type Tags } from 'yaml';
import { ROUTES, type Route } from '../../functions/routes';
import type { AwsLambdaConfig } from '../../kong/gateway/plugins/aws-lambda/schema';
import { parseConfig, type GatewayConfig, type RouteConfig } from '../../kong/gateway/core/config';
import { PLUGINS } from '../../kong/gateway/plugins';
import { deckEnv } from '../../scripts/stack/gateway';

const ROOT = path.join(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** CloudFormation's short forms, as serverless.yml uses them. */
const CLOUDFORMATION_TAGS: Tags = [
  { tag: '!GetAtt', resolve: (value: string) => ({ 'Fn::GetAtt': value.split('.') }) },
  { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
];

/** The places a route is declared, read as the tools read them. */
interface Places {
  /** serverless.yml, parsed. */
  serverless: any;
  /** kong/kong.yml as the local gateway loads it (each route with its effective plugins). */
  kong: GatewayConfig;
  /** The DECK_FUNCTION_PREFIX kong.yml was rendered with. */
  functionPrefix: string;
  /** openapi.yaml, parsed. */
  openapi: any;
}

function loadPlaces(): Places {
  // The decK values the local stack renders kong.yml with (scripts/stack/gateway.ts).
  const env = deckEnv({
    lambdaPort: 3002, proxyPort: 8000, sessionCacheTtlSeconds: 5,
    rateLimits: { public: 60, protected: 600, password: 10, introspect: 1200, browser: 300 },
    rateLimitPolicy: { policy: 'local' }, corsOrigins: ['https://app.example.test'],
  });
  return {
    serverless: parse(read('serverless.yml'), { customTags: CLOUDFORMATION_TAGS }),
    kong: parseConfig(read('kong/kong.yml'), env, PLUGINS, 'kong/kong.yml'),
    functionPrefix: env.DECK_FUNCTION_PREFIX,
    openapi: parse(read('openapi.yaml')),
  };
}

const TABLE = 'functions/routes.ts';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const unique = <T>(items: T[]) => [...new Set(items)];
const sameSet = (a: string[], b: string[]) => unique(a).sort().join('\n') === unique(b).sort().join('\n');
const list = (items: string[]) => `[${unique(items).sort().join(', ')}]`;
const methodsOf = (route: Route) => unique(Object.keys(route.operations).map((op) => op.split(' ')[0]));
const pathsOf = (route: Route) => unique(Object.keys(route.operations).map((op) => op.split(' ')[1]));
/** Kong's paths are prefixes: a path ending in a `{param}` segment is the part before it. */
const kongPath = (openapiPath: string) => openapiPath.replace(/\{[^}/]+\}$/, '');
/** The CloudFormation logical id serverless gives a function (`logoutAll` → `LogoutAllLambdaFunction`). */
const logicalId = (name: string) => `${name[0].toUpperCase()}${name.slice(1).replace(/-/g, 'Dash').replace(/_/g, 'Underscore')}LambdaFunction`;

function tableProblems(routes: readonly Route[]): string[] {
  const problems: string[] = [];
  const seen = { function: new Map<string, string>(), route: new Map<string, string>(), operation: new Map<string, string>(), operationId: new Map<string, string>() };
  const once = (kind: keyof typeof seen, key: string, owner: string) => {
    const first = seen[kind].get(key);
    if (first !== undefined) problems.push(`${TABLE}: ${kind} ${key} is listed twice (${first}, ${owner})`);
    seen[kind].set(key, owner);
  };
  for (const route of routes) {
    const owner = `route ${route.route}`;
    once('function', route.function, owner);
    once('route', route.route, owner);
    for (const [operation, operationId] of Object.entries(route.operations)) {
      once('operation', operation, owner);
      once('operationId', operationId, owner);
    }
    const methods = methodsOf(route);
    const paths = pathsOf(route);
    for (const method of methods) {
      for (const p of paths) {
        if (!(`${method} ${p}` in route.operations)) {
          problems.push(`${TABLE}: route ${route.route} takes ${method} and ${p} but lists no operation for ${method} ${p} (a Kong route takes every method with every path)`);
        }
      }
    }
    for (const p of paths) if (kongPath(p).includes('{')) problems.push(`${TABLE}: route ${route.route}: ${p} has a {param} before its last segment, which Kong cannot match as a prefix`);
    const file = `${route.handler.replace(/\.[^./]+$/, '')}.ts`;
    if (!existsSync(path.join(ROOT, file))) problems.push(`${TABLE}: route ${route.route}: handler ${route.handler}, but ${file} does not exist`);
  }
  return problems;
}

function serverlessProblems(routes: readonly Route[], serverless: any): string[] {
  const problems: string[] = [];
  const functions: Record<string, any> = serverless.functions ?? {};
  const httpEvents = (fn: any): string[] =>
    (fn?.events ?? []).filter((event: any) => event?.http).map((event: any) => `${String(event.http.method).toUpperCase()} /${String(event.http.path).replace(/^\//, '')}`);
  for (const route of routes) {
    const fn = functions[route.function];
    if (!fn) {
      problems.push(`serverless.yml: function ${route.function} (route ${route.route}) is missing`);
      continue;
    }
    if (fn.handler !== route.handler) problems.push(`serverless.yml: function ${route.function} has handler ${fn.handler}, ${TABLE} says ${route.handler}`);
    // Preflights never reach a function: Kong's cors plugin answers them.
    const expected = Object.keys(route.operations).filter((op) => !op.startsWith('OPTIONS '));
    const actual = httpEvents(fn);
    for (const op of expected) if (!actual.includes(op)) problems.push(`serverless.yml: function ${route.function} has no http event ${op}`);
    for (const op of actual) if (!expected.includes(op)) problems.push(`serverless.yml: function ${route.function} has an http event ${op} that ${TABLE} does not list`);
  }
  const known = new Set(routes.map((route) => route.function));
  for (const [name, fn] of Object.entries(functions)) {
    if (!known.has(name) && httpEvents(fn).length > 0) problems.push(`serverless.yml: function ${name} has http events but no entry in ${TABLE}`);
  }
  // The policy that lets Kong's aws-lambda plugin invoke the functions, one resource each.
  const statements: any[] = serverless.resources?.Resources?.KongInvokePolicy?.Properties?.PolicyDocument?.Statement ?? [];
  const invocable = statements
    .filter((statement) => [statement.Action].flat().includes('lambda:InvokeFunction'))
    .flatMap((statement) => [statement.Resource].flat())
    .map((resource) => resource?.['Fn::GetAtt']?.[0])
    .filter((id): id is string => typeof id === 'string');
  for (const route of routes) {
    const id = logicalId(route.function);
    if (!invocable.includes(id)) problems.push(`serverless.yml: KongInvokePolicy does not let Kong invoke function ${route.function} (!GetAtt ${id}.Arn)`);
  }
  const ids = new Set(routes.map((route) => logicalId(route.function)));
  for (const id of invocable) if (!ids.has(id)) problems.push(`serverless.yml: KongInvokePolicy lets Kong invoke ${id}, which is no route's function in ${TABLE}`);
  return problems;
}

function kongProblems(routes: readonly Route[], kong: GatewayConfig, functionPrefix: string): string[] {
  const problems: string[] = [];
  const byName = new Map<string, RouteConfig>(kong.routes.map((route) => [route.name, route]));
  for (const route of routes) {
    const actual = byName.get(route.route);
    const where = `kong/kong.yml: route ${route.route}`;
    if (!actual) {
      problems.push(`kong/kong.yml: route ${route.route} (function ${route.function}) is missing: add it to service ${route.service}`);
      continue;
    }
    if (actual.service?.name !== route.service) problems.push(`${where} is in service ${actual.service?.name ?? '(none)'}, ${TABLE} says ${route.service}`);
    const paths = pathsOf(route).map(kongPath);
    if (!sameSet(actual.paths, paths)) problems.push(`${where} has paths ${list(actual.paths)}, ${TABLE} says ${list(paths)}`);
    if (!sameSet(actual.methods, methodsOf(route))) problems.push(`${where} has methods ${list(actual.methods)}, ${TABLE} says ${list(methodsOf(route))}`);
    // The functions read the whole path.
    if (actual.stripPath) problems.push(`${where} strips its path: set strip_path: false`);
    const lambda = actual.plugins.find((plugin) => plugin.name === 'aws-lambda');
    const functionName = (lambda?.config as AwsLambdaConfig | undefined)?.functionName;
    if (functionName !== `${functionPrefix}${route.function}`) {
      problems.push(`${where} invokes ${functionName ?? '(no aws-lambda plugin)'}, ${TABLE} says ${route.function} (DECK_FUNCTION_PREFIX + the function's name)`);
    }
    if (methodsOf(route).includes('OPTIONS') && !route.preflightByFunction && !actual.plugins.some((plugin) => plugin.name === 'cors')) {
      problems.push(`${where} takes OPTIONS (CORS preflights) but neither it nor its service has the cors plugin`);
    }
  }
  const known = new Set(routes.map((route) => route.route));
  for (const actual of kong.routes) if (!known.has(actual.name)) problems.push(`kong/kong.yml: route ${actual.name} has no entry in ${TABLE}`);
  return problems;
}

function openapiProblems(routes: readonly Route[], openapi: any): string[] {
  const problems: string[] = [];
  const described = new Map<string, string>();
  for (const [p, item] of Object.entries<any>(openapi.paths ?? {})) {
    for (const method of HTTP_METHODS) if (item?.[method]) described.set(`${method.toUpperCase()} ${p}`, item[method].operationId ?? '(no operationId)');
  }
  const listed = new Set<string>();
  for (const route of routes) {
    for (const [operation, operationId] of Object.entries(route.operations)) {
      listed.add(operation);
      const actual = described.get(operation);
      if (actual === undefined) problems.push(`openapi.yaml: no operation ${operation} (operationId ${operationId}, route ${route.route})`);
      else if (actual !== operationId) problems.push(`openapi.yaml: ${operation} has operationId ${actual}, ${TABLE} says ${operationId}`);
    }
  }
  for (const [operation, operationId] of described) if (!listed.has(operation)) problems.push(`openapi.yaml: ${operation} (operationId ${operationId}) is in no entry of ${TABLE}`);
  return problems;
}

function routeProblems(routes: readonly Route[], places: Places): string[] {
  return [
    ...tableProblems(routes),
    ...serverlessProblems(routes, places.serverless),
    ...kongProblems(routes, places.kong, places.functionPrefix),
    ...openapiProblems(routes, places.openapi),
  ];
}

const places = loadPlaces();

it('every route in functions/routes.ts agrees with serverless.yml, kong/kong.yml and openapi.yaml, and nothing there is left out', () => {
  expect(routeProblems(ROUTES, places)).toEqual([]);
});

/** The check on places changed for its sake: what it adds to the problems of the files as they are (none, unless the test above fails). */
describe('the check names each place that disagrees', () => {
  const baseline = routeProblems(ROUTES, places);
  const check = (routes: readonly Route[], changed: Places) => routeProblems(routes, changed).filter((problem) => !baseline.includes(problem));
  const without = <T extends object>(object: T, key: string): T => Object.fromEntries(Object.entries(object).filter(([name]) => name !== key)) as T;

  it('a route only in the table', () => {
    const extra: Route = {
      function: 'ping', handler: 'functions/public/health.handler', service: 'pages', route: 'ping', operations: { 'GET /api/public/ping': 'ping' },
    };
    expect(check([...ROUTES, extra], places)).toEqual([
      'serverless.yml: function ping (route ping) is missing',
      'serverless.yml: KongInvokePolicy does not let Kong invoke function ping (!GetAtt PingLambdaFunction.Arn)',
      'kong/kong.yml: route ping (function ping) is missing: add it to service pages',
      'openapi.yaml: no operation GET /api/public/ping (operationId ping, route ping)',
    ]);
  });

  it('a function, a Kong route or an OpenAPI operation the table does not have', () => {
    const serverless = { ...places.serverless, functions: without(places.serverless.functions, 'jwks') };
    const kong = { ...places.kong, routes: places.kong.routes.filter((route) => route.name !== 'info') };
    const openapi = { ...places.openapi, paths: without(places.openapi.paths, '/api/jwt/logout') };
    expect(check(ROUTES, { ...places, serverless, kong, openapi })).toEqual([
      'serverless.yml: function jwks (route jwks) is missing',
      'kong/kong.yml: route info (function info) is missing: add it to service token',
      'openapi.yaml: no operation POST /api/jwt/logout (operationId logout, route logout)',
    ]);
    const routes = ROUTES.filter((route) => route.route !== 'sessions');
    expect(check(routes, places)).toEqual([
      'serverless.yml: function sessions has http events but no entry in functions/routes.ts',
      'serverless.yml: KongInvokePolicy lets Kong invoke SessionsLambdaFunction, which is no route\'s function in functions/routes.ts',
      'kong/kong.yml: route sessions has no entry in functions/routes.ts',
      'openapi.yaml: GET /api/jwt/sessions (operationId listSessions) is in no entry of functions/routes.ts',
    ]);
  });

  it('a route that differs: its methods, paths, service, function or operationId', () => {
    const routes = ROUTES.map((route): Route => {
      if (route.route === 'signin') return { ...route, operations: { 'POST /api/public/signin': 'signin' } };
      if (route.route === 'end-session') return { ...route, service: 'public', function: 'endSessions', operations: { 'DELETE /api/jwt/session/{id}': 'endSession' } };
      if (route.route === 'assets') return { ...route, operations: { ...route.operations, 'GET /assets/app.css': 'appStyles' } };
      return route;
    });
    expect(check(routes, places)).toEqual([
      'serverless.yml: function endSessions (route end-session) is missing',
      'serverless.yml: function endSession has http events but no entry in functions/routes.ts',
      'serverless.yml: KongInvokePolicy does not let Kong invoke function endSessions (!GetAtt EndSessionsLambdaFunction.Arn)',
      'serverless.yml: KongInvokePolicy lets Kong invoke EndSessionLambdaFunction, which is no route\'s function in functions/routes.ts',
      'kong/kong.yml: route signin has methods [OPTIONS, POST], functions/routes.ts says [POST]',
      'kong/kong.yml: route end-session is in service token, functions/routes.ts says public',
      'kong/kong.yml: route end-session has paths [/api/jwt/sessions/], functions/routes.ts says [/api/jwt/session/]',
      'kong/kong.yml: route end-session invokes kong-lambda-auth-local-endSession, functions/routes.ts says endSessions (DECK_FUNCTION_PREFIX + the function\'s name)',
      'openapi.yaml: GET /assets/app.css has operationId appStylesheet, functions/routes.ts says appStyles',
      'openapi.yaml: no operation DELETE /api/jwt/session/{id} (operationId endSession, route end-session)',
      'openapi.yaml: OPTIONS /api/public/signin (operationId preflightPublicSignin) is in no entry of functions/routes.ts',
      'openapi.yaml: DELETE /api/jwt/sessions/{id} (operationId endSession) is in no entry of functions/routes.ts',
    ]);
  });

  it('serverless.yml: another handler or http event', () => {
    const functions = { ...places.serverless.functions, signup: { handler: 'functions/public/sign-up.handler', events: [{ http: { path: '/api/public/signup', method: 'put' } }] } };
    expect(check(ROUTES, { ...places, serverless: { ...places.serverless, functions } })).toEqual([
      'serverless.yml: function signup has handler functions/public/sign-up.handler, functions/routes.ts says functions/public/signup.handler',
      'serverless.yml: function signup has no http event POST /api/public/signup',
      'serverless.yml: function signup has an http event PUT /api/public/signup that functions/routes.ts does not list',
    ]);
  });

  it('the table itself: a missing handler file, a name twice, methods and paths that are not one Kong route', () => {
    const broken: Route[] = [
      { function: 'a', handler: 'functions/public/nowhere.handler', service: 'pages', route: 'a', operations: { 'GET /a': 'a', 'POST /b': 'b' } },
      { function: 'a', handler: 'functions/public/health.handler', service: 'pages', route: 'c', operations: { 'GET /a': 'c' } },
    ];
    expect(tableProblems(broken)).toEqual([
      'functions/routes.ts: route a takes GET and /b but lists no operation for GET /b (a Kong route takes every method with every path)',
      'functions/routes.ts: route a takes POST and /a but lists no operation for POST /a (a Kong route takes every method with every path)',
      'functions/routes.ts: route a: handler functions/public/nowhere.handler, but functions/public/nowhere.ts does not exist',
      'functions/routes.ts: function a is listed twice (route a, route c)',
      'functions/routes.ts: operation GET /a is listed twice (route a, route c)',
    ]);
  });
});
