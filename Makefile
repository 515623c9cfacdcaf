# picosign: the one build entry point (style.md §8). GNU make; every setting can be overridden.
#
#   make              build/release/picosign (gcc, hardened, dynamic), copied to ./picosign
#   make check        install missing deps, build, run every test; last line "N passed, N failed"
#   make sanitize     the same suite built with ASan + UBSan
#   make fuzz         clang + libFuzzer builds of every harness; make fuzz-smoke runs each
#   make static       a fully static musl build of picosign (Debian's CA roots embedded)
#   make static-verify  the same without the signing commands (picosign-verify-static)
#   make check-cross  unit tests on s390x and i386 under qemu-user (make deps-cross first)
#   make fuzz-long FUZZ_SECONDS=N   a fuzzing campaign; the table goes to docs/fuzzing.md
#   make valgrind     unit tests and integration commands under valgrind memcheck
#   make bench        benchmarks (not part of check)
#   make install PREFIX=... / make uninstall / make clean / make deps
#   make image-rootfs / make dist   the scratch image's root filesystem; a signed release
#
# Modules are discovered: every src/<folder>/*.c is part of picosign (src/README.md has the
# folders by rank). Tests and fuzz harnesses link archives, not lists of modules: the offline
# archive alone unless named in FULL_TESTS / FULL_FUZZ below.

CC := $(if $(filter default,$(origin CC)),gcc,$(CC))
CLANG ?= clang
MUSLCC ?= musl-gcc
V ?= release
BUILD := build/$(V)
PREFIX ?= /usr/local
DESTDIR ?=
SHARED ?= ../shared
export SG_VECTORS ?= $(abspath $(SHARED))/vectors

BEARSSL_A ?= /usr/lib/x86_64-linux-gnu/libbearssl.a
# Cross targets for check-cross: a big-endian 64-bit one and a 32-bit one (issue #14).
CROSS_ARCHES ?= s390x i386
CROSS_TRIPLE_s390x := s390x-linux-gnu
CROSS_TRIPLE_i386 := i686-linux-gnu
CROSS_TRIPLE_armhf := arm-linux-gnueabihf
CROSS_MULTI_s390x := s390x-linux-gnu
CROSS_MULTI_i386 := i386-linux-gnu
CROSS_MULTI_armhf := arm-linux-gnueabihf
CROSS_QEMU_s390x := qemu-s390x-static
CROSS_QEMU_i386 := qemu-i386-static -L /usr/i686-linux-gnu
CROSS_QEMU_armhf := qemu-arm-static -L /usr/arm-linux-gnueabihf
BEARSSL_INC ?= /usr/include/bearssl

# 64-bit time_t and off_t on 32-bit glibc targets too (no-ops elsewhere; sys/os.c asserts it).
STD := -std=c11 -D_POSIX_C_SOURCE=200809L -D_FILE_OFFSET_BITS=64 -D_TIME_BITS=64
WARN := -Wall -Wextra -Werror -pedantic -Wshadow -Wconversion -Wsign-conversion -Wcast-qual \
	-Wwrite-strings -Wformat=2 -Wvla -Wstrict-prototypes -Wmissing-prototypes \
	-Wimplicit-fallthrough
INC := -Isrc -Ivendor-free-json

ifeq ($(V),release)
OPT := -O2 -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE
LDOPT := -pie -Wl,-z,relro,-z,now,-z,noexecstack
else ifeq ($(V),sanitize)
OPT := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fPIE
LDOPT := -fsanitize=address,undefined -pie
else ifeq ($(V),debug)
OPT := -O0 -g3 -DSG_DEBUG -fPIE
LDOPT := -pie
else ifneq ($(filter cross-%,$(V)),)
# check-cross (below): the unit tests and corpus replays for another architecture, built with
# Debian's cross compiler against that architecture's BearSSL (multiarch) and run under
# qemu-user. Static: a dynamic s390x binary aborts under qemu-user 7.2 (testing.md §10).
CROSS_ARCH := $(V:cross-%=%)
CROSS_TRIPLE := $(CROSS_TRIPLE_$(CROSS_ARCH))
ifeq ($(CROSS_TRIPLE),)
$(error unknown cross architecture $(CROSS_ARCH): $(CROSS_ARCHES))
endif
CC := $(CROSS_TRIPLE)-gcc
AR := $(CROSS_TRIPLE)-ar
OPT := -O1 -g -fstack-protector-strong -D_FORTIFY_SOURCE=2
LDOPT := -static
else
$(error unknown variant V=$(V): release, sanitize, debug or cross-ARCH)
endif

