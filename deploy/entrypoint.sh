#!/bin/sh
# Container entrypoint: migrate, then serve on :8080 with JSON logs.
# Arguments go to `paperboy serve` (e.g. `--adapter slack`). Without arguments, serve runs
# every platform whose credentials are set (the console adapter when none are) — the rule
# lives in Paperboy's settings, not here.
set -eu

# The migration logs in serve's format (one JSON event per line), including what it did
# ("Upgraded the database schema from revision … to …") at INFO unless a level is set.
export PAPERBOY_LOG_FORMAT="${PAPERBOY_LOG_FORMAT:-json}"
PAPERBOY_LOG_LEVEL="${PAPERBOY_LOG_LEVEL:-INFO}" paperboy db upgrade

exec paperboy serve --http --port 8080 --log-format json "$@"
