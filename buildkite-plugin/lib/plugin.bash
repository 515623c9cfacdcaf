#!/bin/bash
# The picosign Buildkite plugin: what hooks/pre-command (verify mode) and hooks/post-command
# (sign mode) share. Options arrive as BUILDKITE_PLUGIN_PICOSIGN_<OPTION> (README.md). Every
# option is checked before anything runs, and an unknown one is an error. No token passes
# through here: picosign asks the agent for the job's OIDC token itself
# (BUILDKITE_AGENT_ACCESS_TOKEN, BUILDKITE_JOB_ID, BUILDKITE_AGENT_ENDPOINT), and nothing in
# this file prints the environment.

PICOSIGN_PLUGIN_OPTIONS=" MODE IMAGE METADATA_FILE KEY FORMAT ANNOTATIONS ORGANIZATION PIPELINE
	CERTIFICATE_IDENTITY CERTIFICATE_IDENTITY_REGEXP CERTIFICATE_OIDC_ISSUER
	CERTIFICATE_OIDC_ISSUER_REGEXP FULCIO_URL REKOR_URL TRUSTED_ROOT ALLOW_HTTP_REGISTRY
	DOWNLOAD_URL DOWNLOAD_SHA256 ANNOTATE "
PICOSIGN_PLUGIN_BUILDKITE_ISSUER=https://agent.buildkite.com
PICOSIGN_PLUGIN_PUBLIC_REKOR=https://rekor.sigstore.dev

pc_die() {
	echo "picosign plugin: error: $*" >&2
	exit 1
}
pc_say() { echo "picosign plugin: $*" >&2; }

# pc_opt NAME: the option's value ("" when unset); pc_has NAME: set at all.
pc_opt() {
	local v="BUILDKITE_PLUGIN_PICOSIGN_$1"
	printf '%s' "${!v:-}"
}
pc_has() {
	local v="BUILDKITE_PLUGIN_PICOSIGN_$1"
	[ -n "${!v+x}" ]
}
# pc_list NAME: a list option, one value per line (NAME_0, NAME_1, ... or a single NAME).
pc_list() {
	local i=0 v
	if pc_has "$1"; then
		pc_opt "$1"
		echo
		return
	fi
	while pc_has "${1}_$i"; do
		v="BUILDKITE_PLUGIN_PICOSIGN_${1}_$i"
		printf '%s\n' "${!v}"
		i=$((i + 1))
	done
}
# pc_bool NAME DEFAULT: "true" or "false".
pc_bool() {
	local v
	v=$(pc_opt "$1")
	case ${v:-$2} in
	true | false) printf '%s' "${v:-$2}" ;;
	*) pc_die "$(pc_name "$1") must be true or false, not '$v'" ;;
	esac
}
# The YAML spelling of an option: METADATA_FILE -> metadata-file.
pc_name() { printf '%s' "$1" | tr 'A-Z_' 'a-z-'; }

# ---- validation ----

