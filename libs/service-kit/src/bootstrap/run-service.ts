import { ConfigError } from '../config/settings';
import type { ServiceDefinition } from './service-definition';
import { startService } from './start-service';

/**
 * `if (require.main === module) runService(definition)`: starts the service from the
 * environment; a bad variable exits 2 with a message naming it, a failed start exits 1 with a
 * JSON log line; SIGTERM/SIGINT drain (the in-flight unit commits, offsets are committed, the
 * member leaves the group) and exit 0.
 */
export function runService<Settings>(definition: ServiceDefinition<Settings>): void {
  startService(definition).then(
    (running) => {
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        process.once(signal, () => void running.stop().then(() => process.exit(0), () => process.exit(1)));
      }
    },
    (error) => {
      if (error instanceof ConfigError) {
        process.stderr.write(`${definition.name}: ${error.message}\n`);
        process.exit(2);
      }
      process.stderr.write(`${JSON.stringify({ level: 'error', time: new Date().toISOString(), service: definition.name, msg: 'failed to start', error: String(error?.stack ?? error) })}\n`);
      process.exit(1);
    },
  );
}
