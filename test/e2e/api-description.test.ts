/**
 * The description is served through the gateway, as JSON and as a reference
 * page that a real browser (Debian's Chromium) shows without loading anything
 * from anywhere else.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { parse } from 'yaml';
import { launchChromium } from '../support/chromium';
import { request } from '../support/http';
import { conformBrowser } from '../support/openapi';

const PROXY = process.env.PROXY_URL!;
const document = parse(readFileSync(path.resolve(__dirname, '..', '..', 'openapi.yaml'), 'utf8'));
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

it('serves openapi.yaml as JSON, public and cacheable', async () => {
  const response = await request(`${PROXY}/api/public/openapi.json`);
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
  expect(response.body).toEqual(document);
});

describe('the reference page in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('shows every operation, and the browser asks for nothing but the page', async () => {
    const context = await browser.newContext({ baseURL: PROXY });
    conformBrowser(context);
    const requested: string[] = [];
    context.on('request', (sent) => requested.push(sent.url()));
    const page = await context.newPage();
    // A step that cannot happen says so, rather than the whole test timing out.
    page.setDefaultTimeout(10_000);
    const problems: string[] = [];
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('pageerror', (error) => problems.push(error.message));
    try {
      const answer = await page.goto('/api/public/docs');
      expect(answer?.status()).toBe(200);
      expect(await page.title()).toBe(`${document.info.title} API reference`);

      const listed = await page.locator('nav li').allInnerTexts();
      const operations = Object.entries<Record<string, { summary: string }>>(document.paths).flatMap(([route, item]) =>
        METHODS.filter((method) => item[method]).map((method) => `${method.toUpperCase()} ${route} ${item[method].summary}`),
      );
      expect(operations.length).toBeGreaterThan(25);
      expect(listed.map((text) => text.replace(/\s+/g, ' ').trim()).sort()).toEqual(operations.sort());

      // A route's link goes to its details: bodies, answers and their schemas.
      await page.getByRole('link', { name: /^post \/api\/public\/signin$/i }).click();
      expect(new URL(page.url()).hash).toBe('#op-signin');
      expect(await page.locator('#op-signin table').innerText()).toContain('invalid_credentials');

      // One request, the page: no script, style, font or image from anywhere (a CSP refusal would be a console error).
      expect(requested.map((url) => new URL(url).pathname)).toEqual(['/api/public/docs']);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
