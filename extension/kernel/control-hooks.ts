// What the control room (control-room.ts) hears from the kernel's parts: a file of its own, so the parts
// that call it (mock-cluster.ts, the interceptors) and the room need not import each other.
/** Set once the room exists (Runtime.setControlRoom). */
export interface ControlRoomHooks {
  mockStarted(mc: bigint, bootstraps: string, brokers: number): void;
  mockStopping(): void;
  /** Just before rd_kafka_new(conf): the conf's properties, for handleCreated. */
  dumpConf(conf: bigint): Record<string, string> | null;
  handleCreated(name: string, kind: 'producer' | 'consumer', dump: Record<string, string> | null): void;
  /** Runs a cell's rd_kafka_mock_* call (`call`), around which the room may keep its thread off the cluster. */
  cellMockCall<T>(fn: string, call: () => T): T;
  /** A cell called an rd_kafka_mock_* function. */
  cellCall(fn: string, args: readonly unknown[], result: unknown): void;
}
