// Following an --events file (one KernelEvent per JSON line) as `rdkafka-workbench trace` writes it: the
// events come in batches as lines are completed. Lines that are not events are skipped.
import type { KernelEvent } from '../protocol/index.ts';
import { tailFile, type Tail } from './tail.ts';

/** The librdkafka a traced run's events say it ran on: its first handle's (null before one is created). */
export function librdkafkaOf(events: readonly KernelEvent[]): string | null {
  for (const e of events) if (e.type === 'handle_created' && e.data.librdkafka) return e.data.librdkafka;
  return null;
}

export function followEventsFile(
  path: string,
  onEvents: (events: KernelEvent[]) => void,
  intervalMs = 100,
): Tail {
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  return tailFile(
    path,
    (chunk) => {
      const lines = (rest + decoder.decode(chunk, { stream: true })).split('\n');
      rest = lines.pop() ?? '';
      const events: KernelEvent[] = [];
      for (const line of lines) {
        if (!line.trim()) continue;
        try {
          const e = JSON.parse(line) as KernelEvent;
          if (e && typeof e === 'object' && typeof e.type === 'string') events.push(e);
        } catch {
          // not an event line: skipped
        }
      }
      if (events.length) onEvents(events);
    },
    intervalMs,
  );
}
