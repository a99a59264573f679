// Memory of the browser from the outside (bench/ui.ts): measureUserAgentSpecificMemory needs
// cross-origin isolation, which the plugin window lacks, so the bench sums the resident set of
// every Chromium process this bench started (descendants of this Node process), from /proc.
// Shared pages count once per process: use differences between two moments, not the total.
import { readdirSync, readFileSync } from 'node:fs';

/** Sum of VmRSS over this process's descendants whose name looks like Chromium, MiB. */
export function chromiumRssMiB(): number {
  const parent = new Map<number, number>();
  const name = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
      const close = stat.lastIndexOf(')');
      name.set(pid, stat.slice(stat.indexOf('(') + 1, close));
      parent.set(pid, Number(stat.slice(close + 2).split(' ')[1]));
    } catch {
      // the process ended while listing
    }
  }
  const ours = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === process.pid) return true;
    return false;
  };
  let kib = 0;
  for (const [pid, comm] of name) {
    if (!/chrom/i.test(comm) || !ours(pid)) continue;
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) kib += Number(m[1]);
    } catch {
      // ended
    }
  }
  return Math.round(kib / 1024);
}
