import { commandGroups } from './commands';

/** One group of operator commands, e.g. `dlq` with list/show/redrive. */
export interface CommandGroup {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], out: (line: string) => void): Promise<number>;
}

export async function main(argv: string[]): Promise<void> {
  const [groupName, ...args] = argv;
  const group = commandGroups.find((g) => g.name === groupName);
  if (!group) {
    process.stdout.write(
      `usage: npm run lading -- <group> <command> [options]\n\n${commandGroups
        .map((g) => `  ${g.name.padEnd(12)} ${g.summary}`)
        .join('\n')}\n`,
    );
    process.exitCode = groupName ? 2 : 0;
    return;
  }
  try {
    process.exitCode = await group.run(args, (line) => process.stdout.write(`${line}\n`));
  } catch (error) {
    process.stderr.write(`lading ${group.name}: ${(error as Error).message}\n${group.usage}\n`);
    process.exitCode = 1;
  }
}
