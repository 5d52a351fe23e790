/**
 * The server's own CLI commands, in the order `--help` lists them (plugins' commands follow,
 * see plugin-commands.ts). To add a command group, write `commands/<name>.ts` exporting a
 * CommandGroup and add it here.
 */
import type { CommandEntry } from '../../command/command';
import { backupCommand, restoreCommand } from './backup';
import { configCommands } from './config';
import { pluginCommands } from './plugin';
import { moduleCommands } from './module';
import { startCommand } from './start';
import { userCommands } from './user';

export const COMMANDS: readonly CommandEntry[] = [startCommand, userCommands, moduleCommands, pluginCommands, configCommands, backupCommand, restoreCommand];
