// Runs in Jest's main process before any test: test clients talk to servers whose certificate
// is self-signed and created for the run, so certificate verification is off for tests only.
module.exports = async () => {
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  process.removeAllListeners('warning');
};
