// Fills the test plugin's page through the console's helpers, as a real plugin page would.
'use strict';

window.AimConsole.page('extension-points', async ({ api, el }) => {
  const answer = await api('GET', '/api/plugins/extension-points/hits');
  document.getElementById('ep-hits').replaceChildren(el('strong', { 'data-hits': answer.body.hits, text: `${answer.body.hits} hits` }));
});
