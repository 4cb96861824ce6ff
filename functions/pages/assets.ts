import { ASSETS } from '../../lib/pages/assets';
import { json, route } from '../../lib/platform/http';

/** GET /assets/app.js and /assets/app.css: the pages' only script and stylesheet. */
export const handler = route(async (event) => {
  const asset = ASSETS[event.path];
  if (!asset) return json(404, { code: 'not_found', message: 'Not found' });
  return {
    statusCode: 200,
    headers: { 'Content-Type': asset.contentType, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'public, max-age=300' },
    body: asset.body,
  };
});
