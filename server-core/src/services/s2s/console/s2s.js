// The Federation console page: every node's server-to-server links, from the s2s module's admin route.
'use strict';

window.AimConsole.page('s2s', async ({ api, fillTable, pageError, every, duration }) => {
  const load = async () => {
    const answer = await api('GET', '/api/plugins/s2s/links');
    if (!answer.ok) return pageError((answer.body && answer.body.error && answer.body.error.message) || `links unavailable (${answer.status})`);
    const rows = answer.body.links.map((l) => [l.localDomain, l.remoteDomain, l.direction, l.authMethod, `${l.since} (${duration(Math.max(0, Math.floor((Date.now() - Date.parse(l.since)) / 1000)))})`, l.node, l.address]);
    fillTable(document.getElementById('s2s-links'), rows, 'No server-to-server links.');
  };
  await load();
  every(5000, load);
});
