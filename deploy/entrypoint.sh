#!/bin/sh
# Container entrypoint: migrate, then serve on :8080 with JSON logs.
# Arguments go to `paperboy serve` (e.g. `--adapter slack`). Without arguments, every platform
# whose credentials are set runs; with none set, the console adapter runs (digests in the log).
set -eu

paperboy db upgrade

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
