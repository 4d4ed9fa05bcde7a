/**
 * Turns one structured JSON log line of an app into a readable terminal line. Lines that are
 * not JSON (a stack trace, a JVM warning) pass through unchanged.
 */
export function readableLogLine(source: string, line: string, color = true): string {
  const paint = (code: number, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const label = paint(36, `[${source}]`);
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return `${label} ${line}`;
  }
  if (typeof entry !== 'object' || entry === null) return `${label} ${line}`;
  const { time, timestamp, level, msg, message, service: _service, pid: _pid, hostname: _host, ...rest } = entry;
  const at = String(time ?? timestamp ?? '');
  const clock = /T(\d{2}:\d{2}:\d{2})/.exec(at)?.[1] ?? '';
  const levelText = String(level ?? 'info').toUpperCase().padEnd(5);
  const levelColor = /ERROR|FATAL/.test(levelText) ? 31 : /WARN/.test(levelText) ? 33 : 32;
  const extras = Object.entries(rest)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' ');
  return `${label} ${clock} ${paint(levelColor, levelText)} ${String(msg ?? message ?? '')}${extras ? ` ${paint(90, extras)}` : ''}`;
}
