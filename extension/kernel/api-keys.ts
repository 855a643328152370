// Kafka API key names (Produce 0, Fetch 1, …) for `request` events and the fault bar's picker. They come
// from the RD_KAFKAP_* defines of rdkafka_protocol.h beside the header in use (a built version keeps it in
// its include/ folder); this list is the one fallback, for a librdkafka whose source is not at hand (the
// system's package ships no rdkafka_protocol.h). test/unit/control-room.test.ts holds it equal to the
// 2.15.1 file.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** RD_KAFKAP_* of librdkafka 2.15.1's src/rdkafka_protocol.h (None, _NUM and RPC_VERSION_MAX left out). */
export const FALLBACK_API_KEYS: readonly [name: string, key: number][] = [
  ['Produce', 0],
  ['Fetch', 1],
  ['ListOffsets', 2],
  ['Metadata', 3],
  ['LeaderAndIsr', 4],
  ['StopReplica', 5],
  ['UpdateMetadata', 6],
  ['ControlledShutdown', 7],
  ['OffsetCommit', 8],
  ['OffsetFetch', 9],
  ['FindCoordinator', 10],
  ['JoinGroup', 11],
  ['Heartbeat', 12],
  ['LeaveGroup', 13],
  ['SyncGroup', 14],
  ['DescribeGroups', 15],
  ['ListGroups', 16],
  ['SaslHandshake', 17],
  ['ApiVersion', 18],
  ['CreateTopics', 19],
  ['DeleteTopics', 20],
  ['DeleteRecords', 21],
  ['InitProducerId', 22],
  ['OffsetForLeaderEpoch', 23],
  ['AddPartitionsToTxn', 24],
  ['AddOffsetsToTxn', 25],
  ['EndTxn', 26],
  ['WriteTxnMarkers', 27],
  ['TxnOffsetCommit', 28],
  ['DescribeAcls', 29],
  ['CreateAcls', 30],
  ['DeleteAcls', 31],
  ['DescribeConfigs', 32],
  ['AlterConfigs', 33],
  ['AlterReplicaLogDirs', 34],
  ['DescribeLogDirs', 35],
  ['SaslAuthenticate', 36],
  ['CreatePartitions', 37],
  ['CreateDelegationToken', 38],
  ['RenewDelegationToken', 39],
  ['ExpireDelegationToken', 40],
  ['DescribeDelegationToken', 41],
  ['DeleteGroups', 42],
  ['ElectLeaders', 43],
  ['IncrementalAlterConfigs', 44],
  ['AlterPartitionReassignments', 45],
  ['ListPartitionReassignments', 46],
  ['OffsetDelete', 47],
  ['DescribeClientQuotas', 48],
  ['AlterClientQuotas', 49],
  ['DescribeUserScramCredentials', 50],
  ['AlterUserScramCredentials', 51],
  ['Vote', 52],
  ['BeginQuorumEpoch', 53],
  ['EndQuorumEpoch', 54],
  ['DescribeQuorum', 55],
  ['AlterIsr', 56],
  ['UpdateFeatures', 57],
  ['Envelope', 58],
  ['FetchSnapshot', 59],
  ['DescribeCluster', 60],
  ['DescribeProducers', 61],
  ['BrokerHeartbeat', 63],
  ['UnregisterBroker', 64],
  ['DescribeTransactions', 65],
  ['ListTransactions', 66],
  ['AllocateProducerIds', 67],
  ['ConsumerGroupHeartbeat', 68],
  ['ConsumerGroupDescribe', 69],
  ['ControllerRegistration', 70],
  ['GetTelemetrySubscriptions', 71],
  ['PushTelemetry', 72],
  ['AssignReplicasToDirs', 73],
  ['ShareGroupHeartbeat', 76],
  ['ShareGroupDescribe', 77],
  ['ShareFetch', 78],
  ['ShareAcknowledge', 79],
];

/** The API keys a rdkafka_protocol.h defines. */
export function parseApiKeys(text: string): [name: string, key: number][] {
  const out: [string, number][] = [];
  for (const m of text.matchAll(/^#define\s+RD_KAFKAP_([A-Za-z][A-Za-z0-9]*)\s+(\d+)\s*$/gm))
    out.push([m[1]!, Number(m[2])]);
  return out;
}

/**
 * rdkafka_protocol.h beside one of `headers` (the version's include/ folder) or in a librdkafka source
 * tree's src/ above it; null when none is there.
 */
export function findProtocolHeader(headers: readonly string[]): string | null {
  for (const h of headers) {
    for (const candidate of [
      join(dirname(h), 'rdkafka_protocol.h'),
      join(dirname(h), '..', 'src', 'rdkafka_protocol.h'),
    ])
      if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** API key names for the header in use, and where they came from. */
export function apiKeysFor(headers: readonly string[]): { keys: [string, number][]; source: string } {
  const file = findProtocolHeader(headers);
  if (file) {
    try {
      const keys = parseApiKeys(readFileSync(file, 'utf8'));
      if (keys.length) return { keys, source: file };
    } catch {
      // unreadable: the fallback below
    }
  }
  return { keys: [...FALLBACK_API_KEYS], source: 'the built-in list (librdkafka 2.15.1)' };
}
