import { ConfigError, loadConfig, usage } from './config';
import { createLogger } from './logger';
import { startSimulator } from './simulator';

/** `node -r @swc-node/register apps/simulator/src/main.ts [flags]`; SIGTERM/SIGINT stop it cleanly. */
async function main(argv: string[]): Promise<void> {
  const logger = createLogger();
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  let config;
  try {
    config = loadConfig(argv);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    logger.error(`invalid configuration: ${error.message}`);
    process.exitCode = 2;
    return;
  }
  const simulator = await startSimulator(config, { logger });
  const shutdown = (reason: string) => {
    logger.info('stopping', { reason });
    simulator.stop().then(
      () => process.exit(process.exitCode ?? 0),
      (error: unknown) => {
        logger.error('stop failed', { error });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));

  const failed = (part: string) => (error: unknown) => {
    logger.error(`${part} failed`, { error });
    process.exitCode = 1;
    shutdown(`${part} failed`);
  };
  simulator.wms?.done.catch(failed('wms'));
  // With no WMS to keep answering, a finished ERP is the end of the run.
  simulator.erp?.done.then(() => {
    if (!simulator.wms && simulator.erp?.progress.finished) shutdown('erp finished');
  }, failed('erp'));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  createLogger().error('simulator failed to start', { error });
  process.exit(1);
});
