#!/bin/sh
# Container entrypoint: migrate, then serve on :8080 with JSON logs.
# Arguments go to `paperboy serve` (e.g. `--adapter slack`). Without arguments, serve runs
# every platform whose credentials are set (the console adapter when none are) — the rule
# lives in Paperboy's settings, not here.
set -eu

# The migration logs in serve's format (one JSON event per line) on stderr; its one-line
# answer on stdout is for people at a terminal, so it is left out of the container's log.
export PAPERBOY_LOG_FORMAT="${PAPERBOY_LOG_FORMAT:-json}"
paperboy db upgrade >/dev/null

exec paperboy serve --http --port 8080 --log-format json "$@"
