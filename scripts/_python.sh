# Sourced by run.sh and test.sh: find Python >= 3.12, create/update .venv, install deps.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

find_python() {
  for candidate in python3.13 python3.12 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

ensure_venv() {
  local extras="$1"  # "" or "[test]"
  if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
    local python
    if ! python="$(find_python)"; then
      echo "error: Python 3.12 or newer is required (looked for python3.13, python3.12, python3). Install one, e.g. 'pyenv install 3.13'." >&2
      exit 1
    fi
    rm -rf .venv
    echo "Creating .venv with $("$python" --version)"
    "$python" -m venv .venv
  fi
  # Reinstall only when pyproject.toml (or the extras) changed since the last install.
  local stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)${extras//[^a-z]/}"
  if [ ! -f "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install --quiet --disable-pip-version-check ".${extras}"
    rm -f .venv/.installed-*
    touch "$stamp"
  fi
}
