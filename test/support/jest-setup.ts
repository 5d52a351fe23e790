// Test clients connect to servers that use a self-signed certificate created for the test run.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
