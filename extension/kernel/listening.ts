// The TCP ports this process listens on (the mock cluster's brokers, the inspector, a server a cell
// started), read from Linux's /proc: the sockets among our file descriptors that are in LISTEN state. So the
// editor can keep them out of its port forwarding. Elsewhere (no /proc) the list is empty.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/** Ports in LISTEN state (st 0A) among the lines of /proc/net/tcp{,6} whose socket inode is in `inodes`. */
export function listeningIn(tables: string[], inodes: Set<string>): number[] {
  const ports = new Set<number>();
  for (const table of tables)
    for (const line of table.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      if (f.length < 10 || f[3] !== '0A' || !inodes.has(f[9]!)) continue;
      const port = parseInt(f[1]!.split(':')[1] ?? '', 16);
      if (port > 0) ports.add(port);
    }
  return [...ports].sort((a, b) => a - b);
}

/** This process's listening TCP ports. */
export function listeningPorts(): number[] {
  try {
    const inodes = new Set<string>();
    for (const fd of readdirSync('/proc/self/fd')) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
        if (m) inodes.add(m[1]!);
      } catch {
        // closed while we looked
      }
    }
    const tables = ['/proc/self/net/tcp', '/proc/self/net/tcp6'].map((p) => {
      try {
        return readFileSync(p, 'utf8');
      } catch {
        return '';
      }
    });
    return listeningIn(tables, inodes);
  } catch {
    return [];
  }
}
