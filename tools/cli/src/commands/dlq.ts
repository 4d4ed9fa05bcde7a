import { connectionSettings } from '@lading/infra';
import {
  createJsonLogger,
  createKafkaClient,
  deadLetterTopicOf,
  readDeadLetters,
  redriveDeadLetters,
  type DeadLetter,
  type DeadLetterFilter,
} from '@lading/messaging';
import type { CommandGroup } from '../main';

const usage = `usage: npm run lading -- dlq <list|show|redrive> <topic> [options]
  <topic>            the source topic (its dead letters are in <topic>.dlq) or the .dlq topic itself
  --type <name>      record type, e.g. com.lading.tms.v1.ShipmentScanned
  --tenant <id>      tenant id
  --group <id>       consumer group that dead-lettered it
  --event <id>       event id
  --since <time>     dead-lettered at or after (ISO-8601 or epoch ms)
  --until <time>     dead-lettered before
  --partition <n> --offset <n>   one message (show)
  --limit <n>        list at most n (default 50)
  --target <topic>   redrive: publish there instead of the original topic
  --dry-run          redrive: only print what would be re-driven
  --without-parked   leave out the messages dead-lettered because they were parked behind a
                     selected one (by default they come with it, in their order)
Re-driven messages keep their key, value bytes and headers (so the same meta.eventId): consumers'
inboxes skip an event they already applied, so a re-drive never doubles an effect.`;

interface Parsed {
  command: string;
  topic: string;
  filter: DeadLetterFilter;
  limit: number;
  target?: string;
  dryRun: boolean;
}

function parseTime(value: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`not a time: ${value}`);
  return ms;
}

export function parseDlqArgs(args: string[]): Parsed {
  const [command, topic, ...rest] = args;
  if (!command || !['list', 'show', 'redrive'].includes(command)) throw new Error(`unknown command: ${command ?? '(none)'}`);
  if (!topic) throw new Error('missing <topic>');
  const filter: DeadLetterFilter = {};
  let limit = 50;
  let target: string | undefined;
  let dryRun = false;
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const value = () => {
      const v = rest[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--type': filter.recordType = value(); break;
      case '--tenant': filter.tenantId = value(); break;
      case '--group': filter.consumerGroup = value(); break;
      case '--event': filter.eventId = value(); break;
      case '--since': filter.since = parseTime(value()); break;
      case '--until': filter.until = parseTime(value()); break;
      case '--partition': filter.partition = Number(value()); break;
      case '--offset': filter.offset = value(); break;
      case '--limit': limit = Number(value()); break;
      case '--target': target = value(); break;
      case '--dry-run': dryRun = true; break;
      case '--without-parked': filter.withParkedBehind = false; break;
      default: throw new Error(`unknown option ${flag}`);
    }
  }
  return { command, topic, filter, limit, target, dryRun };
}

function summary(l: DeadLetter): string {
  return [
    `${l.partition}/${l.offset}`,
    l.deadLetteredAt,
    l.recordType ?? '?',
    `tenant=${l.tenantId ?? '?'}`,
    `event=${l.eventId ?? '?'}`,
    `group=${l.consumerGroup ?? '?'}`,
    `${l.errorClass ?? '?'}/${l.errorCode ?? '?'}`,
    `attempts=${l.attempts ?? '?'}`,
    ...(l.parkedBehind ? [`parked-behind=${l.parkedBehind}`] : []),
    JSON.stringify(l.errorMessage ?? ''),
  ].join('  ');
}

export const dlqCommands: CommandGroup = {
  name: 'dlq',
  summary: 'list, show and re-drive dead-lettered messages',
  usage,
  async run(args, out) {
    const parsed = parseDlqArgs(args);
    const dlqTopic = parsed.topic.endsWith('.dlq') ? parsed.topic : deadLetterTopicOf(parsed.topic);
    const { kafkaBrokers } = connectionSettings();
    const kafka = createKafkaClient({ clientId: 'lading-cli', brokers: kafkaBrokers, logger: createJsonLogger({ level: 'error' }), logLevel: 'error' });
    const letters = await readDeadLetters(kafka, dlqTopic, parsed.filter);
    switch (parsed.command) {
      case 'list':
        out(`${letters.length} dead letter(s) in ${dlqTopic}${letters.length > parsed.limit ? `, showing ${parsed.limit}` : ''}`);
        for (const l of letters.slice(0, parsed.limit)) out(summary(l));
        return 0;
      case 'show':
        if (letters.length === 0) {
          out(`no matching dead letter in ${dlqTopic}`);
          return 1;
        }
        for (const l of letters.slice(0, parsed.limit)) {
          out(
            JSON.stringify(
              {
                ...l,
                key: l.key?.toString() ?? null,
                value: l.value?.toString('base64') ?? null,
                valueBytes: l.value?.length ?? 0,
                headers: Object.fromEntries(Object.entries(l.headers).map(([k, v]) => [k, v?.toString()])),
              },
              null,
              2,
            ),
          );
        }
        return 0;
      case 'redrive': {
        if (letters.length === 0) {
          out(`nothing to re-drive in ${dlqTopic}`);
          return 0;
        }
        for (const l of letters) out(`${parsed.dryRun ? 'would re-drive' : 're-drive'} ${summary(l)} -> ${parsed.target ?? l.originalTopic}`);
        if (parsed.dryRun) return 0;
        const sent = await redriveDeadLetters(kafka, letters, { target: parsed.target });
        for (const s of sent) out(`re-drove ${s.count} message(s) to ${s.topic}`);
        return 0;
      }
    }
    return 2;
  },
};
