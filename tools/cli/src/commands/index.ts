import type { CommandGroup } from '../main';
import { dlqCommands } from './dlq';
import { eventStoreCommand } from './event-store';
import { projectionsCommand } from './projections';
import { relayCommands } from './relay';

/** Every command group of `npm run lading -- <group>`. */
export const commandGroups: CommandGroup[] = [dlqCommands, eventStoreCommand, projectionsCommand(), relayCommands];
