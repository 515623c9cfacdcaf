# picosign: the one build entry point (style.md §8). GNU make; every setting can be overridden.
#
#   make              build/release/picosign (gcc, hardened, dynamic), copied to ./picosign
#   make check        install missing deps, build, run every test; last line "N passed, N failed"
#   make sanitize     the same suite built with ASan + UBSan
#   make fuzz         clang + libFuzzer builds of every harness; make fuzz-smoke runs each
#   make static       a fully static musl build of picosign
#   make bench        benchmarks (not part of check)
#   make install PREFIX=... / make uninstall / make clean / make deps
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
BEARSSL_INC ?= /usr/include/bearssl

STD := -std=c11 -D_POSIX_C_SOURCE=200809L
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
else
$(error unknown variant V=$(V): release, sanitize or debug)
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

# ---- embedded trusted roots (docs/trustroot.md) ----
# scripts/embed-trust-root.sh writes build/gen/embedded_root.c: the public-good trusted_root.json
# that matches the pinned SHA-256 and the staging root, as byte arrays of length 0 when
# unavailable. It runs on every build and rewrites the file only when its content changes. The
# object goes into libpicosign-cli.a (cli/trust.c is its one reader) and the static build.
EMBED_C := build/gen/embedded_root.c
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
FULL_TESTS := test_cli_flags test_cli_util test_crypto test_fulcio test_http test_keys test_manifest test_nacl \
	test_oidc test_registry test_rekor test_trustroot
FULL_FUZZ := duration fulcio_response http_response keyfile keysrc registry rekor_response spki
archives_of = $(if $(filter $(1),$(FULL_TESTS) $(addprefix fuzz_,$(FULL_FUZZ))),$(CLI_A) $(LIB_A),$(OFFLINE_A))

.PHONY: all check sanitize fuzz fuzz-smoke static install uninstall clean deps test-build \
	test-run bench conformance demo format deps-check
.SECONDEXPANSION:

all: picosign

picosign: $(BUILD)/picosign
	cp $< $@

# Embedded trusted roots (variables above).
$(EMBED_C): embed-trust-root
	@bash scripts/embed-trust-root.sh $@
.PHONY: embed-trust-root
embed-trust-root:

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

test-run: test-build
	@SG_BIN=$(abspath $(BUILD)/picosign) SG_BUILD=$(abspath $(BUILD)) \
		FUZZ_TARGETS="$(FUZZ_TARGETS)" TESTS="$(TESTS)" FUZZ_SMOKE=$(FUZZ_SMOKE) \
		FUZZ_RUNS=$(FUZZ_RUNS) bash tests/run.sh

# make check also runs the libFuzzer smoke when clang is present (FUZZ_SMOKE=0 turns it off);
# tests/run.sh counts it so the last line stays the grand total.
HAVE_CLANG := $(shell command -v $(CLANG) >/dev/null 2>&1 && echo 1)
FUZZ_SMOKE ?= $(if $(HAVE_CLANG),1,0)

check: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p build; if [ "$(FUZZ_SMOKE)" = 1 ]; then $(MAKE) --no-print-directory -j2 fuzz >build/fuzz-build.log 2>&1 \
		|| { tail -n 30 build/fuzz-build.log; echo "fuzz build failed (log build/fuzz-build.log)"; }; fi
	@$(MAKE) --no-print-directory test-run V=$(V) FUZZ_SMOKE=$(FUZZ_SMOKE)

sanitize: deps
	@$(MAKE) --no-print-directory test-run V=sanitize FUZZ_SMOKE=0

deps:
	@bash scripts/deps.sh

# ---- fuzzing with clang + libFuzzer ----
FUZZ_DIR := build/fuzz
# Module objects are compiled once with fuzzer coverage and sanitizers, then shared by every
# harness; only the harness itself links with -fsanitize=fuzzer (which brings libFuzzer's main).
FUZZ_SAN := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := $(STD) $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(INC) -I$(BEARSSL_INC) -MMD -MP
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

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_DIR)/fuzz_%: fuzz/fuzz_%.c $$(call fuzz_archives_of,fuzz_%)
	@mkdir -p $(dir $@)
	$(CLANG) $(STD) $(FUZZ_SAN) -fsanitize=fuzzer $(INC) -o $@ $(filter %.c %.o %.a,$^) -lbearssl

fuzz-smoke: fuzz
	@FUZZ_RUNS=$(FUZZ_RUNS) FUZZ_TARGETS="$(FUZZ_TARGETS)" bash fuzz/smoke.sh

