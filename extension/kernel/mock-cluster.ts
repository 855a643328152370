// The embedded mock cluster (rdkafka_mock.h): started on first use of BOOTSTRAP or MOCK_CLUSTER when the
// kernel runs against "mock", on a producer handle of its own, and destroyed after every cell handle.
import type { Fn } from './load.ts';
import type { ControlRoomHooks } from './control-hooks.ts';

export interface MockClusterDeps {
  /** "mock", or the configured cluster's bootstrap servers. */
  bootstrap: string;
  /** The unwrapped C function (the bindings', or fallbacks.ts's for rdkafka_mock.h). */
  native: (name: string) => Fn;
  producerType: number;
  /** Told when the cluster starts and before it is destroyed (the control thread uses it). */
  control?: { room: ControlRoomHooks | null };
}

export class MockCluster {
  private mock: { rk: bigint; mc: bigint; bootstraps: string } | null = null;

  constructor(private d: MockClusterDeps) {}

  get enabled(): boolean {
    return this.d.bootstrap === 'mock';
  }

  get started(): boolean {
    return this.mock !== null;
  }

  /** BOOTSTRAP: the configured cluster, or the embedded mock cluster started on first use. */
  bootstrap(): string {
    if (!this.enabled) return this.d.bootstrap;
    return (this.mock ??= this.start()).bootstraps;
  }

  /** MOCK_CLUSTER: the rd_kafka_mock_cluster_t * (started on first use), null on a real cluster. */
  cluster(): bigint | null {
    if (!this.enabled) return null;
    return (this.mock ??= this.start()).mc;
  }

  private start(): { rk: bigint; mc: bigint; bootstraps: string } {
    const f = this.d.native;
    const conf = f('rd_kafka_conf_new')();
    const err = Buffer.alloc(512);
    f('rd_kafka_conf_set')(conf, 'log_level', '3', err, err.length);
    f('rd_kafka_conf_set')(conf, 'client.id', 'rdkafka-workbench-mock', err, err.length);
    const rk = f('rd_kafka_new')(this.d.producerType, conf, err, err.length) as bigint;
    if (!rk)
      throw new Error(
        `could not create the mock cluster's handle: ${err.toString('utf8').replace(/\0.*$/s, '')}`,
      );
    const mc = f('rd_kafka_mock_cluster_new')(rk, 3) as bigint;
    if (!mc)
      throw new Error(
        'rd_kafka_mock_cluster_new failed: this librdkafka may be built without the mock cluster',
      );
    const bootstraps = String(f('rd_kafka_mock_cluster_bootstraps')(mc));
    this.d.control?.room?.mockStarted(mc, bootstraps, 3);
    return { rk, mc, bootstraps };
  }

  destroy(): void {
    if (!this.mock) return;
    this.d.control?.room?.mockStopping();
    this.d.native('rd_kafka_mock_cluster_destroy')(this.mock.mc);
    this.d.native('rd_kafka_destroy')(this.mock.rk);
    this.mock = null;
  }
}
