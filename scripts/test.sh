#!/usr/bin/env bash
# One command to run every test (unit, integration, browser) against PostgreSQL.
# Extra arguments go to pytest, e.g. scripts/test.sh -m browser
source "$(dirname "$0")/_python.sh"
ensure_venv "[test]"

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/console}"
if ! .venv/bin/python - <<'PY'
import os, sys
import dj_database_url, psycopg
cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
if cfg["ENGINE"] != "django.db.backends.postgresql":
    sys.exit(f"error: the tests need PostgreSQL, but DATABASE_URL points at {cfg['ENGINE']}.")
try:
    conn = psycopg.connect(host=cfg["HOST"] or None, port=cfg["PORT"] or None, user=cfg["USER"] or None,
                           password=cfg["PASSWORD"] or None, dbname="postgres", connect_timeout=5,
                           autocommit=True)
except Exception as exc:
    sys.exit(f"error: no PostgreSQL reachable at {cfg['HOST']}:{cfg['PORT'] or 5432} ({exc.__class__.__name__}); start it or set DATABASE_URL.")
# pytest makes its own test_<name> database; the named one must exist for manage.py checks.
with conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone():
        conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
PY
then
  exit 1
fi

if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's Chromium for the browser tests..."
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

.venv/bin/ruff check .
.venv/bin/ruff format --check .
# Apps import downward only (the layers in pyproject.toml and docs/architecture.md).
layers=$(.venv/bin/lint-imports --no-cache 2>&1) || { echo "$layers"; exit 1; }
echo "$layers" | grep -E "KEPT|^Contracts:"
.venv/bin/python manage.py makemigrations --check --dry-run >/dev/null || {
  echo "error: models changed without a migration (run manage.py makemigrations)." >&2; exit 1; }
exec .venv/bin/python -m pytest "$@"
