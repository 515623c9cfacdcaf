#!/usr/bin/env bash
# sigstore-conformance bundle verification (../shared/vectors/conformance, 70 cases), driven
# exactly as the suite drives a client (CASES.md): every case twice, once with the artifact path
# and once as sha256:<hex>. Prints "conformance: N/140 correct". A wrong answer on a case listed
# in tests/conformance-unsupported.txt is reported as skipped with its reason; any other wrong
# answer fails the run.
set -u
cd "$(dirname "$0")/.."
bin=${SG_BIN:-./picosign}
vec=${SG_VECTORS:-../shared/vectors}
dir=$vec/conformance/bundle-verify
if [ ! -d "$dir" ]; then
	echo "skipped: sigstore-conformance vectors not found at $dir"
	echo "0 passed, 0 failed"
	exit 0
fi
prod_root=$vec/trust/production-trusted_root.sigstore-python.json
default_identity='https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main'
default_issuer='https://token.actions.githubusercontent.com'

declare -A unsupported
while IFS=$'\t' read -r name reason; do
	case "$name" in ''|'#'*) continue ;; esac
	unsupported[$name]=$reason
done < tests/conformance-unsupported.txt

correct=0 total=0 failed=0 skipped=0
for case_dir in "$dir"/*/; do
	case_dir=${case_dir%/}
	name=$(basename "$case_dir")
	[ -f "$case_dir/bundle.sigstore.json" ] || continue
	artifact=$dir/a.txt
	[ -f "$case_dir/artifact" ] && artifact=$case_dir/artifact
	digest="sha256:$(sha256sum "$artifact" | awk '{print $1}')"
	args=(verify-bundle --bundle "$case_dir/bundle.sigstore.json")
	if [ -f "$case_dir/key.pub" ]; then
		args+=(--key "$case_dir/key.pub")
	else
		identity=$default_identity issuer=$default_issuer
		[ -f "$case_dir/identity" ] && identity=$(cat "$case_dir/identity")
		[ -f "$case_dir/issuer" ] && issuer=$(cat "$case_dir/issuer")
		args+=(--certificate-identity "$identity" --certificate-oidc-issuer "$issuer")
	fi
	if [ -f "$case_dir/trusted_root.json" ]; then
		args+=(--trusted-root "$case_dir/trusted_root.json")
	else
		args+=(--trusted-root "$prod_root")
	fi
	want=pass
	case "$name" in *_fail) want=fail ;; esac
	for form in PATH DIGEST; do
		input=$artifact
		[ "$form" = DIGEST ] && input=$digest
		total=$((total + 1))
		out=$(timeout 20 "$bin" "${args[@]}" "$input" 2>&1); rc=$?
		got=pass
		[ $rc -ne 0 ] && got=fail
		if [ $rc -ge 124 ]; then
			# A timeout or a signal is never a correct rejection.
			failed=$((failed + 1))
			echo "FAIL $form-$name: exit $rc (timeout or crash)"
		elif [ "$got" = "$want" ]; then
			correct=$((correct + 1))
		elif [ -n "${unsupported[$name]:-}" ]; then
			skipped=$((skipped + 1))
			echo "skipped: $form-$name: ${unsupported[$name]} ($(printf '%s' "$out" | tail -n 1))"
		else
			failed=$((failed + 1))
			echo "FAIL $form-$name: expected $want, exit $rc: $(printf '%s' "$out" | tail -n 3 | tr '\n' ' ')"
		fi
	done
done
echo "conformance: $correct/$total correct"
echo "$correct passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