pc_check_known() {
	local var opt
	for var in $(compgen -v BUILDKITE_PLUGIN_PICOSIGN_ || true); do
		opt=${var#BUILDKITE_PLUGIN_PICOSIGN_}
		[[ $opt =~ ^ANNOTATIONS_[0-9]+$ ]] && opt=ANNOTATIONS
		case $PICOSIGN_PLUGIN_OPTIONS in
		*[[:space:]]"$opt"[[:space:]]*) ;;
		*) pc_die "unknown option '$(pc_name "$opt")' (options: see the plugin's README.md)" ;;
		esac
	done
}
# An image reference as a registry accepts it; anything else (spaces, a leading dash that
# picosign would read as a flag, shell characters) is refused here.
pc_check_image() {
	[[ $1 =~ ^[A-Za-z0-9][A-Za-z0-9._/:@-]*$ && ${#1} -le 512 ]] ||
		pc_die "$2 '$1' is not an image reference (REGISTRY/REPOSITORY[:TAG|@sha256:DIGEST])"
}
pc_check_url() {
	[[ $1 =~ ^https?://[^[:space:]]+$ ]] || pc_die "$(pc_name "$2") must be an http(s) URL, not '$1'"
}
pc_check_file() {
	[[ -f $1 && -r $1 ]] || pc_die "$(pc_name "$2"): no readable file '$1'"
}
pc_check_slug() {
	[[ $1 =~ ^[a-z0-9][a-z0-9_-]*$ ]] ||
		pc_die "$(pc_name "$2") must be a Buildkite slug (lower-case letters, digits, '-'), not '$1'"
}
pc_only_in() { # pc_only_in MODE OPTION...: these options are refused in the other mode
	local mode=$1 o
	shift
	for o in "$@"; do
		pc_has "$o" || compgen -v "BUILDKITE_PLUGIN_PICOSIGN_${o}_" >/dev/null &&
			pc_die "$(pc_name "$o") is an option of $mode mode only"
	done
	return 0
}

# Check every option for MODE (sign or verify); dies with a message on the first problem.
pc_validate() {
	local mode=$1 a
	pc_check_known
	pc_bool ALLOW_HTTP_REGISTRY false >/dev/null
	pc_bool ANNOTATE true >/dev/null
	if pc_has IMAGE; then pc_check_image "$(pc_opt IMAGE)" image; fi
	if pc_has KEY; then pc_check_file "$(pc_opt KEY)" KEY; fi
	if pc_has TRUSTED_ROOT; then pc_check_file "$(pc_opt TRUSTED_ROOT)" TRUSTED_ROOT; fi
	while IFS= read -r a; do
		[ -z "$a" ] && continue
		[[ $a =~ ^[^=[:space:]]+=.*$ ]] || pc_die "annotations: '$a' is not KEY=VALUE"
	done < <(pc_list ANNOTATIONS)
	if pc_has DOWNLOAD_URL || pc_has DOWNLOAD_SHA256; then
		{ pc_has DOWNLOAD_URL && pc_has DOWNLOAD_SHA256; } ||
			pc_die "download-url needs download-sha256 (picosign is never run unchecked), and the reverse"
		pc_check_url "$(pc_opt DOWNLOAD_URL)" DOWNLOAD_URL
		[[ $(pc_opt DOWNLOAD_SHA256) =~ ^[0-9a-fA-F]{64}$ ]] ||
			pc_die "download-sha256 must be 64 hex digits (the SHA-256 of the picosign binary)"
	fi
	if [ "$mode" = sign ]; then
		pc_only_in verify ORGANIZATION PIPELINE CERTIFICATE_IDENTITY CERTIFICATE_IDENTITY_REGEXP \
			CERTIFICATE_OIDC_ISSUER CERTIFICATE_OIDC_ISSUER_REGEXP
		pc_has IMAGE || pc_has METADATA_FILE ||
			pc_die "sign mode needs the image to sign: set image (a tag or digest) or metadata-file (from docker buildx build --metadata-file)"
		if pc_has METADATA_FILE; then pc_check_file "$(pc_opt METADATA_FILE)" METADATA_FILE; fi
		if pc_has FORMAT; then
			case $(pc_opt FORMAT) in
			v3 | legacy | both) ;;
			*) pc_die "format must be v3, legacy or both, not '$(pc_opt FORMAT)'" ;;
			esac
		fi
		if pc_has FULCIO_URL; then pc_check_url "$(pc_opt FULCIO_URL)" FULCIO_URL; fi
		if pc_has REKOR_URL; then pc_check_url "$(pc_opt REKOR_URL)" REKOR_URL; fi
	else
		pc_only_in sign METADATA_FILE FORMAT FULCIO_URL REKOR_URL
		pc_has IMAGE || pc_die "verify mode needs image: the image this step may use (a tag or digest)"
		local cert=0 o
		for o in CERTIFICATE_IDENTITY CERTIFICATE_IDENTITY_REGEXP CERTIFICATE_OIDC_ISSUER \
			CERTIFICATE_OIDC_ISSUER_REGEXP; do
			if pc_has "$o"; then
				cert=1
				[ -n "$(pc_opt "$o")" ] || pc_die "$(pc_name "$o") is empty"
			fi
		done
		if [ $cert = 1 ] || pc_has KEY; then
			if pc_has ORGANIZATION || pc_has PIPELINE; then
				pc_die "organization/pipeline and certificate-*/key are alternatives: give one of them"
			fi
		fi
		if [ $cert = 1 ]; then
			pc_has KEY && pc_die "key and certificate-* are alternatives: give one of them"
			[ "$(pc_has CERTIFICATE_IDENTITY && echo 1)$(pc_has CERTIFICATE_IDENTITY_REGEXP && echo 1)" = 1 ] ||
				pc_die "give exactly one of certificate-identity and certificate-identity-regexp"
			[ "$(pc_has CERTIFICATE_OIDC_ISSUER && echo 1)$(pc_has CERTIFICATE_OIDC_ISSUER_REGEXP && echo 1)" = 1 ] ||
				pc_die "give exactly one of certificate-oidc-issuer and certificate-oidc-issuer-regexp"
		elif ! pc_has KEY; then
			pc_has PIPELINE ||
				pc_die "verify mode needs the signer: pipeline (and organization, default this build's), or certificate-identity and certificate-oidc-issuer, or key"
			pc_check_slug "$(pc_opt PIPELINE)" PIPELINE
			local org
			org=$(pc_opt ORGANIZATION)
			org=${org:-${BUILDKITE_ORGANIZATION_SLUG:-}}
			[ -n "$org" ] || pc_die "organization is not set and BUILDKITE_ORGANIZATION_SLUG is empty"
			pc_check_slug "$org" ORGANIZATION
		fi
	fi
}

# ---- picosign itself ----

# Set PICOSIGN to the binary: downloaded into DIR when download-url is set (run only when
# its SHA-256 is the pinned one), else from PATH.
pc_find_picosign() {
	local dir=$1 url want got
	if pc_has DOWNLOAD_URL; then
		url=$(pc_opt DOWNLOAD_URL)
		want=$(pc_opt DOWNLOAD_SHA256 | tr 'A-F' 'a-f')
		command -v curl >/dev/null || pc_die "download-url needs curl"
		pc_say "downloading picosign from $url"
		curl -fsSL --proto '=https,http' --max-time 120 --retry 2 -o "$dir/picosign" "$url" ||
			pc_die "downloading $url failed"
		got=$(sha256sum "$dir/picosign" | cut -d' ' -f1)
		if [ "$got" != "$want" ]; then
			rm -f "$dir/picosign"
			pc_die "the download from $url has SHA-256 $got, not the pinned $want: not running it"
		fi
		chmod 0755 "$dir/picosign"
		PICOSIGN=$dir/picosign
	else
		PICOSIGN=$(command -v picosign) ||
			pc_die "picosign is not on PATH: install it (see the README) or set download-url and download-sha256"
	fi
	pc_say "using $("$PICOSIGN" version 2>/dev/null || echo "an unknown picosign") ($PICOSIGN)"
}

# Flags every picosign call here shares.
pc_common_flags() {
	if [ "$(pc_bool ALLOW_HTTP_REGISTRY false)" = true ]; then echo --allow-http-registry; fi
	if pc_has TRUSTED_ROOT; then
		echo --trusted-root
		pc_opt TRUSTED_ROOT
		echo
	fi
	local a
	while IFS= read -r a; do
		[ -z "$a" ] && continue
		echo -a
		printf '%s\n' "$a"
	done < <(pc_list ANNOTATIONS)
}

# pc_pin REF: REF by digest (repository@sha256:...); a tag is resolved through the registry.
pc_pin() {
	local ref=$1 flags=()
	if [[ $ref == *@sha256:* ]]; then
		printf '%s\n' "$ref"
		return
	fi
	[ "$(pc_bool ALLOW_HTTP_REGISTRY false)" = true ] && flags+=(--allow-http-registry)
	"$PICOSIGN" triangulate --type digest "${flags[@]}" "$ref" || pc_die "cannot resolve $ref to a digest"
}

# The images to sign, one pinned reference per line: image, or metadata-file's
# containerimage.digest with image's repository or the file's image.name entries.
pc_sign_targets() {
	local md digest names n repo
	if ! pc_has METADATA_FILE; then
		pc_pin "$(pc_opt IMAGE)"
		return
	fi
	md=$(pc_opt METADATA_FILE)
	command -v jq >/dev/null || pc_die "metadata-file needs jq"
	digest=$(jq -r '."containerimage.digest" // empty' "$md" 2>/dev/null) ||
		pc_die "metadata-file $md is not JSON"
	[[ $digest =~ ^sha256:[0-9a-f]{64}$ ]] ||
		pc_die "metadata-file $md has no containerimage.digest (was the image built with docker buildx build --metadata-file?)"
	if pc_has IMAGE; then
		names=$(pc_opt IMAGE)
	else
		names=$(jq -r '."image.name" // empty' "$md")
		[ -n "$names" ] || pc_die "metadata-file $md has no image.name (pushed with -t?): set image to the repository"
	fi
	for n in ${names//,/ }; do
		pc_check_image "$n" "image name"
		if [[ $n == *@* ]]; then
			[ "${n#*@}" = "$digest" ] || pc_die "image $n and metadata-file digest $digest differ"
			repo=${n%@*}
		else
			repo=$n
			# Strip a tag: a ':' after the last '/' (a registry port comes before it).
			[[ ${repo##*/} == *:* ]] && repo=${repo%:*}
		fi
		printf '%s@%s\n' "$repo" "$digest"
	done | awk '!seen[$0]++'
}

# ---- the annotation ----

pc_annotate() { # pc_annotate STYLE FILE
	[ "$(pc_bool ANNOTATE true)" = true ] || return 0
	if ! command -v buildkite-agent >/dev/null; then
		pc_say "buildkite-agent not found: no annotation"
		return 0
	fi
	buildkite-agent annotate --style "$1" --context "picosign-$1" --append <"$2" ||
		pc_say "warning: buildkite-agent annotate failed"
}
# Markdown-safe: no backticks or pipes from certificates and registries.
pc_md() { printf '%s' "$1" | tr -d '`|\r\n'; }
pc_log_link() {
	local rekor=${1:-$PICOSIGN_PLUGIN_PUBLIC_REKOR} idx=$2
	if [ "${rekor%/}" = "$PICOSIGN_PLUGIN_PUBLIC_REKOR" ]; then
		printf 'https://search.sigstore.dev/?logIndex=%s' "$idx"
	else
		printf '%s/api/v1/log/entries?logIndex=%s' "${rekor%/}" "$idx"
	fi
}
# pc_cert_identity CERT.pem: "SAN<TAB>ISSUER" from `picosign cert`.
pc_cert_identity() {
	"$PICOSIGN" cert "$1" | awk '
		/Subject Alternative Name/ { san = 1; next }
		san == 1 { sub(/^ +/, ""); sub(/^(URI|email|otherName):/, ""); id = $0; san = 2; next }
		/Issuer \(V2\)/ { sub(/^[^]]*\]: /, ""); iss = $0 }
		END { printf "%s\t%s\n", id, iss }'
}

# ---- the two modes ----

pc_sign() {
	local tmp=$1 ref flags=() n=0 idx idn iss cmd
	if [ -n "${BUILDKITE_COMMAND_EXIT_STATUS:-}" ] && [ "$BUILDKITE_COMMAND_EXIT_STATUS" != 0 ]; then
		pc_say "the command failed (exit $BUILDKITE_COMMAND_EXIT_STATUS): nothing is signed"
		return 0
	fi
	mapfile -t flags < <(pc_common_flags)
	if pc_has FORMAT; then
		# The help is read whole before grep looks at it: with pipefail, `grep -q` leaving
		# early would make picosign's write fail and the check with it.
		local help
		help=$("$PICOSIGN" sign --help 2>/dev/null) || help=
		grep -q -- '--signature-format' <<<"$help" ||
			pc_die "format is set, but this picosign has no --signature-format: leave format out or use a newer picosign"
		flags+=(--signature-format "$(pc_opt FORMAT)")
	fi
	if pc_has KEY; then
		flags+=(--key "$(pc_opt KEY)")
	else
		if pc_has FULCIO_URL; then flags+=(--fulcio-url "$(pc_opt FULCIO_URL)"); fi
		flags+=(--output-certificate "$tmp/cert.pem")
	fi
	if pc_has REKOR_URL; then flags+=(--rekor-url "$(pc_opt REKOR_URL)"); fi
	local targets
	targets=$(pc_sign_targets)
	{
		echo "#### :closed_lock_with_key: Signed with picosign"
		echo
	} >"$tmp/annotation.md"
	while IFS= read -r ref; do
		echo "--- :closed_lock_with_key: picosign sign $ref"
		rm -f "$tmp/cert.pem"
		if ! "$PICOSIGN" sign -y "${flags[@]}" "$ref" 2>"$tmp/sign.err"; then
			cat "$tmp/sign.err" >&2
			pc_die "signing $ref failed"
		fi
		cat "$tmp/sign.err" >&2
		idx=$(sed -n 's/^tlog entry created with index: \([0-9]*\)$/\1/p' "$tmp/sign.err" | tail -n 1)
		if pc_has KEY; then
			idn="the key $(pc_opt KEY)"
			iss=
			cmd="picosign verify --key cosign.pub $ref"
		else
			IFS=$'\t' read -r idn iss < <(pc_cert_identity "$tmp/cert.pem")
			cmd="picosign verify --certificate-identity $idn --certificate-oidc-issuer $iss $ref"
		fi
		{
			echo "- image \`$(pc_md "${ref%@*}")\`, digest \`$(pc_md "${ref##*@}")\`"
			echo "  - identity \`$(pc_md "$idn")\`${iss:+, issuer \`$(pc_md "$iss")\`}"
			if [ -n "$idx" ]; then
				echo "  - Rekor log index [$idx]($(pc_log_link "$(pc_opt REKOR_URL)" "$idx"))"
			fi
			echo "  - check it: \`$(pc_md "$cmd")\`"
		} >>"$tmp/annotation.md"
		n=$((n + 1))
	done <<<"$targets"
	pc_say "signed $n image(s)"
	pc_annotate success "$tmp/annotation.md"
}

pc_verify() {
	local tmp=$1 result=$2 ref flags=() who org idx
	mapfile -t flags < <(pc_common_flags)
	if pc_has KEY; then
		flags+=(--key "$(pc_opt KEY)")
		who="the key $(pc_opt KEY)"
	elif pc_has PIPELINE; then
		org=$(pc_opt ORGANIZATION)
		org=${org:-$BUILDKITE_ORGANIZATION_SLUG}
		who="https://buildkite.com/$org/$(pc_opt PIPELINE)"
		flags+=(--certificate-identity "$who" --certificate-oidc-issuer "$PICOSIGN_PLUGIN_BUILDKITE_ISSUER")
	else
		local o
		for o in CERTIFICATE_IDENTITY CERTIFICATE_IDENTITY_REGEXP CERTIFICATE_OIDC_ISSUER \
			CERTIFICATE_OIDC_ISSUER_REGEXP; do
			if pc_has "$o"; then flags+=("--$(pc_name "$o")" "$(pc_opt "$o")"); fi
		done
		who="$(pc_opt CERTIFICATE_IDENTITY)$(pc_opt CERTIFICATE_IDENTITY_REGEXP) (issuer $(pc_opt CERTIFICATE_OIDC_ISSUER)$(pc_opt CERTIFICATE_OIDC_ISSUER_REGEXP))"
	fi
	ref=$(pc_pin "$(pc_opt IMAGE)")
	echo "--- :closed_lock_with_key: picosign verify $ref"
	if ! "$PICOSIGN" verify "${flags[@]}" "$ref" >"$tmp/verify.json" 2>"$tmp/verify.err"; then
		cat "$tmp/verify.err" >&2
		{
			echo "#### :no_entry: picosign refused \`$(pc_md "$ref")\`"
			echo
			echo "Not signed by \`$(pc_md "$who")\`: $(pc_md "$(grep '^Error' "$tmp/verify.err" | head -n 1)")"
		} >"$tmp/annotation.md"
		pc_annotate error "$tmp/annotation.md"
		pc_die "$ref is not signed by $who: refusing to run this step"
	fi
	cat "$tmp/verify.err" >&2
	idx=
	if command -v jq >/dev/null; then
		idx=$(jq -r '[.[] | .optional.Bundle.Payload.logIndex // empty][0] // empty' "$tmp/verify.json" 2>/dev/null || true)
	fi
	{
		echo "#### :white_check_mark: Verified with picosign"
		echo
		echo "- image \`$(pc_md "${ref%@*}")\`, digest \`$(pc_md "${ref##*@}")\`"
		echo "  - signed by \`$(pc_md "$who")\`"
		if [ -n "$idx" ]; then echo "  - Rekor log index $idx"; fi
	} >"$tmp/annotation.md"
	pc_annotate success "$tmp/annotation.md"
	printf '%s\n' "$ref" >"$result"
	pc_say "$ref verified: signed by $who"
}

# The hooks' entry point: picosign_plugin pre-command|post-command. Verify mode acts in
# pre-command (a refusal fails the job before its command runs) and exports
# PICOSIGN_VERIFIED_IMAGE (the verified reference, by digest) to the command; sign mode acts
# in post-command, after the command built and pushed the image.
picosign_plugin() {
	local hook=$1 mode
	mode=$(pc_opt MODE)
	case $mode in
	sign | verify) ;;
	"") pc_die "mode is required: sign (after the command builds the image) or verify (before a deploy)" ;;
	*) pc_die "mode must be sign or verify, not '$mode'" ;;
	esac
	if [ "$mode" = sign ] && [ "$hook" != post-command ]; then return 0; fi
	if [ "$mode" = verify ] && [ "$hook" != pre-command ]; then return 0; fi
	local result rc had_e=0
	result=$(mktemp "${TMPDIR:-/tmp}/picosign-plugin.XXXXXX")
	# The work runs in a subshell (its temp directory goes with it) under set -e; that subshell
	# must not be the left side of || or &&, where bash ignores set -e inside it.
	[[ $- == *e* ]] && had_e=1
	set +e
	(
		set -euo pipefail
		tmp=$(mktemp -d "${TMPDIR:-/tmp}/picosign-plugin.XXXXXX")
		trap 'rm -rf "$tmp"' EXIT
		pc_validate "$mode"
		pc_find_picosign "$tmp"
		if [ "$mode" = sign ]; then pc_sign "$tmp"; else pc_verify "$tmp" "$result"; fi
	)
	rc=$?
	[ "$had_e" = 1 ] && set -e
	if [ "$rc" = 0 ] && [ -s "$result" ]; then
		PICOSIGN_VERIFIED_IMAGE=$(cat "$result")
		export PICOSIGN_VERIFIED_IMAGE
	fi
	rm -f "$result"
	return "$rc"
}
