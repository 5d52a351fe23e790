#!/usr/bin/env bash
# Starts (or installs, then starts) what the integration tests talk to: Redis, PostgreSQL,
# slixmpp for the second-client tests, Chromium for the console tests. Safe to run again: each step checks first.
set -uo pipefail
need_apt=()
command -v redis-server >/dev/null || need_apt+=(redis-server)
command -v pg_ctlcluster >/dev/null || need_apt+=(postgresql)
/usr/bin/python3 -c 'import slixmpp' 2>/dev/null || need_apt+=(python3-slixmpp)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing: ${need_apt[*]}"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}") >/dev/null 2>&1 || echo "warning: apt-get install ${need_apt[*]} failed"
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
if ! pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi
# A freshly installed PostgreSQL has peer auth and no `test` database: give the tests what they expect.
if pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1 && ! psql -h 127.0.0.1 -U postgres -d test -c 'select 1' >/dev/null 2>&1; then
  hba=$(ls /etc/postgresql/*/main/pg_hba.conf 2>/dev/null | head -1)
  if [ -n "$hba" ] && ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
    sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
    su postgres -c "psql -c 'select pg_reload_conf()'" >/dev/null 2>&1 || true
  fi
  su postgres -c "createdb test" >/dev/null 2>&1 || true
fi
for i in $(seq 1 30); do
  pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1 && redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && exit 0
  sleep 1
done
echo "warning: redis or postgresql not ready" >&2
exit 0
