#!/usr/bin/env bash
# docs: the CI guides' snippets (docs/buildkite.md, docs/github-actions.md, and the Buildkite
# plugin's README) parse as YAML, and every picosign command in them uses commands and flags
# the binary has (`picosign CMD --help`); plugin options are plugin.yml's
# (tests/lib/doc_snippets.py). Inputs: SG_BIN. Last line "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
BIN=${SG_BIN:-$PWD/build/release/picosign}
if [ ! -x "$BIN" ]; then
	echo "skipped: no picosign binary at $BIN"
	echo "0 passed, 0 failed"
	exit 0
fi
# Debian's python3 has python3-yaml (scripts/deps.sh); another python3 on PATH may not.
PY=
for p in /usr/bin/python3 python3; do
	if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import yaml' 2>/dev/null; then PY=$p; break; fi
done
if [ -z "$PY" ]; then
	echo "skipped: no python3 with PyYAML (python3-yaml)"
	echo "0 passed, 0 failed"
	exit 0
fi
exec timeout -k 5 120 "$PY" tests/lib/doc_snippets.py "$BIN" buildkite-plugin/plugin.yml \
	docs/buildkite.md docs/github-actions.md buildkite-plugin/README.md