# ---- static musl build ----
STATIC_DIR := build/static
# Size matters here (the scratch-image binary must stay under 500 KB): -Oz; no unwind tables
# (C has no exceptions, and .eh_frame from musl's libc.a is dropped after the link); the
# staging root is not embedded (docs/trustroot.md).
OBJCOPY ?= objcopy
STATIC_OPT ?= -Oz -fno-asynchronous-unwind-tables -fno-unwind-tables -DSG_NO_EMBEDDED_STAGING \
	-DSG_NO_THREADS
# The audit tool `debug` stays out of the static binary (support/musl/no_debug.c answers for
# it), and verify IMAGE... runs its images one after the other on one connection there
# (SG_NO_THREADS, sys/os.c): the dynamic build keeps both, and the scratch-image binary keeps
# within its budget (docs/decisions.md).
STATIC_SRCS := $(filter-out src/cli/debug.c src/cli/debug_http.c src/cli/debug_sigstore.c \
	src/cli/debug_oci.c,$(SRCS)) support/musl/no_debug.c
static: $(STATIC_DIR)/picosign
	cp $< picosign-static
	@file picosign-static | grep -q 'statically linked' || { echo "not static"; exit 1; }
	@! readelf -d picosign-static 2>/dev/null | grep -Eq 'NEEDED|INTERP'
	@echo "static: picosign-static, $$(stat -c %s picosign-static) bytes"

$(STATIC_DIR)/picosign: $(STATIC_SRCS) $(EMBED_C) $(VFJ_SRC) support/musl/fortify_shim.c $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	$(MUSLCC) $(STD) $(STATIC_OPT) $(WARN) -Isrc -Ivendor-free-json \
		-isystem $(BEARSSL_INC) -ffunction-sections -fdata-sections -fstack-protector-strong -static \
		-Wl,--gc-sections -s -o $@ $(STATIC_SRCS) $(EMBED_C) $(VFJ_SRC) support/musl/fortify_shim.c \
		$(BEARSSL_A)
	$(OBJCOPY) --remove-section=.eh_frame --remove-section=.eh_frame_hdr $@

# ---- third-party suites ----
conformance: all
	@bash tests/conformance.sh

deps-check:
	@bash scripts/deps-check.sh

# The main job, end to end on one machine (scripts/demo.sh): local registry and Sigstore,
# keyless signing with a Buildkite-shaped token, verification, cosign's errors.
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
	rm -rf build picosign picosign-static

format:
	clang-format -i src/*/*.c src/*/*.h tests/*.c tests/*.h fuzz/*.c fuzz/*.h

# ---- embedded CA bundle for TLS (docs/transport.md; transport, issue #4) ----
# `make EMBED_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt` compiles that PEM bundle into net.o
# (and the static build) as the last-resort TLS trust anchors, for scratch images that have no
# CA store. The value is recorded in $(BUILD)/gen/embed_ca.setting, so changing it (or dropping
# it) rebuilds net.o.
EMBED_CA_BUNDLE ?=
EMBED_CA_H := $(abspath $(BUILD)/gen/embedded_ca.h)
EMBED_CA_SETTING := $(BUILD)/gen/embed_ca.setting
_embed_ca_sync := $(shell mkdir -p $(BUILD)/gen && { [ -f $(EMBED_CA_SETTING) ] && \
	[ "$$(cat $(EMBED_CA_SETTING))" = '$(EMBED_CA_BUNDLE)' ] || \
	printf '%s' '$(EMBED_CA_BUNDLE)' > $(EMBED_CA_SETTING); })
$(call OBJ,src/sys/net.c): $(EMBED_CA_SETTING)
ifneq ($(EMBED_CA_BUNDLE),)
$(EMBED_CA_H): $(EMBED_CA_BUNDLE) $(EMBED_CA_SETTING)
	@mkdir -p $(dir $@)
	@{ echo '/* generated by make from $(EMBED_CA_BUNDLE) */'; \
		echo 'static const unsigned char embedded_ca[] = {'; \
		od -An -v -tx1 $< | awk '{ s = "\t"; for (i = 1; i <= NF; i++) s = s "0x" $$i ","; print s }'; \
		echo '};'; } > $@.tmp && mv $@.tmp $@
$(call OBJ,src/sys/net.c): $(EMBED_CA_H)
$(call OBJ,src/sys/net.c): ALL_CFLAGS += -DSG_EMBED_CA_H='"$(EMBED_CA_H)"'
$(STATIC_DIR)/picosign: $(EMBED_CA_H)
$(STATIC_DIR)/picosign: STD += -DSG_EMBED_CA_H='"$(EMBED_CA_H)"'
endif

-include $(shell find build -name '*.d' 2>/dev/null)
