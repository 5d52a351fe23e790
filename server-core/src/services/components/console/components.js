// The Components console page: the external components the server accepts and where each is connected.
'use strict';

window.AimConsole.page('components', async ({ api, fillTable, pageError, every }) => {
  const load = async () => {
    const answer = await api('GET', '/api/plugins/components/connected');
    if (!answer.ok) return pageError((answer.body && answer.body.error && answer.body.error.message) || `components unavailable (${answer.status})`);
    const rows = answer.body.components.map((c) => [c.domain, c.name || '', c.connected ? 'connected' : 'not connected', c.node || '', c.since || '']);
    fillTable(document.getElementById('components-list'), rows, 'No components are configured.');
  };
  await load();
  every(10000, load);
});
