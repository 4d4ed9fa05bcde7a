import type { CommandGroup } from '../main';

/** Every command group of `npm run lading -- <group>`. */
export const commandGroups: CommandGroup[] = [];
