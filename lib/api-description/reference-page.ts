import { createHash } from 'node:crypto';
import { html, Html } from '../pages/html';

/**
 * The API reference page, rendered on the server from the description with a
 * small template. Why not Redoc or Swagger UI: each is a browser bundle of
 * 1 MB or more, to be served from here (no CDN: nothing may be fetched from
 * the internet) and run as script under a CSP that allows it, while every
 * function bundle stays under 150 kB; a static page with no script at all
 * shows the same routes, bodies and answers, and is the safest page to serve.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#1b1b1b}
h1{margin-bottom:0}h2{border-bottom:1px solid #ccc;margin-top:2.5rem}h3{margin-bottom:.25rem}
.method{display:inline-block;min-width:4.5rem;font:bold 13px monospace;text-transform:uppercase}
.get{color:#0a6b2d}.post{color:#0b4f9c}.put{color:#8a5a00}.delete{color:#a4161a}
code,pre{font:13px/1.4 ui-monospace,monospace}pre{background:#f5f5f5;padding:.5rem;overflow:auto;max-height:24rem}
.desc{white-space:pre-line}table{border-collapse:collapse;width:100%}td,th{border-top:1px solid #ddd;padding:.3rem;text-align:left;vertical-align:top}
nav ul{columns:2}section.op{border-left:3px solid #ddd;padding-left:.75rem;margin:1.5rem 0}`;

/** The page's one style, allowed by its hash: the page runs no script and loads nothing. */
export const REFERENCE_PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; img-src 'none'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'`;

export function referencePage(document: Json, descriptionUrl: string): Html {
  const lookup = (ref: string): Json => ref.replace(/^#\//, '').split('/').reduce((node: Json, key) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], document);
  const deref = (node: Json): Json => (typeof node?.$ref === 'string' ? deref(lookup(node.$ref)) : node);

  const operations: { tag: string; method: string; path: string; op: Json }[] = [];
  for (const [path, item] of Object.entries<Json>(document.paths)) {
    for (const method of METHODS) if (item[method]) operations.push({ tag: item[method].tags?.[0] ?? 'other', method, path, op: item[method] });
  }
  const tags: Json[] = document.tags ?? [];
  const anchor = (operationId: string) => `op-${operationId}`;

  const security = (op: Json) => {
    const requirements: Json[] = op.security ?? document.security ?? [];
    const names = requirements.map((requirement) => Object.keys(requirement).join(' + ') || 'none');
    return names.length === 0 ? 'none' : names.join(' or ');
  };

  const content = (media: Json | undefined) =>
    Object.entries<Json>(media ?? {}).map(([type, { schema }]) => html`<p><code>${type}</code></p>${schema ? schemaBlock(schema) : ''}`);

  const responses = (op: Json) =>
    Object.entries<Json>(op.responses).map(([status, declared]) => {
      const response = deref(declared);
      const headers = Object.entries<Json>(response.headers ?? {}).map(([name, header]) => {
        const resolved = deref(header);
        return html`<li><code>${name}</code>${resolved.required ? ' (always)' : ''}${resolved.description ? html`: ${resolved.description}` : ''}</li>`;
      });
      return html`<tr><td><strong>${status}</strong></td><td><div class="desc">${response.description}</div>${headers.length ? html`<ul>${headers}</ul>` : ''}${content(response.content)}</td></tr>`;
    });

  const parameters = (op: Json) =>
    (op.parameters ?? []).map((p: Json) => html`<li><code>${p.name}</code> (${p.in}${p.required ? ', required' : ''})${p.description ? html`: ${p.description}` : ''}</li>`);

  const operation = ({ method, path, op }: (typeof operations)[number]) => html`<section class="op" id="${anchor(op.operationId)}">
<h3><span class="method ${method}">${method}</span> <code>${path}</code></h3>
<p>${op.summary}</p>${op.description ? html`<p class="desc">${op.description}</p>` : ''}
<p>Authentication: ${security(op)}</p>
${op.parameters ? html`<h4>Parameters</h4><ul>${parameters(op)}</ul>` : ''}
${op.requestBody ? html`<h4>Request body</h4>${content(deref(op.requestBody).content)}` : ''}
<h4>Responses</h4><table>${responses(op)}</table>
</section>`;

  const schemes = Object.entries<Json>(document.components?.securitySchemes ?? {}).map(
    ([name, scheme]) => html`<li><code>${name}</code>: ${scheme.type}${scheme.scheme ? ` ${scheme.scheme}` : ''}${scheme.in ? ` in ${scheme.in} ${scheme.name}` : ''}. ${scheme.description ?? ''}</li>`,
  );
  const schemas = Object.entries<Json>(document.components?.schemas ?? {}).map(
    ([name, schema]) => html`<section id="schema-${name}"><h3>${name}</h3>${schema.description ? html`<p>${schema.description}</p>` : ''}${schemaBlock(schema)}</section>`,
  );

  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${document.info.title} API reference</title>
<style>${new Html(STYLE)}</style>
</head>
<body>
<header>
<h1>${document.info.title} API reference</h1>
<p>Version ${document.info.version} · OpenAPI ${document.openapi} · <a href="${descriptionUrl}">the description as JSON</a> (import it into Postman or any OpenAPI tool)</p>
<p>${document.info.summary}</p>
<p>Server: ${(document.servers ?? []).map((server: Json) => html`<code>${server.url}</code> (${server.description}) `)}</p>
</header>
<nav><h2>Routes</h2>${tags.map(
    (tag) => html`<h3>${tag.name}</h3><p>${tag.description}</p><ul>${operations
      .filter((entry) => entry.tag === tag.name)
      .map(({ method, path, op }) => html`<li><a href="#${anchor(op.operationId)}"><span class="method ${method}">${method}</span> <code>${path}</code></a> ${op.summary}</li>`)}</ul>`,
  )}</nav>
<main>
<h2>About errors and the gateway</h2>
<div class="desc">${document.info.description}</div>
<h2>Authentication</h2><ul>${schemes}</ul>
<h2>Operations</h2>
${operations.map(operation)}
<h2>Schemas</h2>
${schemas}
</main>
</body>
</html>`;
}

/** A schema as indented JSON, each reference to a named schema a link to it. */
function schemaBlock(schema: Json): Html {
  const text = html`${JSON.stringify(schema, null, 2)}`.text;
  const linked = text.replace(/&quot;#\/components\/schemas\/([A-Za-z0-9_]+)&quot;/g, '<a href="#schema-$1">$1</a>');
  // Made from escaped text, with links whose names matched [A-Za-z0-9_]: safe as is.
  return html`<pre>${new Html(linked)}</pre>`;
}
