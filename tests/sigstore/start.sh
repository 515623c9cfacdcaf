#!/usr/bin/env bash
# Run the local Sigstore peer by hand (foreground, Ctrl-C to stop), for poking at it with curl or
# pointing a picosign build at it. Tests use lib.sh instead. Usage:
#   tests/sigstore/start.sh STATE_DIR [server flags, e.g. --fulcio-bad-chain --max-lifetime 600]
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/sigstore/lib.sh
source "$here/lib.sh"
dir=${1:?usage: start.sh STATE_DIR [server flags]}
shift
sigstore_available || { echo "start.sh: $SIGSTORE_SKIP_REASON" >&2; exit 1; }
trap 'sigstore_stop' EXIT INT TERM
sigstore_start "$dir" "$@" || exit 1
cat <<EOT
export FULCIO_URL=$FULCIO_URL REKOR_URL=$REKOR_URL TSA_URL=$TSA_URL
export OIDC_ISSUER=$OIDC_ISSUER TRUSTED_ROOT=$TRUSTED_ROOT REKOR2_URL=$REKOR2_URL
export SIGNING_CONFIG=$SIGNING_CONFIG SIGNING_CONFIG_V2=$SIGNING_CONFIG_V2
token:   curl -s -X POST $SIGSTORE_URL/mint -d '{"sub":"me"}'   (?preset=buildkite|email)
faults:  curl -s -X POST $SIGSTORE_URL/control -d '{"fulcio_status":503}'
log:     $SIGSTORE_LOG   (pid $SIGSTORE_PID; Ctrl-C stops it)
EOT
tail -n +1 -f "$SIGSTORE_LOG" &
tail_pid=$!
wait "$SIGSTORE_PID"
kill "$tail_pid" 2>/dev/null
