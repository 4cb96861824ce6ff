'use strict';
/**
 * What serverless-offline opens on the local stack, and what it takes there.
 *
 * - Kong (and the local gateway) reach the functions through the Lambda
 *   Invoke port (LAMBDA_PORT): serverless-offline's HTTP port (API_PORT), its
 *   API Gateway emulation, is not needed and is a way around the gateway
 *   (introspection there would trust a client-sent X-Consumer-ID). It opens
 *   only for the `http` events in serverless.yml; they are dropped before
 *   serverless-offline reads them unless API_HTTP=1, and then only on a
 *   loopback host.
 * - Both ports are hapi servers. hapi (@hapi/subtext) pipes a request with
 *   `Content-Encoding: gzip|deflate` through a decoder; when the decoder has
 *   failed on garbage and the client then drops the connection, the request's
 *   error is forwarded to the failed decoder, which no longer listens for
 *   errors: "Invalid compressed payload" becomes an uncaught exception and the
 *   serverless process exits (the whole stack with it). Nothing the stack
 *   needs sends a compressed body (Kong's Invoke call never does, nor does the
 *   AWS SDK), so every hapi server in this process refuses any request with a
 *   Content-Encoding other than identity at onRequest, before its payload is
 *   read: 415, and the connection is closed.
 */
const path = require('node:path');

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Whether API_HTTP asks for the HTTP port (`1`, `true`, `on`). */
function httpPortWanted(env = process.env) {
  return ['1', 'true', 'on'].includes(String(env.API_HTTP ?? '').toLowerCase());
}

/** 415 for a compressed request body, before hapi reads it. */
function refuseEncodedBodies(request, h) {
  const encoding = request.headers['content-encoding'];
  if (encoding === undefined || encoding.trim() === '' || encoding.trim().toLowerCase() === 'identity') return h.continue;
  return h
    .response({ message: 'Content-Encoding is not supported' })
    .code(415)
    .header('Connection', 'close')
    .takeover();
}

const PATCHED = Symbol('starts guarded');
const guarded = new WeakSet();

/**
 * Adds refuseEncodedBodies to every hapi server serverless-offline starts:
 * it makes them itself and keeps them private, so the guard goes in as
 * each one starts. The @hapi/hapi it uses is the one resolved from its
 * own folder.
 */
function guardHapiServers() {
  const offlineDir = path.dirname(require.resolve('serverless-offline'));
  const hapi = require(require.resolve('@hapi/hapi', { paths: [offlineDir] }));
  const prototype = Object.getPrototypeOf(hapi.server({ autoListen: false }));
  if (prototype[PATCHED]) return;
  const start = prototype.start;
  prototype.start = function guardedStart(...args) {
    if (!guarded.has(this)) {
      guarded.add(this);
      this.ext('onRequest', refuseEncodedBodies);
    }
    return start.apply(this, args);
  };
  prototype[PATCHED] = true;
}

/**
 * Before serverless-offline reads the functions' events: without API_HTTP=1
 * the `http` events go (no HTTP port); with it, the host must be loopback.
 */
function prepareOffline(serverless, options, dropHttpEvents) {
  guardHapiServers();
  if (!httpPortWanted()) {
    dropHttpEvents();
    return;
  }
  const custom = serverless.service.custom?.['serverless-offline'] ?? {};
  const host = String(options?.host ?? custom.host ?? 'localhost');
  if (!LOOPBACK.has(host)) {
    throw new Error(`API_HTTP=1 opens serverless-offline's HTTP port for debugging on loopback only; its host is ${host} (API_HOST)`);
  }
}

module.exports = { httpPortWanted, prepareOffline, refuseEncodedBodies };
