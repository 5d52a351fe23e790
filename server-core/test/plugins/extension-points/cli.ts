/** The test plugin's command line: one command group reading the plugin's admin route. */
import { CliError, definePluginCli } from '@asterisk-im/server-core';

export default definePluginCli({
  plugin: 'extension-points',
  commands: [
    {
      name: 'extension-points',
      summary: 'the extension-points test plugin',
      commands: [
        {
          name: 'hits',
          summary: 'print the hit count the running plugin reports',
          options: { twice: { type: 'boolean', description: 'print it twice' } },
          async run(input) {
            const { hits } = (await input.admin('GET', '/hits')) as { hits: number };
            input.io.stdout.write(`${hits}\n${input.options.twice ? `${hits}\n` : ''}`);
          },
        },
        {
          name: 'fail',
          summary: 'fail with a one-line message',
          async run() {
            throw new CliError('failed', 'asked to fail');
          },
        },
      ],
    },
  ],
});
