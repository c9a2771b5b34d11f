#!/usr/bin/env bash
# Sets everything up and runs the whole test suite (lint, types, tests, quick benchmarks).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
.venv/bin/ruff check src tests bench
.venv/bin/mypy
.venv/bin/pytest "$@"
