/**
 * Every CLI command, in the order `--help` lists them. To add a command group, write
 * `commands/<name>.ts` exporting a CommandGroup and add it here.
 */
import type { CommandEntry } from '../command';
import { asteriskCommands } from './asterisk';
import { backupCommand, restoreCommand } from './backup';
import { configCommands } from './config';
import { pluginCommands } from './plugin';
import { moduleCommands } from './module';
import { startCommand } from './start';
import { userCommands } from './user';

export const COMMANDS: readonly CommandEntry[] = [startCommand, userCommands, moduleCommands, pluginCommands, asteriskCommands, configCommands, backupCommand, restoreCommand];
