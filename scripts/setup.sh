#!/usr/bin/env bash
# Installs what oxkair needs on Debian/Ubuntu: PostgreSQL >= 15 with pgaudit, python3-venv,
# and the package in ./.venv. `--dev` adds the test tools. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

extras=""
[ "${1:-}" = "--dev" ] && extras="[dev]"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# The newest installed PostgreSQL server >= 15 that has pgaudit beside it.
pg_ready() {
  for bin in /usr/lib/postgresql/*/bin; do
    major=$(basename "$(dirname "$bin")")
    [ "$major" -ge 15 ] 2>/dev/null && [ -x "$bin/postgres" ] \
      && [ -e "/usr/lib/postgresql/$major/lib/pgaudit.so" ] && return 0
  done
  [ -n "${PG_BIN:-}" ] && [ -x "$PG_BIN/postgres" ] && return 0
  return 1
}

apt_updated=0
apt_install() {
  [ "$apt_updated" -eq 1 ] || { as_root apt-get update -qq; apt_updated=1; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if ! pg_ready; then
  if ! command -v apt-get >/dev/null; then
    echo "oxkair needs a PostgreSQL >= 15 server with pgaudit: install them, or set PG_BIN" >&2
    exit 2
  fi
  # A server already here gets its matching pgaudit; otherwise the newest packaged major.
  major=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | awk '$1 >= 15' | tail -n 1)
  if [ -z "$major" ]; then
    [ "$apt_updated" -eq 1 ] || { as_root apt-get update -qq; apt_updated=1; }
    major=$(apt-cache pkgnames postgresql- | grep -E '^postgresql-[0-9]+-pgaudit$' \
      | sed -E 's/postgresql-([0-9]+)-pgaudit/\1/' | awk '$1 >= 15' | sort -n | tail -n 1)
  fi
  [ -n "$major" ] || { echo "no PostgreSQL >= 15 with pgaudit in this machine's apt sources" >&2; exit 2; }
  echo "installing PostgreSQL $major and pgaudit (apt)"
  apt_install "postgresql-$major" "postgresql-$major-pgaudit" postgresql-contrib
fi

# ── --dev only: Debian's chromium for the browser tests (Playwright drives it; never a download).
if [ -n "$extras" ] && [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null; then
  echo "installing chromium for the browser tests (apt)"
  apt_install chromium
fi

# ── --dev only: Node and npm (Debian's) for the test-only JavaScript below, where missing.
if [ -n "$extras" ] && ! command -v npm >/dev/null && command -v apt-get >/dev/null; then
  echo "installing nodejs and npm for the JavaScript test tools (apt)"
  apt_install nodejs npm
fi

if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "oxkair needs Python >= 3.11 (python3 is $(python3 --version 2>&1))" >&2
  exit 2
fi
if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' 2>/dev/null; then
  apt_install python3-venv
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -c constraints.txt -e ".${extras}"
# Test-only: Azurite, Microsoft's Azure Storage emulator (npm), for the Blob backup destination.
if [ -n "$extras" ] && [ ! -x .venv/node/node_modules/.bin/azurite-blob ]; then
  if command -v npm >/dev/null; then
    npm install --silent --no-audit --no-fund --prefix .venv/node azurite@3 >/dev/null \
      || echo "azurite not installed: the Azure Blob backup tests will be skipped" >&2
  else
    echo "npm not found: the Azure Blob backup tests will be skipped (they need Azurite)" >&2
  fi
fi
# Test-only: axe-core (npm, pinned by tests/browser_js/package-lock.json), the accessibility
# engine the browser tests run on every page.
if [ -n "$extras" ] && [ ! -f tests/browser_js/node_modules/axe-core/axe.min.js ]; then
  if command -v npm >/dev/null; then
    npm ci --silent --no-audit --no-fund --prefix tests/browser_js >/dev/null \
      || echo "axe-core not installed: the browser tests' accessibility checks will fail" >&2
  else
    echo "npm not found: the browser tests' accessibility checks need axe-core (npm)" >&2
  fi
fi
# Test-only: the real supabase-js and @supabase/ssr (npm, pinned by tests/supabase_js/package-lock.json;
# `ws` is its realtime transport on Node 20), driven against /auth/v1 by the test suite.
if [ -n "$extras" ] && [ ! -d tests/supabase_js/node_modules/@supabase/supabase-js ]; then
  if command -v npm >/dev/null; then
    npm ci --silent --no-audit --no-fund --prefix tests/supabase_js >/dev/null \
      || echo "supabase-js not installed: tests/test_supabase_js_auth.py will fail" >&2
  else
    echo "npm not found: tests/test_supabase_js_auth.py needs supabase-js (npm)" >&2
  fi
fi
echo "oxkair installed in .venv (run: .venv/bin/oxkair --help)"
