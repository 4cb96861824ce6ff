/** Debian's Chromium, as the project drives it: never a downloaded browser. */
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/**
 * Script errors, and what the browser refused (CSP violations), as the page
 * runs; `logged`: the statuses whose console line a flow expects (a failed
 * sign-in's 401, a missing favicon's 404) and which are no problem.
 */
export function watchProblems(page: Page, logged = /40[14]/): string[] {
  const problems: string[] = [];
  const expected = new RegExp(`the server responded with a status of ${logged.source}`);
  page.on('console', (message) => {
    if (message.type() === 'error' && !expected.test(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return problems;
}
