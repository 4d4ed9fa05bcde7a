import { DEFAULT_EVENT_STORE_SCHEMA, migrateEventStore } from '@lading/event-store';
import type { CommandGroup } from '../main';

const usage = `usage: npm run lading -- event-store migrate [--schema <name>]
env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/lading), EVENT_STORE_SCHEMA`;

/** `event-store migrate`: runs the event store's TypeORM migrations into a schema. */
export const eventStoreCommand: CommandGroup = {
  name: 'event-store',
  summary: 'migrate the event-store schema',
  usage,
  async run(args, out) {
    if (args[0] !== 'migrate') {
      out(usage);
      return args[0] ? 2 : 0;
    }
    const at = args.indexOf('--schema');
    const schema = (at > 0 ? args[at + 1] : undefined) ?? process.env.EVENT_STORE_SCHEMA ?? DEFAULT_EVENT_STORE_SCHEMA;
    const ran = await migrateEventStore({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/lading', schema });
    out(ran.length ? `${schema}: ran ${ran.join(', ')}` : `${schema}: up to date`);
    return 0;
  },
};
