#!/bin/sh
# Container entrypoint: migrate, then serve on :8080 with JSON logs.
# Arguments go to `paperboy serve` (e.g. `--adapter slack`). Without arguments, every platform
# whose credentials are set runs; with none set, the console adapter runs (digests in the log).
set -eu

# The migration logs in serve's format (one JSON event per line) on stderr; its one-line
# answer on stdout is for people at a terminal, so it is left out of the container's log.
export PAPERBOY_LOG_FORMAT="${PAPERBOY_LOG_FORMAT:-json}"
paperboy db upgrade >/dev/null

if [ "$#" -eq 0 ]; then
    if [ -n "${SLACK_BOT_TOKEN:-}${SLACK_CLIENT_ID:-}" ]; then
        set -- "$@" --adapter slack
    fi
    if [ -n "${DISCORD_BOT_TOKEN:-}" ]; then
        set -- "$@" --adapter discord
    fi
    if [ "$#" -eq 0 ]; then
        set -- --adapter console
    fi
fi

exec paperboy serve --http --port 8080 --log-format json "$@"
