// The Uploads console page: stored files and bytes per account, from the upload module's admin route.
'use strict';

window.AimConsole.page('upload', async ({ api, fillTable, pageError, every }) => {
  const bytes = (n) => (n >= 1048576 ? `${(n / 1048576).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);
  const load = async () => {
    const answer = await api('GET', '/api/plugins/upload/usage');
    if (!answer.ok) return pageError((answer.body && answer.body.error && answer.body.error.message) || `usage unavailable (${answer.status})`);
    const users = answer.body.users;
    document.getElementById('upload-total').textContent = `${users.reduce((sum, u) => sum + u.files, 0)} files, ${bytes(users.reduce((sum, u) => sum + u.bytes, 0))}`;
    fillTable(document.getElementById('upload-usage'), users.map((u) => [u.username, String(u.files), bytes(u.bytes)]), 'No files stored.');
  };
  await load();
  every(10000, load);
});
