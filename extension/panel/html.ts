// The events panel's page: a pure function of the resources' URIs, so the panel host (extension/panel) and
// the tests build exactly the same document. Strict Content-Security-Policy: nothing remote, no inline code
// except the nonce'd script tag, no eval; styles and fonts only from the webview's own resource origin.

export interface PanelHtmlOptions {
  /** URI of dist/webview.js as the webview sees it (webview.asWebviewUri). */
  scriptUri: string;
  /** URI of media/panel.css. */
  styleUri: string;
  /** webview.cspSource: the origin the webview's local resources are served from. */
  cspSource: string;
  /** A fresh random nonce per rendering (at least 16 characters of base64/alphanumerics). */
  nonce: string;
  /** URI of @vscode/codicons' dist/codicon.css (its codicon.ttf beside it); without it, icons are omitted. */
  codiconsUri?: string;
  /** Heading shown in the panel (e.g. the notebook's name). */
  title?: string;
}

const escapeAttr = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function panelHtml(o: PanelHtmlOptions): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(o.nonce)) {
    throw new Error(
      'panelHtml: the nonce must be at least 16 characters of [A-Za-z0-9+/=_-]; generate a fresh random one per page',
    );
  }
  if (!/^[^;"<>,\r\n]+$/.test(o.cspSource)) {
    throw new Error(
      `panelHtml: cspSource "${o.cspSource}" is not a CSP source expression; pass webview.cspSource`,
    );
  }
  const csp = [
    "default-src 'none'",
    `img-src ${o.cspSource} data:`,
    `font-src ${o.cspSource}`,
    `style-src ${o.cspSource}`,
    `script-src 'nonce-${o.nonce}'`,
  ].join('; ');
  const title = escapeAttr(o.title ?? 'librdkafka events');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
${o.codiconsUri ? `<link rel="stylesheet" href="${escapeAttr(o.codiconsUri)}">\n` : ''}<link rel="stylesheet" href="${escapeAttr(o.styleUri)}">
</head>
<body data-title="${title}">
<div id="app"></div>
<script nonce="${escapeAttr(o.nonce)}" src="${escapeAttr(o.scriptUri)}"></script>
</body>
</html>
`;
}
