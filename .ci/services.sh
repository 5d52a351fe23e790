#!/usr/bin/env bash
# Installs (with apt-get, so as root) what the tests need and is missing: redis-server and
# PostgreSQL (npm test starts private instances of both in temporary folders when none answers on
# 127.0.0.1:6379 / 127.0.0.1:5432), Debian's python3-slixmpp for the second-client tests, and
# Chromium for the console tests and Prosody for the federation tests (they start private
# instances on free ports; an installed Prosody service is neither used nor configured). It changes
# no service configuration. Safe to run again.
set -euo pipefail
need_apt=()
command -v redis-server >/dev/null || need_apt+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || need_apt+=(postgresql)
/usr/bin/python3 -c 'import slixmpp' 2>/dev/null || need_apt+=(python3-slixmpp)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
[ -x /usr/bin/prosody ] || need_apt+=(prosody)
if [ ${#need_apt[@]} -eq 0 ]; then
  echo "test dependencies: all installed"
  exit 0
fi
echo "test dependencies: installing ${need_apt[*]} with apt-get"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
