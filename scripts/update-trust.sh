#!/usr/bin/env bash
# update-trust.sh: refresh trust/public-good/ and its pins in the Makefile through picosign's own
# TUF client (`make update-trust`; docs/trustroot.md). Needs the network; never run by tests.
#   1. `picosign initialize` against the public-good mirror ($TUF_MIRROR overrides it) into a
#      temporary cache, starting from the embedded root, so a rotation is followed and checked
#      as TUF 1.0.34 prescribes;
#   2. `picosign trust --export` writes the verified state (root, timestamp, snapshot, targets,
#      trusted_root.json, signing_config.v0.2.json) as plain files;
#   3. they replace trust/public-good/*, and the lines between "# BEGIN TRUST PINS" and
#      "# END TRUST PINS" in the Makefile get the new SHA-256 pins and TRUST_FETCHED.
# Review `git diff trust/ Makefile` before committing. trust/staging/ is not touched (there is
# no staging TUF root to check it with); its pin is recomputed from the file as it is.
set -eu
cd "$(dirname "$0")/.."
BIN=${SG_BIN:-./picosign}
MIRROR=${TUF_MIRROR:-https://tuf-repo-cdn.sigstore.dev}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
unset TUF_ROOT_JSON SIGSTORE_ROOT_FILE SIGSTORE_REKOR_PUBLIC_KEY SIGSTORE_CT_LOG_PUBLIC_KEY_FILE
unset SIGSTORE_TSA_CERTIFICATE_FILE PICOSIGN_REFRESH_TRUST
export TUF_ROOT=$T/cache TUF_MIRROR=$MIRROR
"$BIN" initialize --mirror "$MIRROR"
fetched=$(date -u +%Y-%m-%dT%H:%M:%SZ)
"$BIN" trust --export "$T/out" >"$T/trust.txt"
grep -q '^  source:    TUF cache ' "$T/trust.txt" || {
	echo "update-trust: the export is not the refreshed cache:" >&2
	cat "$T/trust.txt" >&2
	exit 1
}
files="root.json timestamp.json snapshot.json targets.json trusted_root.json signing_config.v0.2.json"
for f in $files; do
	[ -s "$T/out/$f" ] || { echo "update-trust: the export has no $f" >&2; exit 1; }
done
for f in $files; do cp "$T/out/$f" "trust/public-good/$f"; done
pin() { printf '\t%s=%s=%s' "$1" "$2" "$(sha256sum "$2" | cut -d' ' -f1)"; }
{
	echo "# BEGIN TRUST PINS (scripts/update-trust.sh rewrites these lines)"
	echo "TRUST_FETCHED := $fetched"
	echo "TRUST_PINS := \\"
	pin tuf_root trust/public-good/root.json; echo " \\"
	pin tuf_timestamp trust/public-good/timestamp.json; echo " \\"
	pin tuf_snapshot trust/public-good/snapshot.json; echo " \\"
	pin tuf_targets trust/public-good/targets.json; echo " \\"
	pin trusted_root trust/public-good/trusted_root.json; echo " \\"
	pin signing_config trust/public-good/signing_config.v0.2.json; echo
	printf 'STAGING_PIN := staging_root=trust/staging/trusted_root.json=%s\n' \
		"$(sha256sum trust/staging/trusted_root.json | cut -d' ' -f1)"
	echo "# END TRUST PINS"
} >"$T/pins"
awk -v pins="$T/pins" '
	/^# BEGIN TRUST PINS/ { while ((getline l < pins) > 0) print l; skip = 1; next }
	/^# END TRUST PINS/ { skip = 0; next }
	!skip { print }' Makefile >"$T/Makefile"
cp "$T/Makefile" Makefile
sed -n '/^  TUF:/p;/^  sha256:/p' "$T/trust.txt"
echo "update-trust: trust/public-good/ and the Makefile pins updated (fetched $fetched); review git diff"
