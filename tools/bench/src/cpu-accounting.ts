import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/*
 * Where the CPU of a benchmark phase went, by component (the app, PostgreSQL, the Kafka broker,
 * the bench itself, ...), read from /proc before and after the phase. On a shared 2-core machine
 * a rate is only as good as the CPU left for it: this says what each record or order cost every
 * process on the machine, and whether the machine was saturated. Linux only; elsewhere every
 * reading is undefined and the suites report no CPU figures.
 */

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on every Linux we run on). */
const TICKS_PER_SECOND = 100;

export interface CpuReading {
  /** CPU milliseconds used so far, by component (processes alive at the reading) */
  byComponent: Map<string, number>;
  /** the whole machine, from /proc/stat: busy and total jiffies over all cores */
  machine: { busy: number; total: number };
}

/** Names the component a process belongs to, or undefined for the machine's other processes. */
export type Classify = (pid: number, commandLine: string, name: string) => string | undefined;

/** The usual components of a Lading benchmark: pass the pids the suite started itself. */
export function classifyLadingProcesses(own: ReadonlyMap<number, string>): Classify {
  return (pid, commandLine, name) => {
    const mine = own.get(pid);
    if (mine) return mine;
    if (pid === process.pid) return 'bench';
    if (commandLine.includes('kafka.Kafka')) return 'kafka_broker';
    if (commandLine.includes('quarkus-run.jar') || commandLine.includes('apicurio')) return 'schema_registry';
    if (name === 'postgres' || commandLine.startsWith('postgres')) return 'postgresql';
    return undefined;
  };
}

const commandLines = new Map<number, string>();

function commandLineOf(pid: number): string {
  let line = commandLines.get(pid);
  if (line === undefined) {
    try {
      line = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      line = '';
    }
    commandLines.set(pid, line);
  }
  return line;
}

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces), and that name. */
function statOf(pid: number): { name: string; fields: string[] } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // exited, or no /proc
  }
  const close = stat.lastIndexOf(')');
  return { name: stat.slice(stat.indexOf('(') + 1, close), fields: stat.slice(close + 2).split(' ') };
}

/** CPU milliseconds (user + system) one process used so far; undefined when it is gone or there is no /proc. */
export function processCpuMs(pid: number | undefined): number | undefined {
  const stat = pid === undefined ? undefined : statOf(pid);
  return stat && ((Number(stat.fields[11]) + Number(stat.fields[12])) * 1000) / TICKS_PER_SECOND;
}

export function readCpu(classify: Classify): CpuReading | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return undefined;
  }
  const byComponent = new Map<string, number>();
  for (const entry of pids) {
    const pid = Number(entry);
    const stat = statOf(pid);
    if (!stat) continue; // exited meanwhile
    const component = classify(pid, commandLineOf(pid), stat.name) ?? 'other';
    const ms = ((Number(stat.fields[11]) + Number(stat.fields[12])) * 1000) / TICKS_PER_SECOND;
    byComponent.set(component, (byComponent.get(component) ?? 0) + ms);
  }
  const cpuLine = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: idle and iowait are not busy
  const total = cpuLine.slice(0, 8).reduce((a, b) => a + b, 0);
  const busy = total - cpuLine[3] - cpuLine[4];
  return { byComponent, machine: { busy, total } };
}

export interface CpuUse {
  /** CPU milliseconds per unit (record or order) of each component, and of all of them */
  ms_per_unit: Record<string, number>;
  /** share of the whole machine (all cores) that was busy during the phase */
  machine_busy_share: number;
  cores: number;
  /**
   * The rate at which every core would be busy with this work alone (cores / CPU per unit):
   * the most this machine can do with the work as it is, whatever runs in parallel.
   */
  cpu_bound_units_per_sec: number;
}

/**
 * CPU used between two readings per unit of work. Processes that started or ended between the
 * readings count only with what they used while alive at both (the suites start their processes
 * before the first reading and stop them after the second).
 */
export function cpuUse(before: CpuReading | undefined, after: CpuReading | undefined, units: number): CpuUse | undefined {
  if (!before || !after || units <= 0) return undefined;
  const msPerUnit: Record<string, number> = {};
  let sum = 0;
  for (const [component, ms] of after.byComponent) {
    const used = Math.max(0, ms - (before.byComponent.get(component) ?? ms));
    sum += used;
    msPerUnit[component] = round3(used / units);
  }
  msPerUnit.all = round3(sum / units);
  const cores = cpus().length;
  const total = after.machine.total - before.machine.total;
  return {
    ms_per_unit: msPerUnit,
    machine_busy_share: total > 0 ? round3((after.machine.busy - before.machine.busy) / total) : 0,
    cores,
    cpu_bound_units_per_sec: sum > 0 ? Math.round((cores * 1000) / (sum / units)) : 0,
  };
}

/** One line for the progress log: `app 0.41, postgresql 0.22, ... all 1.10 ms per order; machine 97% busy`. */
export function describeCpuUse(use: CpuUse | undefined, unit: string): string {
  if (!use) return 'CPU per component: not available (no /proc)';
  const parts = Object.entries(use.ms_per_unit)
    .filter(([component]) => component !== 'all')
    .sort((a, b) => b[1] - a[1])
    .map(([component, ms]) => `${component} ${ms.toFixed(3)}`);
  return `CPU ms per ${unit}: ${parts.join(', ')}; all ${use.ms_per_unit.all.toFixed(3)}; machine ${Math.round(use.machine_busy_share * 100)}% busy (${use.cores} cores) → CPU-bound at ${use.cpu_bound_units_per_sec} ${unit}s/s`;
}

const round3 = (n: number) => Number(n.toFixed(3));
