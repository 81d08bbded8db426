#!/usr/bin/env bash
# A local PostgreSQL for the store tests (Debian/Ubuntu, as root). Idempotent: installs the server
# when missing, starts the cluster when it is down, makes sure the role "ie" (LOGIN CREATEDB) and the
# database "ie" exist, and writes IE_TEST_POSTGRES=postgres://ie:<password>@127.0.0.1:<port>/ie to
# .services/env (mode 600; the password is generated once and kept there). Prints one status line.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_root postgres
fail() { unset_env IE_TEST_POSTGRES; echo "postgres: not available: $*" >&2; exit 1; }

if ! compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
  apt_install postgresql || fail "apt-get install postgresql failed"
fi
ver="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if ! pg_lsclusters -h | awk -v v="$ver" '$1 == v && $2 == "main" { found = 1 } END { exit !found }'; then
  pg_createcluster "$ver" main >/dev/null || fail "pg_createcluster $ver main failed"
fi
if ! pg_lsclusters -h | awk -v v="$ver" '$1 == v && $2 == "main" && $4 == "online" { up = 1 } END { exit !up }'; then
  pg_ctlcluster "$ver" main start || fail "pg_ctlcluster $ver main start failed (see /var/log/postgresql/postgresql-$ver-main.log)"
fi
port="$(pg_lsclusters -h | awk -v v="$ver" '$1 == v && $2 == "main" { print $3 }')"
for _ in $(seq 1 60); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 0.5
done
pg_isready -q -h 127.0.0.1 -p "$port" || fail "server on 127.0.0.1:$port does not accept connections"

url="$(get_env IE_TEST_POSTGRES)"
password="$(sed -n 's#^postgres://ie:\([^@]*\)@.*#\1#p' <<<"$url")"
[[ -n "$password" ]] || password="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
psql_admin() { runuser -u postgres -- psql -p "$port" -X -q -v ON_ERROR_STOP=1 "$@"; }
psql_admin -v pw="$password" >/dev/null <<'SQL' || fail "could not create the role ie"
SELECT format('CREATE ROLE ie LOGIN CREATEDB PASSWORD %L', :'pw') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ie') \gexec
SELECT format('ALTER ROLE ie LOGIN CREATEDB PASSWORD %L', :'pw') \gexec
SELECT 'CREATE DATABASE ie OWNER ie' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'ie') \gexec
SQL
PGPASSWORD="$password" psql -h 127.0.0.1 -p "$port" -U ie -d ie -X -q -tA -c 'SELECT 1' >/dev/null \
  || fail "role ie cannot log in over TCP on 127.0.0.1:$port (check pg_hba.conf)"
set_env IE_TEST_POSTGRES "postgres://ie:$password@127.0.0.1:$port/ie"
echo "postgres: running (PostgreSQL $ver on 127.0.0.1:$port, role ie; URL in ${services_env#$services_root/})"
