#!/usr/bin/env bash
# One command to try the console: venv, dependencies, SQLite (or $DATABASE_URL), demo data,
# and a server on http://127.0.0.1:8000. Safe to run again.
source "$(dirname "$0")/_python.sh"
ensure_venv ""
PORT="${PORT:-8000}"
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py seed_demo --password "${DEMO_PASSWORD:-demo}"
echo
echo "Open http://127.0.0.1:${PORT}/ and log in as builder, ops or admin (password: ${DEMO_PASSWORD:-demo})."
echo
exec .venv/bin/python manage.py runserver "127.0.0.1:${PORT}"
