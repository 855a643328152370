// The embedded mock cluster (librdkafka's rdkafka_mock.h) in a process of its own: a broker that traced
// programs, kcat or a C cell can reach with nothing installed. librdkafka's mock threads serve the
// brokers; this process only has to stay alive (and not block them: no JS callback is registered).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TraceError } from './build.ts';

type Fn = (...args: any[]) => any;

export interface MockCluster {
  bootstrap: string;
  brokers: number;
  /** librdkafka version of the library the cluster runs in. */
  version: string;
  /** Destroys the cluster and its handle. */
  stop(): void;
}

export async function startMockCluster(opts: {
  bindingsDir: string;
  library?: string;
  brokers: number;
}): Promise<MockCluster> {
  const require = createRequire(import.meta.url);
  const koffi = require('koffi');
  const mod = (await import(pathToFileURL(join(opts.bindingsDir, 'bindings.js')).href)) as {
    load: (k: unknown, o: { library?: string }) => { functions: Record<string, Fn> };
  };
  let f: Record<string, Fn>;
  try {
    f = mod.load(koffi, opts.library ? { library: opts.library } : {}).functions;
  } catch (e) {
    throw new TraceError(`${(e as Error).message.split('\n')[0]}`);
  }
  const err = Buffer.alloc(512);
  const conf = f.rd_kafka_conf_new!();
  f.rd_kafka_conf_set!(conf, 'client.id', 'rdkafka-workbench-mock', err, err.length);
  f.rd_kafka_conf_set!(conf, 'log_level', '3', err, err.length);
  const rk = f.rd_kafka_new!(0, conf, err, err.length) as bigint;
  if (!rk)
    throw new TraceError(
      `could not create the mock cluster's handle: ${err.toString().replace(/\0.*$/s, '')}`,
    );
  let mc: bigint;
  try {
    mc = f.rd_kafka_mock_cluster_new!(rk, opts.brokers) as bigint;
  } catch (e) {
    f.rd_kafka_destroy!(rk);
    throw new TraceError(
      `this librdkafka has no mock cluster (${(e as Error).message.split('\n')[0]}): use a librdkafka built with it (every release since 1.4 is)`,
    );
  }
  if (!mc) {
    f.rd_kafka_destroy!(rk);
    throw new TraceError(
      'rd_kafka_mock_cluster_new failed: this librdkafka may be built without the mock cluster',
    );
  }
  const bootstrap = String(f.rd_kafka_mock_cluster_bootstraps!(mc));
  let stopped = false;
  return {
    bootstrap,
    brokers: opts.brokers,
    version: String(f.rd_kafka_version_str!()),
    stop() {
      if (stopped) return;
      stopped = true;
      f.rd_kafka_mock_cluster_destroy!(mc);
      f.rd_kafka_destroy!(rk);
    },
  };
}
