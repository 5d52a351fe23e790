/** The plugin's page in the admin console (`/asterisk-im`), with its own script and styles. */
import path from 'node:path';
import type { AsteriskImRuntime } from '../runtime';
import { asteriskImPage } from './asterisk-im-page';

const ASSETS = path.join(__dirname, 'assets');

export function registerConsolePage({ ctx }: AsteriskImRuntime): void {
  ctx.console.asset('asterisk-im.js', path.join(ASSETS, 'asterisk-im.js'));
  ctx.console.asset('asterisk-im.css', path.join(ASSETS, 'asterisk-im.css'));
  ctx.console.page({ title: 'Asterisk-IM', nav: 'Asterisk-IM', render: asteriskImPage, scripts: ['asterisk-im.js'], styles: ['asterisk-im.css'] });
}
