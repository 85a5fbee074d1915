#!/usr/bin/env bash
# `npm run test:moto`: start moto, run the emulator test against it, stop moto.
#
#   MOTO_GIT_DIR=/path/to/moto.git npm run test:moto      (a bare clone or mirror of github.com/getmoto/moto)
#
# env: MOTO_PORT (default 5123), MOTO_TOOLS (default ../shared/tools: moto-up.sh and moto-down.sh),
#      MOTO_ENDPOINT (an emulator already running: nothing is started or stopped), and every variable
#      moto-up.sh reads (MOTO_REF, default 5.2.2, ...). Extra arguments go to jest.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ -n "${MOTO_ENDPOINT:-}" ]; then
  exec npx jest test/emulator "$@"
fi

PORT="${MOTO_PORT:-5123}"
TOOLS="${MOTO_TOOLS:-../shared/tools}"
if [ ! -x "$TOOLS/moto-up.sh" ]; then
  echo "test:moto: no $TOOLS/moto-up.sh; set MOTO_TOOLS to the folder holding moto-up.sh and moto-down.sh," >&2
  echo "           or MOTO_ENDPOINT to a moto server that is already running." >&2
  exit 2
fi

up="$("$TOOLS/moto-up.sh" "$PORT")" || { echo "$up" >&2; exit 1; }
echo "$up"
# Stop moto afterwards only if this run started it: a server that was already up belongs to someone else.
case "$up" in
  *"already running"*) ;;
  *) trap '"$TOOLS/moto-down.sh" "$PORT"' EXIT ;;
esac

MOTO_ENDPOINT="http://127.0.0.1:$PORT" npx jest test/emulator "$@"
