// A host for the panel page in plain Chromium, doing what the extension's panel host does: posts the
// kernel's events, what it knows of the kernel and the statistics field docs, and serves what the panel
// posts back (fault actions go to a real kernel's control pipe). Lets the browser suite drive the control
// room end to end without VS Code.
import type { BrowserContext, Page } from 'playwright-core';
import type { KernelClient } from '../../extension/kernel/client.ts';
import type {
  ControlReply,
  HostToPanel,
  KernelEvent,
  PanelKernelInfo,
  PanelToHost,
  StatsDocs,
} from '../../protocol/index.ts';

export interface HostedPanel {
  page: Page;
  /** Everything the panel posted, in order. */
  posted: PanelToHost[];
  /** The kernel's answers to the panel's fault actions. */
  faults: Extract<ControlReply, { type: 'fault' }>[];
  events: KernelEvent[];
  post(m: HostToPanel): Promise<void>;
  /** Resolves with the next fault answer. */
  nextFault(): Promise<Extract<ControlReply, { type: 'fault' }>>;
}

/** Before the page loads: the VS Code webview API, relaying what the panel posts to `__toHost`. */
export async function stubVsCodeApi(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as { __toHost?: (m: unknown) => void; acquireVsCodeApi: unknown };
    w.acquireVsCodeApi = () => ({
      postMessage: (m: unknown) => w.__toHost?.(m),
      getState: () => null,
      setState: () => {},
    });
  });
}

export async function hostPanel(
  page: Page,
  url: string,
  o: {
    kernel: KernelClient | null;
    info: PanelKernelInfo;
    docs?: { docs: StatsDocs | null; missing?: string };
  },
): Promise<HostedPanel> {
  const posted: PanelToHost[] = [];
  const faults: Extract<ControlReply, { type: 'fault' }>[] = [];
  const events: KernelEvent[] = [];
  const waiters: ((r: Extract<ControlReply, { type: 'fault' }>) => void)[] = [];
  let ready = false;
  let onReady = () => {};
  // The panel's 'ready' replays the history (a reset first): what a test posts must come after it.
  const replayed = new Promise<void>((r) => (onReady = r));
  let chain = Promise.resolve();
  const post = (m: HostToPanel) =>
    (chain = chain.then(() =>
      page
        .evaluate((msg) => window.postMessage(msg, window.origin), m as unknown)
        .then(
          () => {},
          // The test closed the page while the kernel still had events: nobody is listening any more.
          () => {},
        ),
    ));
  const replay = () => {
    void post({ type: 'reset' });
    void post({ type: 'kernel', info: o.info });
    if (o.docs)
      void post({
        type: 'statsDocs',
        docs: o.docs.docs,
        ...(o.docs.missing ? { missing: o.docs.missing } : {}),
      });
    if (events.length) void post({ type: 'events', events: events.slice() });
  };
  await page.exposeFunction('__toHost', async (m: PanelToHost) => {
    posted.push(m);
    if (m.type === 'ready') {
      ready = true;
      replay();
      void chain.then(onReady);
    } else if (m.type === 'fault' && o.kernel) {
      const r = await o.kernel.control.fault(m.fn, m.args);
      faults.push(r);
      waiters.shift()?.(r);
      void post({
        type: 'faultResult',
        id: m.id,
        ok: r.ok,
        message: r.ok ? `${r.c} done` : r.message,
        call: r.call,
      });
    }
  });
  o.kernel?.onEvents((batch) => {
    events.push(...batch);
    if (ready) void post({ type: 'events', events: batch });
  });
  await page.goto(url);
  await page.getByTestId('event-count').waitFor();
  await replayed;
  return {
    page,
    posted,
    faults,
    events,
    post: (m) => post(m),
    nextFault: () => new Promise((r) => waiters.push(r)),
  };
}
