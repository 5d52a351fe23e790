// The Asterisk-IM console page: live phone states, Asterisk servers, phone mappings, a user's
// call log and voicemail counts, and settings, through the plugin's admin routes. Built with the console's helpers (console.js).
'use strict';

window.AimConsole.page('asterisk-im', async ({ api, el, fillTable, showErrors, clearErrors, notice, bindApiForm, every, button, renderFields, readFields, duration }) => {
  const base = '/api/plugins/asterisk-im';
  const section = document.getElementById('aim-content');
  const serverInput = document.querySelector('#aim-add-device [name="server"]');
  const loadServers = async () => {
    const [servers, status] = await Promise.all([api('GET', `${base}/servers`), api('GET', `${base}/status`)]);
    const links = new Map(((status.body && status.body.links) || []).map((link) => [link.server, link]));
    const list = (servers.body && servers.body.servers) || [];
    const names = document.getElementById('aim-server-names');
    if (names.children.length !== list.length) names.replaceChildren(...list.map((s) => el('option', { value: s.name })));
    if (!serverInput.value && list.length === 1) serverInput.value = list[0].name;
    fillTable(
      document.getElementById('aim-servers'),
      list.map((server) => {
        const link = links.get(server.name) || { state: 'unknown', node: null, error: null };
        return [
          server.name,
          `${server.host}:${server.port}${server.tls ? ' (TLS)' : ''}`,
          server.username,
          el('span', { class: `badge ${link.state === 'connected' ? 'ok' : link.error ? 'bad' : ''}`, 'data-link': link.state, title: link.error || '', text: link.state }),
          link.node || '—',
          link.lastEventAt ? `${Math.max(0, Math.round((Date.now() - link.lastEventAt) / 1000))} s ago` : '—',
          typeof link.lagMs === 'number' ? `${link.lagMs} ms` : '—',
          el('span', { class: 'actions' },
            button('Test connection', async () => {
              const answer = await api('POST', `${base}/servers/${encodeURIComponent(server.name)}/test`, {});
              if (!answer.ok) return showErrors(section, answer);
              notice(answer.body.ok ? `Connected to ${server.name} (Asterisk ${answer.body.version})` : `Test failed: ${answer.body.error}`);
            }),
            button('Endpoints', () => {
              serverInput.value = server.name;
              loadEndpoints().catch(() => undefined);
            }),
            button('Remove', async () => {
              if (!window.confirm(`Remove the Asterisk server ${server.name}?`)) return;
              const answer = await api('DELETE', `${base}/servers/${encodeURIComponent(server.name)}`);
              if (!answer.ok) return showErrors(section, answer);
              await loadServers();
            }, 'danger'),
          ),
        ];
      }),
      'No Asterisk server yet.',
    );
    return status.body;
  };
  const loadDevices = async () => {
    const { body } = await api('GET', `${base}/devices`);
    const users = document.getElementById('aim-call-log-users');
    const names = [...new Set(((body && body.devices) || []).map((d) => d.user))];
    users.replaceChildren(...names.map((u) => el('option', { value: u })));
    fillTable(
      document.getElementById('aim-devices'),
      ((body && body.devices) || []).map((d) => [
        d.device, d.user, d.server, d.extension, d.callerId || '', d.primary ? 'yes' : 'no',
        button('Remove', async () => {
          const answer = await api('DELETE', `${base}/devices/${encodeURIComponent(d.device)}`);
          if (!answer.ok) return showErrors(section, answer);
          await loadDevices();
        }, 'danger'),
      ]),
      'No phone is mapped yet.',
    );
  };
  /** The device pick-list: the server's PJSIP endpoints, each with its state and current user. */
  const loadEndpoints = async () => {
    if (!serverInput.value) return;
    const answer = await api('GET', `${base}/servers/${encodeURIComponent(serverInput.value)}/endpoints`);
    const target = document.querySelector('#aim-add-device [data-error-for="device"]');
    if (!answer.ok) {
      target.textContent = `Pick-list unavailable: ${answer.body.error.message}`;
      // The senior may still be connecting to the PBX: try again shortly.
      if (answer.status === 503 || answer.status === 504) setTimeout(() => loadEndpoints().catch(() => undefined), 2000);
      return;
    }
    target.textContent = '';
    document.getElementById('aim-endpoints').replaceChildren(
      ...answer.body.endpoints.map((e) => el('option', { value: e.device, label: [e.device, e.state, e.registered ? 'registered' : 'not registered', e.user ? `mapped to ${e.user}` : ''].filter(Boolean).join(' · ') })),
    );
  };
  const loadSettings = async () => {
    const answer = await api('GET', `${base}/settings`);
    if (!answer.ok) return;
    const settings = answer.body;
    const fields = Object.entries(settings).map(([name, value]) => ({
      name,
      type: typeof value === 'boolean' ? 'boolean' : typeof value === 'number' ? 'number' : typeof value === 'string' || value === null ? 'string' : 'json',
      optional: value === null,
      secret: false,
      description: null,
    }));
    renderFields(document.querySelector('#aim-settings .fields'), fields, settings, '');
  };
  const renderStates = (status) => {
    const users = new Map(((status && status.users) || []).map((u) => [u.user, u]));
    fillTable(
      document.getElementById('aim-states'),
      ((status && status.devices) || []).map((d) => [
        d.device,
        d.user,
        el('span', { class: `phone-state ${d.state}`, 'data-device': d.device, text: d.state }),
        users.get(d.user) && users.get(d.user).onPhone ? el('span', { class: 'badge bad', 'data-user': d.user, text: 'on the phone' }) : el('span', { class: 'badge', 'data-user': d.user, text: 'available' }),
      ]),
      'No phone is mapped yet.',
    );
  };
  bindApiForm(document.getElementById('aim-add-server'), async () => {
    await loadServers();
    await loadEndpoints().catch(() => undefined);
  });
  bindApiForm(document.getElementById('aim-add-device'), loadDevices);
  const settingsForm = document.getElementById('aim-settings');
  settingsForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const settings = readFields(settingsForm);
    if (settings === undefined) return;
    const answer = await api('PUT', `${base}/settings`, settings);
    if (!answer.ok) return showErrors(settingsForm, answer);
    clearErrors(settingsForm);
    notice('Settings saved');
  });
  // The call log of one user, a page at a time (`before` is the oldest call shown).
  const callLogForm = document.getElementById('aim-call-log');
  const older = document.getElementById('aim-calls-older');
  let callRows = [];
  const loadCalls = async (before) => {
    const user = callLogForm.querySelector('[name="user"]').value.trim();
    const query = before ? `?max=20&before=${encodeURIComponent(before)}` : '?max=20';
    const answer = await api('GET', `${base}/users/${encodeURIComponent(user)}/calls${query}`);
    if (!answer.ok) return showErrors(callLogForm, answer);
    clearErrors(callLogForm);
    callRows = before ? callRows.concat(answer.body.calls) : answer.body.calls;
    fillTable(
      document.getElementById('aim-calls'),
      callRows.map((c) => [
        new Date(c.start).toLocaleString(), c.direction, c.number || '', c.name || '',
        el('span', { class: `badge ${c.answered ? 'ok' : c.direction === 'incoming' ? 'bad' : ''}`, 'data-call': c.id, text: c.answered ? 'answered' : c.direction === 'incoming' ? 'missed' : 'not answered' }),
        duration(c.durationSeconds), c.device,
      ]),
      'No call in the log.',
    );
    older.hidden = answer.body.complete;
    if (before) return;
    const voicemail = await api('GET', `${base}/users/${encodeURIComponent(user)}/voicemail`);
    const line = document.getElementById('aim-voicemail');
    line.hidden = !voicemail.ok;
    if (voicemail.ok) line.textContent = `Voicemail: ${voicemail.body.new} new, ${voicemail.body.old} old`;
  };
  callLogForm.addEventListener('submit', (event) => {
    event.preventDefault();
    loadCalls().catch(() => undefined);
  });
  older.addEventListener('click', () => loadCalls(callRows.length ? callRows[callRows.length - 1].id : undefined).catch(() => undefined));
  serverInput.addEventListener('change', () => loadEndpoints().catch(() => undefined));
  await Promise.all([loadDevices(), loadSettings()]);
  // Live: link states and phone states refresh every second without a reload.
  every(1000, async () => renderStates(await loadServers()));
  setTimeout(() => loadEndpoints().catch(() => undefined), 500);
});
