import { html } from '../../../http/html';
import type { ConsolePageView, RegisteredPage } from '../../../plugins/console-extensions';
import { layout, type PageFrame } from './layout';

type Frame = Omit<PageFrame, 'title' | 'active'> & ConsolePageView;

/** A plugin's page in the console's layout, with the plugin's scripts and styles. */
export function pluginPage(page: RegisteredPage, frame: Frame): string {
  const body = page.spec.render({ nodeId: frame.nodeId, user: frame.user, csrf: frame.csrf });
  return layout({ ...frame, title: page.spec.title, active: page.route, scripts: page.scripts, styles: page.styles }, body);
}

/** What `/<plugin>` shows while the plugin is known but not running here, so a bookmark still explains itself. */
export function pluginUnavailablePage(plugin: string, frame: Omit<PageFrame, 'title' | 'active'>): string {
  return layout(
    { ...frame, title: plugin, active: `/${plugin}` },
    html`<section data-page="plugin-unavailable"><p class="card" id="plugin-unavailable">The ${plugin} plugin is not running on this server. Enable it on the <a href="/plugins">Plugins</a> page.</p></section>`,
  );
}
