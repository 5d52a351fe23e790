/**
 * The plugin's command-line entry (named by `asteriskIm.cli` in package.json): loaded by the
 * `asterisk-im` command line without starting the plugin, so it imports no runtime code.
 */
import { definePluginCli } from '@asterisk-im/server-core';
import { asteriskCommands } from './asterisk-commands';

export default definePluginCli({ plugin: 'asterisk-im', commands: [asteriskCommands] });
