// Serves the panel page exactly as the extension builds it (panelHtml) from a fake origin inside a Playwright
// context, with the bundle, stylesheet and codicons from this checkout. Shared by the tests and the benchmark.
import { randomBytes } from 'node:crypto';
import type { BrowserContext } from 'playwright-core';
import { panelHtml } from '../../extension/panel/html.ts';
import { readRoot } from './browser.ts';

export const PANEL_ORIGIN = 'http://panel.test';

export async function servePanel(
  context: BrowserContext,
  origin = PANEL_ORIGIN,
  title = 'librdkafka events: live.rdkafka',
): Promise<void> {
  const files: Record<string, [string, string]> = {
    '/dist/webview.js': ['dist/webview.js', 'text/javascript'],
    '/media/panel.css': ['media/panel.css', 'text/css'],
    '/codicons/codicon.css': ['node_modules/@vscode/codicons/dist/codicon.css', 'text/css'],
    '/codicons/codicon.ttf': ['node_modules/@vscode/codicons/dist/codicon.ttf', 'font/ttf'],
  };
  await context.route(`${origin}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/') {
      const html = panelHtml({
        scriptUri: `${origin}/dist/webview.js`,
        styleUri: `${origin}/media/panel.css`,
        codiconsUri: `${origin}/codicons/codicon.css`,
        cspSource: origin,
        nonce: randomBytes(18).toString('base64url'),
        title,
      });
      return route.fulfill({ body: html, contentType: 'text/html' });
    }
    const f = files[path];
    return f
      ? route.fulfill({ body: readRoot(f[0]), contentType: f[1] })
      : route.fulfill({ status: 404, body: 'not found' });
  });
}
