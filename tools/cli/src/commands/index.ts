import type { CommandGroup } from '../main';
import { dlqCommands } from './dlq';

/** Every command group of `npm run lading -- <group>`. */
export const commandGroups: CommandGroup[] = [dlqCommands];
