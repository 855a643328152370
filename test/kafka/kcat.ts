// kcat (Debian's package, librdkafka's own CLI) as the independent client that checks the workbench's work.
import { execFile } from 'node:child_process';

export interface Record_ {
  partition: number;
  offset: number;
  key: string;
  value: string;
}

function kcat(args: string[], input?: string, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'kcat',
      args,
      { timeout: timeoutMs, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`kcat ${args.join(' ')} failed: ${err.message}\n${String(stderr).trim()}`));
        else resolve(String(stdout));
      },
    );
    if (input !== undefined) child.stdin!.end(input);
  });
}

/** Produces `key<TAB>value` records (no tabs or newlines inside) and waits for their acks. */
export async function kcatProduce(
  bootstrap: string,
  topic: string,
  records: { key: string; value: string }[],
  partition?: number,
): Promise<void> {
  const args = ['-P', '-b', bootstrap, '-t', topic, '-K', '\t', '-X', 'acks=all'];
  if (partition !== undefined) args.push('-p', String(partition));
  await kcat(args, records.map((r) => `${r.key}\t${r.value}\n`).join(''));
}

/**
 * Everything in `topic` from the beginning to the current end of every partition, ordered by partition
 * and offset. `isolation` read_committed hides aborted transactional messages (and control records).
 */
export async function kcatConsume(
  bootstrap: string,
  topic: string,
  isolation: 'read_committed' | 'read_uncommitted' = 'read_uncommitted',
): Promise<Record_[]> {
  const out = await kcat([
    '-C',
    '-b',
    bootstrap,
    '-t',
    topic,
    '-o',
    'beginning',
    '-e',
    '-q',
    '-X',
    `isolation.level=${isolation}`,
    '-f',
    '%p\t%o\t%k\t%s\n',
  ]);
  return out
    .split('\n')
    .filter((l) => l)
    .map((l) => {
      const [p, o, k, ...v] = l.split('\t');
      return { partition: Number(p), offset: Number(o), key: k ?? '', value: v.join('\t') };
    })
    .sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

/** Partition count of a topic (0 when it does not exist), without auto-creating it. */
export async function kcatPartitions(bootstrap: string, topic: string): Promise<number> {
  return (await allTopics(bootstrap)).get(topic) ?? 0;
}

/** Every topic the broker knows, with its partition count. */
export async function allTopics(bootstrap: string): Promise<Map<string, number>> {
  const md = JSON.parse(await kcat(['-L', '-b', bootstrap, '-J'])) as {
    topics?: { topic: string; partitions?: unknown[]; error?: string }[];
  };
  return new Map((md.topics ?? []).filter((t) => !t.error).map((t) => [t.topic, t.partitions?.length ?? 0]));
}
