// Entry of the events panel bundle (dist/webview.js). Two ways in, one renderer:
// - inside VS Code: the host posts {type:'events', events} and {type:'reset'}; the panel answers {type:'ready'};
// - a standalone report: the events are embedded in the page as JSON (<script type="application/json"
//   id="rdkafka-events">) and rendered the same way (live messages are accepted there too).
import { App } from './app.ts';
import type { PanelToHost } from './types.ts';
import { parseHostToPanel } from './validate.ts';

declare function acquireVsCodeApi(): {
  postMessage(message: PanelToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
};

function start(): void {
  const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
  const title = document.body.dataset.title ?? 'librdkafka events';
  const app = new App(root, title);

  const embedded = document.getElementById('rdkafka-events');
  if (embedded?.textContent) {
    let data: unknown;
    try {
      data = JSON.parse(embedded.textContent);
    } catch {
      data = null;
    }
    const { message, rejected } = parseHostToPanel({
      type: 'events',
      events: Array.isArray(data) ? data : [],
    });
    if (message?.type === 'events') app.ingest(message.events);
    if (rejected || !Array.isArray(data)) app.rejected(rejected || 1);
  }
  // A report may also carry what a host would have said: the kernel and the statistics field docs.
  const context = document.body.dataset.context;
  if (context) {
    type Context = { kernel?: unknown; statsDocs?: unknown; statsDocsMissing?: unknown };
    let data: Context | null;
    try {
      data = JSON.parse(context) as Context;
    } catch {
      data = null;
      app.rejected(1);
    }
    const k = parseHostToPanel({ type: 'kernel', info: data?.kernel }).message;
    if (k?.type === 'kernel') app.kernel({ ...k.info, interactive: false });
    if (data?.statsDocs !== undefined) {
      const d = parseHostToPanel({
        type: 'statsDocs',
        docs: data.statsDocs,
        missing: data.statsDocsMissing,
      }).message;
      if (d?.type === 'statsDocs') app.statsDocs(d.docs, d.missing);
    }
  }

  window.addEventListener('message', (ev: MessageEvent) => {
    // Only our host: VS Code's webview frames relay host messages with postMessage(msg, window.origin), so they
    // arrive from our own origin. (Not necessarily from window.parent: in code-server 4.139 the source is
    // another of VS Code's frames, so the origin is the check.) An opaque origin ("null", e.g. a report
    // opened from file://) cannot be told apart from any other sandboxed frame: accept nothing live there.
    if (window.origin === 'null' || ev.origin !== window.origin) return;
    const { message, rejected } = parseHostToPanel(ev.data);
    if (rejected) app.rejected(rejected);
    if (!message) return;
    switch (message.type) {
      case 'reset':
        return app.reset();
      case 'events':
        return app.ingest(message.events);
      case 'kernel':
        return app.kernel(message.info);
      case 'statsDocs':
        return app.statsDocs(message.docs, message.missing);
      case 'faultResult':
        return app.faultResult(message.id, message.ok, message.message);
      default: {
        const unknown: never = message;
        void unknown;
      }
    }
  });

  if (typeof acquireVsCodeApi === 'function') {
    const api = acquireVsCodeApi();
    // The open view survives VS Code re-creating the webview (moved to another group, window reload).
    const saved = api.getState() as { tab?: unknown } | undefined;
    if (typeof saved?.tab === 'string') app.show(saved.tab);
    app.onShow = (tab) => api.setState({ tab });
    app.connect((m) => api.postMessage(m));
    api.postMessage({ type: 'ready' });
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
