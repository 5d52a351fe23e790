import { formError, formField as field, html, type RawHtml } from '@asterisk-im/server-core';

/**
 * The shell of the Asterisk-IM console page; assets/asterisk-im.js fills the tables from the
 * plugin's admin routes and submits the forms.
 */
export function asteriskImPage(): RawHtml {
  return html`<section data-page="asterisk-im">
  <div id="aim-content">
    <h2>Live phone states</h2>
    <p class="hint">Updates every second from the replicated phone state; any node shows the same.</p>
    <table id="aim-states"><thead><tr><th>Device</th><th>User</th><th>Phone state</th><th>User status</th></tr></thead><tbody></tbody></table>
    <h2>Asterisk servers</h2>
    ${formError}
    <table id="aim-servers"><thead><tr><th>Name</th><th>Address</th><th>User</th><th>Link</th><th>Held by node</th><th>Last event</th><th>Lag</th><th></th></tr></thead><tbody></tbody></table>
    <form class="card" id="aim-add-server" data-api="POST /api/plugins/asterisk-im/servers" data-reset="true">
      <h3>Add a server</h3>
      ${formError}
      ${field('Name', 'name', html`autocomplete="off"`)}
      ${field('Host', 'host', html`autocomplete="off"`)}
      ${field('Port', 'port', html`type="number" data-type="number" value="5038"`)}
      ${field('AMI user', 'username', html`autocomplete="off"`)}
      ${field('AMI secret', 'secret', html`type="password" autocomplete="new-password"`)}
      <label class="inline"><input type="checkbox" name="tls" data-type="boolean"> TLS</label>
      <button type="submit">Add server</button>
    </form>
    <h2>Phone mappings</h2>
    <table id="aim-devices"><thead><tr><th>Device</th><th>User</th><th>Server</th><th>Extension</th><th>Caller ID</th><th>Primary</th><th></th></tr></thead><tbody></tbody></table>
    <form class="card" id="aim-add-device" data-api="POST /api/plugins/asterisk-im/devices" data-reset="true">
      <h3>Map a phone to a user</h3>
      ${formError}
      ${field('Server', 'server', html`list="aim-server-names" autocomplete="off"`)}
      ${field('Device', 'device', html`list="aim-endpoints" autocomplete="off" placeholder="PJSIP/1001"`)}
      ${field('User (bare JID)', 'user', html`autocomplete="off"`)}
      ${field('Extension', 'extension', html`autocomplete="off"`)}
      ${field('Caller ID', 'callerId', html`autocomplete="off"`)}
      <label class="inline"><input type="checkbox" name="primary" data-type="boolean" checked> Primary device</label>
      <datalist id="aim-server-names"></datalist><datalist id="aim-endpoints"></datalist>
      <button type="submit">Add mapping</button>
    </form>
    <h2>Call log</h2>
    <p class="hint">A user's recent calls, newest first, as the user reads them in their client.</p>
    <form class="card" id="aim-call-log">
      ${formError}
      ${field('User (bare JID)', 'user', html`autocomplete="off" list="aim-call-log-users"`)}
      <datalist id="aim-call-log-users"></datalist>
      <button type="submit">Show calls</button>
    </form>
    <p class="hint" id="aim-voicemail" hidden></p>
    <table id="aim-calls"><thead><tr><th>Start</th><th>Direction</th><th>Number</th><th>Name</th><th>Answered</th><th>Duration</th><th>Device</th></tr></thead><tbody></tbody></table>
    <button type="button" id="aim-calls-older" hidden>Older calls</button>
    <h2>Settings</h2>
    <form class="card" id="aim-settings" data-api="PUT /api/plugins/asterisk-im/settings">${formError}<div class="fields"></div><button type="submit">Save settings</button></form>
  </div>
</section>`;
}
