import { html, type RawHtml } from '../../../http/html';
import { formError, formField as field } from '../../../http/form-parts';
import { layout, type PageFrame } from './layout';

/**
 * Shells of the signed-in pages. The server renders structure and forms; console.js fills the
 * tables from the JSON API and submits `form[data-api]` forms, putting each error next to the
 * field it names (`data-error-for`). Plugins add pages of their own (plugin-pages.ts).
 */
const pages: Record<string, { title: string; body: RawHtml }> = {
  cluster: {
    title: 'Cluster',
    body: html`<section data-page="cluster">
  <div class="grid"><div class="card" id="cluster-health"></div></div>
  <table id="cluster-nodes"><thead><tr><th>Node</th><th>Role</th><th>Sessions (route table)</th><th>Sessions (local)</th><th>Database</th><th>Uptime</th></tr></thead><tbody></tbody></table>
</section>`,
  },
  sessions: {
    title: 'Sessions',
    body: html`<section data-page="sessions">
  <p class="hint">Every resource online in the cluster, from the route table. Kicking works on any node.</p>
  ${formError}
  <table id="sessions"><thead><tr><th>JID</th><th>Node</th><th>Available</th><th>Priority</th><th></th></tr></thead><tbody></tbody></table>
</section>`,
  },
  users: {
    title: 'Users',
    body: html`<section data-page="users">
  <form class="card" id="add-user" data-api="POST /api/users" data-reset="true">
    <h2>Add a user</h2>
    ${formError}
    ${field('Username', 'username', html`autocomplete="off"`)}
    ${field('Password', 'password', html`type="password" autocomplete="new-password"`)}
    <label class="inline"><input type="checkbox" name="isAdmin" data-type="boolean"> Administrator</label><span class="field-error" data-error-for="isAdmin"></span>
    <button type="submit">Add user</button>
  </form>
  <form class="card" id="reset-password" data-api="PUT /api/users/{username}/password" data-reset="true" hidden>
    <h2>Reset the password of <span data-fill="username"></span></h2>
    ${formError}
    <input type="hidden" name="username" data-path-only="true">
    ${field('New password', 'password', html`type="password" autocomplete="new-password"`)}
    <button type="submit">Set password</button> <button type="button" data-close>Cancel</button>
  </form>
  <div class="card" id="roster" hidden><h2>Roster of <span data-fill="username"></span></h2><table><thead><tr><th>Contact</th><th>Name</th><th>Subscription</th><th>Groups</th></tr></thead><tbody></tbody></table><button type="button" data-close>Close</button></div>
  <table id="users"><thead><tr><th>Username</th><th>Administrator</th><th>Online resources</th><th></th></tr></thead><tbody></tbody></table>
</section>`,
  },
  plugins: {
    title: 'Plugins',
    body: html`<section data-page="plugins">
  ${formError}
  <table id="plugins"><thead><tr><th>Name</th><th>Version</th><th>State</th><th>Source</th><th></th></tr></thead><tbody></tbody></table>
  <form class="card" id="plugin-config" hidden>
    <h2>Configure <span data-fill="name"></span></h2>
    ${formError}
    <div class="fields"></div>
    <button type="submit">Save</button> <button type="button" data-close>Cancel</button>
  </form>
  <form class="card" id="install-plugin" data-api="POST /api/plugins/install" data-reset="true">
    <h2>Install a plugin</h2>
    ${formError}
    ${field('Folder path or npm package', 'source', html`autocomplete="off"`)}
    <label class="inline"><input type="checkbox" name="enabled" data-type="boolean"> Enable after install</label>
    <button type="submit">Install</button>
  </form>
</section>`,
  },
};

export function isAppPage(name: string): boolean {
  return Object.hasOwn(pages, name);
}

export function appPage(name: string, frame: Omit<PageFrame, 'title' | 'active'>): string {
  const page = pages[name];
  return layout({ ...frame, title: page.title, active: `/${name}` }, page.body);
}
