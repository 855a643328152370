// The one place where the kernel types librdkafka facts by hand. Everything here is read from the model
// of the header in use first (facts.ts); these values only stand in when a model lacks them (bindings
// generated without rdkafka_mock.h, or by an older generator). test/unit/kernel-fallbacks.test.ts holds
// every value equal to what the generator reads from each header the tests use (2.0.2, 2.12.0, 2.15.1).

/** Integer constants (enumerators and object-like macros) the kernel and its helpers use, by C name. */
export const CONSTANTS = {
  RD_KAFKA_PRODUCER: 0,
  RD_KAFKA_CONSUMER: 1,
  RD_KAFKA_RESP_ERR_NO_ERROR: 0,
  RD_KAFKA_RESP_ERR__FATAL: -150,
  RD_KAFKA_RESP_ERR__NOENT: -156,
  RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS: -174,
  RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS: -175,
  RD_KAFKA_RESP_ERR__QUEUE_FULL: -184,
  RD_KAFKA_EVENT_DR: 0x1,
  RD_KAFKA_EVENT_FETCH: 0x2,
  RD_KAFKA_EVENT_LOG: 0x4,
  RD_KAFKA_EVENT_ERROR: 0x8,
  RD_KAFKA_EVENT_REBALANCE: 0x10,
  RD_KAFKA_EVENT_OFFSET_COMMIT: 0x20,
  RD_KAFKA_EVENT_STATS: 0x40,
  RD_KAFKA_MSG_F_FREE: 0x1,
  RD_KAFKA_MSG_F_COPY: 0x2,
  RD_KAFKA_MSG_F_BLOCK: 0x4,
  RD_KAFKA_OFFSET_TAIL_BASE: -2000,
  RD_KAFKA_VTYPE_END: 0,
  RD_KAFKA_VTYPE_TOPIC: 1,
  RD_KAFKA_VTYPE_RKT: 2,
  RD_KAFKA_VTYPE_PARTITION: 3,
  RD_KAFKA_VTYPE_VALUE: 4,
  RD_KAFKA_VTYPE_KEY: 5,
  RD_KAFKA_VTYPE_OPAQUE: 6,
  RD_KAFKA_VTYPE_MSGFLAGS: 7,
  RD_KAFKA_VTYPE_TIMESTAMP: 8,
  RD_KAFKA_VTYPE_HEADER: 9,
  RD_KAFKA_VTYPE_HEADERS: 10,
} as const;

export type ConstantName = keyof typeof CONSTANTS;

/** Layouts (x86-64/arm64) of the public structs the kernel reads field by field: size and offsets. */
export const STRUCTS = {
  rd_kafka_message_t: {
    size: 72,
    offsets: {
      err: 0,
      rkt: 8,
      partition: 16,
      payload: 24,
      len: 32,
      key: 40,
      key_len: 48,
      offset: 56,
      _private: 64,
    },
  },
  rd_kafka_topic_partition_t: {
    size: 64,
    offsets: {
      topic: 0,
      partition: 8,
      offset: 16,
      metadata: 24,
      metadata_size: 32,
      opaque: 40,
      err: 48,
      _private: 56,
    },
  },
  rd_kafka_topic_partition_list_t: { size: 16, offsets: { cnt: 0, size: 4, elems: 8 } },
} as const;

export type StructName = keyof typeof STRUCTS;

export interface FallbackFunction {
  returns: string;
  params: Array<{ type: string; name: string }>;
}

/**
 * rdkafka_mock.h functions the kernel itself calls (the embedded cluster) or always offers cells, spelled as
 * the generator spells them. Bound from these when the bindings were generated without rdkafka_mock.h;
 * pointer types the bindings do not declare are passed as `void *`.
 */
export const FUNCTIONS: Record<string, FallbackFunction> = {
  rd_kafka_mock_cluster_new: {
    returns: 'rd_kafka_mock_cluster_t *',
    params: [
      { type: 'rd_kafka_t *', name: 'rk' },
      { type: 'int', name: 'broker_cnt' },
    ],
  },
  rd_kafka_mock_cluster_bootstraps: {
    returns: 'const char *',
    params: [{ type: 'const rd_kafka_mock_cluster_t *', name: 'mcluster' }],
  },
  rd_kafka_mock_cluster_destroy: {
    returns: 'void',
    params: [{ type: 'rd_kafka_mock_cluster_t *', name: 'mcluster' }],
  },
  rd_kafka_mock_topic_create: {
    returns: 'rd_kafka_resp_err_t',
    params: [
      { type: 'rd_kafka_mock_cluster_t *', name: 'mcluster' },
      { type: 'const char *', name: 'topic' },
      { type: 'int', name: 'partition_cnt' },
      { type: 'int', name: 'replication_factor' },
    ],
  },
  rd_kafka_mock_broker_set_down: {
    returns: 'rd_kafka_resp_err_t',
    params: [
      { type: 'rd_kafka_mock_cluster_t *', name: 'mcluster' },
      { type: 'int32_t', name: 'broker_id' },
    ],
  },
  rd_kafka_mock_broker_set_up: {
    returns: 'rd_kafka_resp_err_t',
    params: [
      { type: 'rd_kafka_mock_cluster_t *', name: 'mcluster' },
      { type: 'int32_t', name: 'broker_id' },
    ],
  },
  rd_kafka_mock_partition_set_leader: {
    returns: 'rd_kafka_resp_err_t',
    params: [
      { type: 'rd_kafka_mock_cluster_t *', name: 'mcluster' },
      { type: 'const char *', name: 'topic' },
      { type: 'int32_t', name: 'partition' },
      { type: 'int32_t', name: 'broker_id' },
    ],
  },
};

/**
 * When a call can block although it has no `timeout_ms` parameter (every call with a non-zero
 * `timeout_ms` can: that rule comes from the model): always, or while one of its parameters (by name in the
 * header) is 0, NULL, or has a flag set. Functions a header lacks are ignored.
 */
export type BlockingWhen =
  'always' | { param: string; is: 0 | null } | { param: string; hasFlag: ConstantName };

export const BLOCKING_CALLS: Record<string, BlockingWhen> = {
  rd_kafka_consumer_close: 'always',
  rd_kafka_destroy: 'always',
  rd_kafka_destroy_flags: 'always',
  rd_kafka_share_consumer_close: 'always',
  rd_kafka_share_destroy: 'always',
  rd_kafka_share_destroy_flags: 'always',
  rd_kafka_mock_cluster_destroy: 'always',
  rd_kafka_commit: { param: 'async', is: 0 },
  rd_kafka_commit_message: { param: 'async', is: 0 },
  // A NULL queue: the commit waits for its result and serves the callback itself.
  rd_kafka_commit_queue: { param: 'rkqu', is: null },
  // RD_KAFKA_MSG_F_BLOCK waits for room in a full queue.
  rd_kafka_produce: { param: 'msgflags', hasFlag: 'RD_KAFKA_MSG_F_BLOCK' },
  rd_kafka_produce_batch: { param: 'msgflags', hasFlag: 'RD_KAFKA_MSG_F_BLOCK' },
};

/** Functions with a `timeout_ms` parameter that only store it (options setters): they never block. */
export const NOT_BLOCKING: readonly string[] = [
  'rd_kafka_AdminOptions_set_request_timeout',
  'rd_kafka_AdminOptions_set_operation_timeout',
];