CFLAGS ?=
LDFLAGS ?=
ALL_CFLAGS := $(STD) $(WARN) $(INC) $(OPT) $(EXTRA_CFLAGS) $(CFLAGS) -MMD -MP
LDLIBS := -lbearssl -pthread

# ---- sources and archives (src/README.md; layout.md §3.6) ----
# Folders by rank. Ranks 0-5 are the offline set: everything a verifier needs, built without
# the signing side into libpicosign-offline.a, which the verifier's tests and the parser fuzzers
# link alone with BearSSL, so a clock, file, socket or randomness call on the verify path fails
# to link (scripts/offline-symbols.sh checks the archive's undefined symbols as well).
# libpicosign.a holds everything but cli/; libpicosign-cli.a holds cli/ without main.c.
OFFLINE_DIRS := base parse crypto pki sigstore oci verify
ONLINE_DIRS := sys online sign cli
SIGNING_SIDE := src/crypto/drbg.c src/crypto/p256.c src/crypto/nacl.c
SRCS := $(foreach d,$(OFFLINE_DIRS) $(ONLINE_DIRS),$(wildcard src/$(d)/*.c))
OFFLINE_SRCS := $(filter-out $(SIGNING_SIDE),$(foreach d,$(OFFLINE_DIRS),$(wildcard src/$(d)/*.c)))
LIB_SRCS := $(filter-out src/cli/%,$(SRCS))
CLI_SRCS := $(filter-out src/cli/main.c,$(filter src/cli/%,$(SRCS)))
VFJ_SRC := vendor-free-json/vfj.c
OBJ = $(BUILD)/obj/$(basename $(1)).o
OFFLINE_OBJS := $(foreach s,$(OFFLINE_SRCS) $(VFJ_SRC),$(call OBJ,$(s)))
LIB_OBJS := $(foreach s,$(LIB_SRCS) $(VFJ_SRC),$(call OBJ,$(s)))
CLI_OBJS := $(foreach s,$(CLI_SRCS),$(call OBJ,$(s)))
OFFLINE_A := $(BUILD)/libpicosign-offline.a
LIB_A := $(BUILD)/libpicosign.a
CLI_A := $(BUILD)/libpicosign-cli.a

# ---- embedded trust material (docs/trustroot.md) ----
# trust/ holds the public-good TUF metadata (root, timestamp, snapshot, targets) with the two
# targets picosign reads (trusted_root.json, signing_config.v0.2.json), and the staging
# trusted root. Each file is pinned here by SHA-256: scripts/embed-trust.sh writes
# build/gen/embedded_trust.c from trust/ alone (no network, no ../shared) and fails the build
# when a file differs from its pin. TRUST_FETCHED is when the embedded timestamp was fetched
# (the age policy starts there). `make update-trust` refreshes trust/ and the lines between
# the markers through picosign's own TUF client (scripts/update-trust.sh; needs the network).
# The object goes into libpicosign-cli.a (cli/ is the only reader); the static build embeds
# only the TUF root and trusted_root.json (its size budget, see below).
# BEGIN TRUST PINS (scripts/update-trust.sh rewrites these lines)
TRUST_FETCHED := 2026-08-21T19:25:56Z
TRUST_PINS := \
	tuf_root=trust/public-good/root.json=73747011d0857ada15479a16c4cae0f3ed03aac698b523b97e1de314ac9d9ca8 \
	tuf_timestamp=trust/public-good/timestamp.json=df130b04ba3aaeb43d59c59a79ae2614626e99dcb5c3a3945558ae76e431fb02 \
	tuf_snapshot=trust/public-good/snapshot.json=8f784ab614ec62bfdd5f568eb2a2e3011668449ba235ed4eb7befa99f8469933 \
	tuf_targets=trust/public-good/targets.json=6a697f7f8908c8ab26c11786ecb490b54acec97fa8c802e399f065f8a0cc1acd \
	trusted_root=trust/public-good/trusted_root.json=6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66 \
	signing_config=trust/public-good/signing_config.v0.2.json=9711a6d5375706957a4859af31c5866a4474f81f0544f9f4b76c9c4f4c8a539c
STAGING_PIN := staging_root=trust/staging/trusted_root.json=81f5af777952d2c3955062ad56924c05ca916b5d49f3a0bce945faa475a8b1cc
# END TRUST PINS
TRUST_FILES := $(foreach p,$(TRUST_PINS) $(STAGING_PIN),$(word 2,$(subst =, ,$(p))))
EMBED_C := build/gen/embedded_trust.c
EMBED_STATIC_C := build/gen/embedded_trust_static.c
EMBED_OBJ := $(call OBJ,$(EMBED_C))
CLI_OBJS += $(EMBED_OBJ)
MAIN_OBJ := $(call OBJ,src/cli/main.c)

# vendor-free-json keeps its own test file; it runs in the suite as "vfj_suite".
TESTS := $(patsubst tests/%.c,%,$(wildcard tests/test_*.c)) vfj_suite
TEST_BINS := $(addprefix $(BUILD)/tests/,$(TESTS))
FUZZ_TARGETS := $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_REPLAY_BINS := $(addprefix $(BUILD)/fuzz/fuzz_,$(FUZZ_TARGETS))

# Which archives a test or harness links. Every one not named here links the offline archive
# alone: that is the proof that it needs nothing beyond ranks 0-5 and BearSSL. Those named here
# test the online, signing or CLI side and link the full archives (the linker takes only the
# objects they reference).
FULL_TESTS := test_cli_flags test_cli_util test_crypto test_fulcio test_http test_keys test_layout \
	test_manifest test_nacl test_oidc test_referrer test_registry test_rekor test_tagrace \
	test_trustroot
FULL_FUZZ := fulcio_response http_response keyfile keysrc registry rekor_response spki timeout
archives_of = $(if $(filter $(1),$(FULL_TESTS) $(addprefix fuzz_,$(FULL_FUZZ))),$(CLI_A) $(LIB_A),$(OFFLINE_A))

.PHONY: all check sanitize fuzz fuzz-smoke static static-verify install uninstall clean deps \
	test-build test-run bench conformance demo format deps-check update-trust
.SECONDEXPANSION:

all: picosign

picosign: $(BUILD)/picosign
	cp $< $@

# Embedded trust material (variables above).
$(EMBED_C): scripts/embed-trust.sh $(TRUST_FILES) Makefile
	@bash scripts/embed-trust.sh $@ $(TRUST_FETCHED) $(TRUST_PINS) $(STAGING_PIN)
$(EMBED_STATIC_C): scripts/embed-trust.sh $(TRUST_FILES) Makefile
	@bash scripts/embed-trust.sh $@ $(TRUST_FETCHED) $(filter tuf_root=% trusted_root=% signing_config=%,$(TRUST_PINS)) \
		tuf_timestamp=-= tuf_snapshot=-= tuf_targets=-= staging_root=-=

# Refresh trust/ and the pins above through picosign's TUF client (network; docs/trustroot.md).
update-trust: all
	@bash scripts/update-trust.sh

$(OFFLINE_A): $(OFFLINE_OBJS)
$(LIB_A): $(LIB_OBJS)
$(CLI_A): $(CLI_OBJS)
$(OFFLINE_A) $(LIB_A) $(CLI_A):
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/picosign: $(MAIN_OBJ) $(CLI_A) $(LIB_A)
	$(CC) $(LDOPT) $(LDFLAGS) -o $@ $(filter %.c %.o %.a,$^) $(LDLIBS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Tests: one binary per module; tests may include tests/*.h. Archives: archives_of, above.
$(BUILD)/tests/%: tests/%.c $$(call archives_of,%)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -D_DEFAULT_SOURCE -Itests $(LDOPT) $(LDFLAGS) -o $@ $(filter %.c %.o %.a,$^) $(LDLIBS)

$(BUILD)/tests/vfj_suite: vendor-free-json/test_vfj.c $(call OBJ,$(VFJ_SRC))
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDOPT) $(LDFLAGS) -o $@ $(filter %.c %.o %.a,$^)

# Fuzz harnesses built with gcc as plain replay programs.
$(BUILD)/fuzz/fuzz_%: fuzz/fuzz_%.c fuzz/standalone_main.c $$(call archives_of,fuzz_%)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes $(LDOPT) $(LDFLAGS) -o $@ $(filter %.c %.o %.a,$^) $(LDLIBS)

test-build: $(BUILD)/picosign $(OFFLINE_A) $(TEST_BINS) $(FUZZ_REPLAY_BINS)
cross-build: $(OFFLINE_A) $(TEST_BINS) $(FUZZ_REPLAY_BINS)

test-run: test-build
	@SG_BIN=$(abspath $(BUILD)/picosign) SG_BUILD=$(abspath $(BUILD)) \
		FUZZ_TARGETS="$(FUZZ_TARGETS)" TESTS="$(TESTS)" FUZZ_SMOKE=$(FUZZ_SMOKE) \
		FUZZ_RUNS=$(FUZZ_RUNS) CROSS_RUN="$(TEST_CROSS_RUN)" bash tests/run.sh

# make check also runs the libFuzzer smoke when clang is present (FUZZ_SMOKE=0 turns it off);
# tests/run.sh counts it so the last line stays the grand total.
HAVE_CLANG := $(shell command -v $(CLANG) >/dev/null 2>&1 && echo 1)
FUZZ_SMOKE ?= $(if $(HAVE_CLANG),1,0)

check: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p build; if [ "$(FUZZ_SMOKE)" = 1 ]; then $(MAKE) --no-print-directory -j2 fuzz >build/fuzz-build.log 2>&1 \
		|| { tail -n 30 build/fuzz-build.log; echo "fuzz build failed (log build/fuzz-build.log)"; }; fi
	@if [ "$(CHECK_CROSS)" = 1 ] && [ -n "$(CROSS_READY)" ]; then \
		$(MAKE) --no-print-directory cross-builds; fi
	@$(MAKE) --no-print-directory test-run V=$(V) FUZZ_SMOKE=$(FUZZ_SMOKE) \
		TEST_CROSS_RUN="$(if $(filter 1,$(CHECK_CROSS)),$(CROSS_RUN))"

sanitize: deps
	@$(MAKE) --no-print-directory test-run V=sanitize FUZZ_SMOKE=0

# ---- other architectures under qemu-user (issue #14; testing.md §10) ----
# The cross targets whose compiler, BearSSL archive and qemu are installed here
# (`make deps-cross` installs them: ~65 s of apt, too slow for every CI run's `make deps`).
CROSS_READY := $(foreach a,$(CROSS_ARCHES),$(if $(and $(shell command -v \
	$(CROSS_TRIPLE_$(a))-gcc 2>/dev/null),$(wildcard /usr/lib/$(CROSS_MULTI_$(a))/libbearssl.a),$(shell \
	command -v $(firstword $(CROSS_QEMU_$(a))) 2>/dev/null)),$(a)))
# "ARCH=qemu command;..." for tests/run.sh.
CROSS_RUN := $(subst ; ,;,$(foreach a,$(CROSS_READY),$(a)=$(CROSS_QEMU_$(a));))
# `make check` also runs them (in the background, beside the integration tests) with
# CHECK_CROSS=1, the default under CI (CI=true, as GitHub Actions, Buildkite and GitLab set it)
# when the tools are installed. Not by default on a workstation: on two shared cores they add
# about 3 minutes to the 4 of `make check` (docs/decisions.md).
CHECK_CROSS ?= $(if $(filter true 1,$(CI)),1,0)
.PHONY: check-cross cross-build deps-cross
# Builds the unit tests and gcc corpus replays for each ready architecture (build/cross-ARCH,
# log in build/cross-ARCH.log) and runs them under qemu-user; prints each architecture's
# result and the total.
check-cross:
	@if [ -z "$(CROSS_READY)" ]; then echo "check-cross: no cross toolchain for $(CROSS_ARCHES)" \
		"(make deps-cross)"; echo "0 passed, 0 failed"; exit 0; fi
	@$(MAKE) --no-print-directory cross-builds
	@SG_BUILD=$(abspath $(BUILD)) SG_BIN=$(abspath $(BUILD)/picosign) TESTS="$(TESTS)" \
		FUZZ_TARGETS="$(FUZZ_TARGETS)" CROSS_ONLY=1 CROSS_RUN="$(CROSS_RUN)" bash tests/run.sh
.PHONY: cross-builds
cross-builds:
	@mkdir -p build; for a in $(CROSS_READY); do \
		$(MAKE) --no-print-directory -j2 V=cross-$$a cross-build >build/cross-$$a.log 2>&1 || \
		{ tail -n 20 build/cross-$$a.log; echo "cross build for $$a failed (build/cross-$$a.log)"; }; \
	done
deps-cross:
	@bash scripts/deps.sh --cross

# Memory hygiene (scripts/valgrind.sh): the unit tests and a set of integration scripts with
# every picosign command under valgrind memcheck; no error and no lost block. Not in check.
.PHONY: valgrind
valgrind: deps
	@$(MAKE) --no-print-directory test-build
	@SG_BUILD=$(abspath $(BUILD)) bash scripts/valgrind.sh

deps:
	@bash scripts/deps.sh

# ---- fuzzing with clang + libFuzzer ----
FUZZ_DIR := build/fuzz
# Module objects are compiled once with fuzzer coverage and sanitizers, then shared by every
# harness; only the harness itself links with -fsanitize=fuzzer (which brings libFuzzer's main).
FUZZ_SAN := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := $(STD) $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
	-fsanitize-coverage-ignorelist=fuzz/coverage-ignore.txt $(INC) -I$(BEARSSL_INC) -MMD -MP
FUZZ_RUNS ?= 20000
FUZZ_OFFLINE_A := $(FUZZ_DIR)/libpicosign-offline.a
FUZZ_LIB_A := $(FUZZ_DIR)/libpicosign.a
FUZZ_CLI_A := $(FUZZ_DIR)/libpicosign-cli.a
fuzz_obj = $(FUZZ_DIR)/obj/$(basename $(1)).o
$(FUZZ_OFFLINE_A): $(foreach s,$(OFFLINE_SRCS) $(VFJ_SRC),$(call fuzz_obj,$(s)))
$(FUZZ_LIB_A): $(foreach s,$(LIB_SRCS) $(VFJ_SRC),$(call fuzz_obj,$(s)))
$(FUZZ_CLI_A): $(foreach s,$(CLI_SRCS) $(EMBED_C),$(call fuzz_obj,$(s)))
$(FUZZ_OFFLINE_A) $(FUZZ_LIB_A) $(FUZZ_CLI_A):
	@rm -f $@
	$(AR) rcs $@ $^
fuzz_archives_of = $(subst $(BUILD)/,$(FUZZ_DIR)/,$(call archives_of,$(1)))

fuzz: $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_TARGETS))

$(FUZZ_DIR)/obj/%.o: %.c fuzz/coverage-ignore.txt
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_DIR)/fuzz_%: fuzz/fuzz_%.c $$(call fuzz_archives_of,fuzz_%)
	@mkdir -p $(dir $@)
	$(CLANG) $(STD) $(FUZZ_SAN) -fsanitize=fuzzer $(INC) -o $@ $(filter %.c %.o %.a,$^) -lbearssl

fuzz-smoke: fuzz
	@FUZZ_RUNS=$(FUZZ_RUNS) FUZZ_TARGETS="$(FUZZ_TARGETS)" bash fuzz/smoke.sh

# A campaign (fuzz/long.sh, docs/fuzzing.md): every harness (or FUZZ_TARGETS="der x509") until
# FUZZ_MAX_RUNS executions (10^7) or FUZZ_SECONDS seconds, FUZZ_JOBS at a time; the new corpus
# is merged back minimized into fuzz/corpus/, and the table goes to docs/fuzzing.md.
FUZZ_SECONDS ?=
FUZZ_MAX_RUNS ?= 10000000
FUZZ_JOBS ?= 1
.PHONY: fuzz-long
fuzz-long:
	@if [ -z "$(FUZZ_SECONDS)" ]; then echo "usage: make fuzz-long FUZZ_SECONDS=N" \
		"[FUZZ_TARGETS='der x509'] [FUZZ_JOBS=2] [FUZZ_MAX_RUNS=10000000]"; exit 2; fi
	@$(MAKE) --no-print-directory -j2 $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_TARGETS))
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_MAX_RUNS=$(FUZZ_MAX_RUNS) FUZZ_JOBS=$(FUZZ_JOBS) \
		FUZZ_TARGETS="$(FUZZ_TARGETS)" bash fuzz/long.sh

# ---- static musl build ----
STATIC_DIR := build/static
# Size matters here (issue #13's budget, 500 KB, which the verify-only build below keeps): -Oz;
# no unwind tables (C has no exceptions, and .eh_frame from musl's libc.a is dropped after the
# link);
# link-time optimisation (-flto=auto, about 8 KB); BearSSL's portable constant-time record
# engines only (SG_TLS_PORTABLE in sys/net.c, about 9 KB: no AES-NI, PCLMUL or SSE2 twins,
# AES-GCM suites only); one read-execute segment (-z noseparate-code, the page of padding
# between code and read-only data); no RELRO padding (-z norelro: without a dynamic loader
# nothing applies RELRO to a static binary, and the page it aligns to is file padding);
# SG_SMALL leaves the inspection commands `debug`, `cert`, `download` and `tree` out (use the
# dynamic build for audits), and `save` (the connected side of the air gap; verify
# --local-image stays); SG_NO_THREADS runs verify's images on one worker
# (sys/os.c). Of the trust material only the TUF root, trusted_root.json and the signing
# config are embedded, no staging root (docs/trustroot.md, decisions.md).
OBJCOPY ?= objcopy
STATIC_OPT ?= -Oz -fno-asynchronous-unwind-tables -fno-unwind-tables -DSG_SMALL -DSG_TLS_PORTABLE \
	-DSG_NO_THREADS -flto=auto -flto-partition=one -Wl,-z,noseparate-code -Wl,-z,norelro -Wl,-z,common-page-size=64
# Whether the binary $(1) is a verify-only build: its version line (cli/main.c) is in it.
is_verify_only = strings $(1) | grep -qx 'verify-only build: no'
static: $(STATIC_DIR)/picosign
	@! $(call is_verify_only,$<) || \
		{ echo "$< is a verify-only build (STATIC_VERIFY_ONLY)"; exit 1; }
	cp $< picosign-static
	@file picosign-static | grep -q 'statically linked' || { echo "not static"; exit 1; }
	@! readelf -d picosign-static 2>/dev/null | grep -Eq 'NEEDED|INTERP'
	@echo "static: picosign-static, $$(stat -c %s picosign-static) bytes"

# The verify-only static build (make static-verify): the static build without the signing
# commands (generate-key-pair, sign, attest, sign-blob, sign-bundle: SG_VERIFY_ONLY in
# cli/main.c), for deploy gates and scratch images that only check. It keeps within the budget
# of issue #13 that the full static build exceeds (docs/decisions.md, "Static size").
# STATIC_VERIFY_DIR and EMBED_CA_BUNDLE select the build, as STATIC_DIR does for `make static`.
# The mode is recorded in gen/verify_only.setting like the CA setting, so a directory never
# keeps a binary of the other mode; each copy step checks which mode it got. What the two
# builds share (the embedded trust source, the anchor tool) is made here before the sub-make,
# so `make -j static static-verify` does not write them twice at once.
STATIC_VERIFY_DIR ?= build/static-verify
STATIC_MODE_OPT := $(if $(STATIC_VERIFY_ONLY),-DSG_VERIFY_ONLY)
static-verify: $(EMBED_STATIC_C) $(if $(STATIC_CA_BUNDLE),$(CA_ANCHORS))
	@$(MAKE) --no-print-directory STATIC_DIR=$(STATIC_VERIFY_DIR) STATIC_VERIFY_ONLY=1 \
		$(STATIC_VERIFY_DIR)/picosign
	@$(call is_verify_only,$(STATIC_VERIFY_DIR)/picosign) || \
		{ echo "$(STATIC_VERIFY_DIR)/picosign is not a verify-only build"; exit 1; }
	cp $(STATIC_VERIFY_DIR)/picosign picosign-verify-static
	@file picosign-verify-static | grep -q 'statically linked' || { echo "not static"; exit 1; }
	@echo "static-verify: picosign-verify-static, $$(stat -c %s picosign-verify-static) bytes"

$(STATIC_DIR)/picosign: $(SRCS) $(EMBED_STATIC_C) $(VFJ_SRC) support/musl/fortify_shim.c $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	$(MUSLCC) $(STD) $(STATIC_OPT) $(STATIC_MODE_OPT) $(WARN) -Isrc -Ivendor-free-json \
		-isystem $(BEARSSL_INC) -ffunction-sections -fdata-sections -fstack-protector-strong -static \
		-Wl,--gc-sections -s -o $@ $(SRCS) $(EMBED_STATIC_C) $(VFJ_SRC) support/musl/fortify_shim.c \
		$(BEARSSL_A)
	$(OBJCOPY) --remove-section=.eh_frame --remove-section=.eh_frame_hdr $@

# ---- third-party suites ----
conformance: all
	@bash tests/conformance.sh

deps-check:
	@bash scripts/deps-check.sh

# The main job, end to end on one machine (scripts/demo.sh): local registry and Sigstore,
# keyless signing with a Buildkite-shaped token in cosign v3's form and in the legacy one,
# `tree`, verification, cosign's errors.
demo: deps
	@$(MAKE) --no-print-directory all
	@bash scripts/demo.sh

# ---- misc ----
bench: all
	@bash bench/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 picosign $(DESTDIR)$(PREFIX)/bin/picosign

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/picosign

clean:
	rm -rf build picosign picosign-static picosign-verify-static

format:
	clang-format -i src/*/*.c src/*/*.h tests/*.c tests/*.h fuzz/*.c fuzz/*.h

# ---- embedded TLS trust anchors (docs/transport.md; issues #4 and #13) ----
# The last-resort TLS anchors, used only when the system has no CA store
# (/etc/ssl/certs/ca-certificates.crt) and SSL_CERT_FILE / SSL_CERT_DIR are unset, as in a
# scratch image. support/ca_anchors.c turns a PEM bundle into a header of br_x509_trust_anchor
# rows (DN and public key only: ~65 KB for Debian's 142 roots against 220 KB of PEM), and the
# binary names the bundle by its SHA-256 ("the embedded CA bundle (142 anchors, sha256:...)").
#   make static                             Debian's ca-certificates roots, $(CA_CERTS_DIR)/*.crt
#                                           in name order (not /etc/ssl/certs, which holds the
#                                           build host's own additions too)
#   make static EMBED_CA_BUNDLE=            no anchors
#   make [static] EMBED_CA_BUNDLE=FILE.pem  that bundle (the dynamic build embeds none unless asked)
# Each build records its setting in gen/embed_ca.setting, so changing it rebuilds what uses it.
CA_CERTS_DIR ?= /usr/share/ca-certificates/mozilla
ifeq ($(origin EMBED_CA_BUNDLE),undefined)
EMBED_CA_BUNDLE :=
STATIC_CA_BUNDLE := $(if $(wildcard $(CA_CERTS_DIR)/*.crt),$(STATIC_DIR)/gen/debian-ca-certificates.pem)
else
STATIC_CA_BUNDLE := $(EMBED_CA_BUNDLE)
endif
CA_ANCHORS := build/tools/ca_anchors
EMBED_CA_H := $(abspath $(BUILD)/gen/embedded_ca.h)
EMBED_CA_SETTING := $(BUILD)/gen/embed_ca.setting
STATIC_CA_H := $(abspath $(STATIC_DIR)/gen/embedded_ca.h)
STATIC_CA_SETTING := $(STATIC_DIR)/gen/embed_ca.setting
ca_sync = $(shell mkdir -p $(dir $(1)) && { [ -f $(1) ] && [ "$$(cat $(1))" = '$(2)' ] || \
	printf '%s' '$(2)' > $(1); })
_embed_ca_sync := $(call ca_sync,$(EMBED_CA_SETTING),$(EMBED_CA_BUNDLE))
_static_ca_sync := $(call ca_sync,$(STATIC_CA_SETTING),$(STATIC_CA_BUNDLE))
# (and the static build's mode, make static-verify above, the same way)
STATIC_MODE_SETTING := $(STATIC_DIR)/gen/verify_only.setting
_static_mode_sync := $(call ca_sync,$(STATIC_MODE_SETTING),$(STATIC_VERIFY_ONLY))
$(STATIC_DIR)/picosign: $(STATIC_MODE_SETTING)
$(call OBJ,src/sys/net.c): $(EMBED_CA_SETTING)
$(STATIC_DIR)/picosign: $(STATIC_CA_SETTING)

$(CA_ANCHORS): support/ca_anchors.c
	@mkdir -p $(dir $@)
	$(CC) $(STD) -O2 -Wall -Wextra -Werror -I$(BEARSSL_INC) -o $@ $< $(LDLIBS)

$(STATIC_DIR)/gen/debian-ca-certificates.pem: $(wildcard $(CA_CERTS_DIR)/*.crt)
	@mkdir -p $(dir $@)
	@for f in $(sort $^); do cat "$$f"; done > $@.tmp && mv $@.tmp $@

ifneq ($(EMBED_CA_BUNDLE),)
$(EMBED_CA_H): $(EMBED_CA_BUNDLE) $(EMBED_CA_SETTING) $(CA_ANCHORS)
	@mkdir -p $(dir $@)
	$(CA_ANCHORS) $< > $@.tmp && mv $@.tmp $@
$(call OBJ,src/sys/net.c): $(EMBED_CA_H)
$(call OBJ,src/sys/net.c): ALL_CFLAGS += -DSG_EMBED_CA_H='"$(EMBED_CA_H)"'
endif
ifneq ($(STATIC_CA_BUNDLE),)
$(STATIC_CA_H): $(STATIC_CA_BUNDLE) $(STATIC_CA_SETTING) $(CA_ANCHORS)
	@mkdir -p $(dir $@)
	$(CA_ANCHORS) $< > $@.tmp && mv $@.tmp $@
	@echo "embedded CA bundle: $$(sed -n 's/^#define SG_EMBEDDED_CA_INFO "\(.*\)"$$/\1/p' $@) ($<)"
$(STATIC_DIR)/picosign: $(STATIC_CA_H)
$(STATIC_DIR)/picosign: STD += -DSG_EMBED_CA_H='"$(STATIC_CA_H)"'
endif

# ---- shipping: reproducible static builds, install, scratch image, releases (issue #13) ----
# Reproducible: two static builds of one commit in two directories give the same bytes
# (tests/integration/ship.sh). Nothing reads the clock (SOURCE_DATE_EPOCH, from the commit, is
# what tar and any __DATE__ would use) and no path survives: sources are named relatively, the
# binary is stripped, and -ffile-prefix-map covers what is left.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
export SOURCE_DATE_EPOCH
$(STATIC_DIR)/picosign: STATIC_OPT += -ffile-prefix-map=$(CURDIR)/=

# The man page and the shell completions are generated from the binary's own --help texts
# (scripts/gen-help.sh), so they cannot say something else than `picosign CMD --help`.
SHARE_DIR := $(BUILD)/share
MAN_PAGE := $(SHARE_DIR)/picosign.1
COMPLETIONS := $(SHARE_DIR)/picosign.bash $(SHARE_DIR)/_picosign $(SHARE_DIR)/picosign.fish
MANDIR ?= $(PREFIX)/share/man
BASH_COMPLETION_DIR ?= $(PREFIX)/share/bash-completion/completions
ZSH_COMPLETION_DIR ?= $(PREFIX)/share/zsh/site-functions
FISH_COMPLETION_DIR ?= $(PREFIX)/share/fish/vendor_completions.d
.PHONY: man completions install-extras uninstall-extras image-rootfs dist
man: $(MAN_PAGE)
completions: $(COMPLETIONS)
$(MAN_PAGE): $(BUILD)/picosign scripts/gen-help.sh
	@mkdir -p $(dir $@)
	bash scripts/gen-help.sh man $< > $@.tmp && mv $@.tmp $@
$(SHARE_DIR)/picosign.bash: $(BUILD)/picosign scripts/gen-help.sh
	@mkdir -p $(dir $@)
	bash scripts/gen-help.sh bash $< > $@.tmp && mv $@.tmp $@
$(SHARE_DIR)/_picosign: $(BUILD)/picosign scripts/gen-help.sh
	@mkdir -p $(dir $@)
	bash scripts/gen-help.sh zsh $< > $@.tmp && mv $@.tmp $@
$(SHARE_DIR)/picosign.fish: $(BUILD)/picosign scripts/gen-help.sh
	@mkdir -p $(dir $@)
	bash scripts/gen-help.sh fish $< > $@.tmp && mv $@.tmp $@

# `make install` (above) installs the binary; these add the page and the completions, and
# `make uninstall` removes exactly the files installed (directories stay).
INSTALLED_EXTRAS := $(DESTDIR)$(MANDIR)/man1/picosign.1 \
	$(DESTDIR)$(BASH_COMPLETION_DIR)/picosign $(DESTDIR)$(ZSH_COMPLETION_DIR)/_picosign \
	$(DESTDIR)$(FISH_COMPLETION_DIR)/picosign.fish
install: install-extras
uninstall: uninstall-extras
install-extras: $(MAN_PAGE) $(COMPLETIONS)
	install -D -m 0644 $(MAN_PAGE) $(DESTDIR)$(MANDIR)/man1/picosign.1
	install -D -m 0644 $(SHARE_DIR)/picosign.bash $(DESTDIR)$(BASH_COMPLETION_DIR)/picosign
	install -D -m 0644 $(SHARE_DIR)/_picosign $(DESTDIR)$(ZSH_COMPLETION_DIR)/_picosign
	install -D -m 0644 $(SHARE_DIR)/picosign.fish $(DESTDIR)$(FISH_COMPLETION_DIR)/picosign.fish
uninstall-extras:
	rm -f $(INSTALLED_EXTRAS)

# The scratch image's root filesystem as a tarball: what the Dockerfile builds (FROM scratch,
# the static binary as /picosign, nothing else), for machines without docker. Deterministic
# (names sorted, owner 0, mtime SOURCE_DATE_EPOCH). STATIC_DIR and EMBED_CA_BUNDLE select the
# build, as for `make static`.
IMAGE_ROOTFS ?= $(STATIC_DIR)/image-rootfs.tar
image-rootfs: $(STATIC_DIR)/picosign Dockerfile
	@rm -rf $(STATIC_DIR)/rootfs && mkdir -p $(STATIC_DIR)/rootfs
	install -m 0755 $(STATIC_DIR)/picosign $(STATIC_DIR)/rootfs/picosign
	tar --sort=name --mtime=@$(SOURCE_DATE_EPOCH) --owner=0 --group=0 --numeric-owner \
		-C $(STATIC_DIR)/rootfs -cf $(IMAGE_ROOTFS) picosign
	@echo "image-rootfs: $(IMAGE_ROOTFS)"

# A release: the static binary and the verify-only one, BUILDINFO (what a rebuild needs to
# match), SHA256SUMS, and a Sigstore bundle for each of those made by `picosign sign-blob`
# (keyless: the OIDC token comes from the environment, as in a CI job; DIST_SIGN_FLAGS adds
# flags such as --fulcio-url).
# DIST_SIGN=0 leaves the bundles out. README.md shows how to check a download.
DIST_DIR ?= build/dist
DIST_SIGN ?= 1
DIST_SIGN_FLAGS ?=
dist: static static-verify
	@rm -rf $(DIST_DIR) && mkdir -p $(DIST_DIR)
	@DIST_DIR=$(DIST_DIR) DIST_SIGN=$(DIST_SIGN) STATIC_CA_BUNDLE='$(STATIC_CA_BUNDLE)' \
		VERIFY_BIN=picosign-verify-static \
		MUSLCC=$(MUSLCC) BEARSSL_A=$(BEARSSL_A) bash scripts/dist.sh picosign-static $(DIST_SIGN_FLAGS)

-include $(shell find build -name '*.d' 2>/dev/null)
