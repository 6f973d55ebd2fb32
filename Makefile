# fusermount3, done right - plain make; see README.
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
DOCDIR     ?= $(PREFIX)/share/doc/fusermount3
SYSCONFDIR ?= /etc
DESTDIR    ?=
# how `make install` grants the privilege: setuid (default, root:root 4755),
# caps (file capabilities), bits (mode 4755 only: package builds, where the
# packaging tool makes files root's) or none; see tests/grant-privilege.sh
INSTALL_MODE ?= setuid
FUSE_CONF  ?= $(SYSCONFDIR)/fuse.conf
VERSION    := 3.19.0

CC      ?= cc
# neither libcap-ng nor libmount is linked: privs.c and libmount_dl.c load
# them with dlopen when needed (include/lm.h); only their headers are used
# at build time (PKG_LIBS links the bench's reference stub)
PKG_CFLAGS := $(shell pkg-config --cflags mount libcap-ng 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs libcap-ng 2>/dev/null)
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wformat=2 -Wformat-nonliteral \
	   -Wpointer-arith -Wcast-qual -Wwrite-strings -Wundef -Wvla
CFLAGS  ?= -O2 -g
CPPFLAGS += -D_GNU_SOURCE -D_FORTIFY_SOURCE=2 -Iinclude \
	    -DFUSE_CONF='"$(FUSE_CONF)"' -DFM_VERSION='"$(VERSION)"'
ALL_CFLAGS = -std=gnu11 $(WARN) $(CFLAGS) -fstack-protector-strong -fPIE $(PKG_CFLAGS)
LDFLAGS ?=
ALL_LDFLAGS = -pie -Wl,-z,relro,-z,now $(LDFLAGS)
LIBS    := -ldl -pthread
# The helper stays dynamic (libc.so.6 only): a static PIE would start
# about 0.1 ms faster, but glibc's static dlopen cannot run libraries with
# general-dynamic TLS (libcap-ng, nss_systemd), and its libmount load costs
# more than the start saves (README, *What a start costs*).

# B: where objects and test binaries go (build/asan for the sanitizer run)
B       ?= build
SRCS    := fusermount.c prepare.c finish.c mountmax.c guard.c watch.c mctx.c verdict.c unmount_cmd.c \
	   policy.c proto.c privs.c mounts.c utab.c mountdir.c unmount.c lockfile.c reattach.c \
	   mount_fsmount.c mount_legacy.c list.c log.c esc.c fusectl.c libmount_dl.c
HDRS    := $(wildcard include/*.h)
OBJS    := $(SRCS:%.c=$(B)/%.o)
LEGACY_OBJS := $(SRCS:%.c=$(B)/legacy/%.o)

all: fusermount3

fusermount3: $(OBJS)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(OBJS) $(LIBS)

$(B)/fusermount3: $(OBJS)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(OBJS) $(LIBS)

$(B)/%.o: %.c $(HDRS) | $(B)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# The same helper with the new mount API compiled out: exercises mount(2)
# as on an old kernel, under the same setuid conditions.
$(B)/fusermount3-legacy: $(LEGACY_OBJS)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(LEGACY_OBJS) $(LIBS)

$(B)/legacy/%.o: %.c $(HDRS) | $(B)
	$(CC) $(CPPFLAGS) -DFM_NO_NEW_MOUNT_API $(ALL_CFLAGS) -c -o $@ $<

$(B) $(B)/unit:
	mkdir -p $(B)/legacy $(B)/unit

# ---------------------------------------------------------------- tests
TOOLS_SRCS := $(wildcard tests/tools/*.c)
TOOLS_WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	      -Wmissing-prototypes -Wformat=2
tests/tools/fmclient: $(TOOLS_SRCS) $(wildcard tests/tools/*.h)
	$(CC) -std=gnu11 $(TOOLS_WARN) -O2 -g -pthread -o $@ $(TOOLS_SRCS)

UNIT_TESTS := $(patsubst tests/unit/%.c,$(B)/unit/%,$(wildcard tests/unit/test_*.c))
include tests/unit/wraps.mk

$(B)/unit/%: tests/unit/%.c $(SRCS) $(HDRS) tests/unit/wraps.mk | $(B)/unit
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -Wno-missing-prototypes -Wno-missing-field-initializers \
		$(LDFLAGS) -o $@ $< \
		$(UNIT_SRCS_$*) $(UNIT_WRAPS_$*) $(LIBS) -lcmocka

deps:
	@tests/install-deps.sh

unit: $(UNIT_TESTS)
	@rc=0; for t in $(UNIT_TESTS); do ./$$t || rc=1; done; exit $$rc

# $(1): the helper, $(2): its mount(2)-only twin
INTEGRATION = FM_BIN=$(CURDIR)/$(1) FM_BIN_LEGACY=$(CURDIR)/$(2) \
	FM_CLIENT=$(CURDIR)/tests/tools/fmclient tests/integration/run.sh
integration: fusermount3 $(B)/fusermount3-legacy tests/tools/fmclient
	$(call INTEGRATION,fusermount3,$(B)/fusermount3-legacy)

check: deps
	$(MAKE) all $(B)/fusermount3-legacy tests/tools/fmclient
	$(MAKE) unit
	$(MAKE) fuzz-check
	$(MAKE) integration

# ------------------------------------------------------------- fuzzing
# libFuzzer targets for the option-string and fuse.conf parsers (clang,
# with ASan and UBSan).  `make fuzz` runs each for FUZZ_TIME seconds;
# `make check` runs each for FUZZ_CHECK_TIME seconds.
FUZZ_CC    ?= clang
FUZZ_TIME  ?= 300
FUZZ_CHECK_TIME ?= 15
FUZZ_FLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
	      -fno-sanitize-recover=undefined
FUZZ_BINS  := build/fuzz/fuzz_opts build/fuzz/fuzz_conf

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c policy.c $(HDRS)
	@mkdir -p build/fuzz
	$(FUZZ_CC) $(CPPFLAGS) -std=gnu11 $(WARN) $(FUZZ_FLAGS) -o $@ $< policy.c

fuzz: $(FUZZ_BINS)
	tests/fuzz/run.sh $(FUZZ_TIME) $(FUZZ_BINS)

fuzz-check: $(FUZZ_BINS)
	tests/fuzz/run.sh $(FUZZ_CHECK_TIME) $(FUZZ_BINS)

# The unit and integration suites again, built with ASan and UBSan.
SAN_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	      -fno-sanitize-recover=undefined
SAN_MAKE := $(MAKE) B=build/asan CFLAGS="$(SAN_CFLAGS)" LDFLAGS="-fsanitize=address,undefined"
asan-check: deps tests/tools/fmclient
	$(SAN_MAKE) build/asan/fusermount3 build/asan/fusermount3-legacy
	$(SAN_MAKE) unit
	$(call INTEGRATION,build/asan/fusermount3,build/asan/fusermount3-legacy)

demo: deps
	$(MAKE) fusermount3 tests/tools/fmclient
	@tests/demo.sh $(CURDIR)/fusermount3 $(CURDIR)/tests/tools/fmclient

# ---------------------------------------------------------------- bench
# Not part of check: ratios against the packaged helper and the raw floor.
BENCH_OUT ?= $(CURDIR)/BENCHMARKS.md
BENCH_BINS := tests/bench/fmbench tests/bench/stub-libc tests/bench/stub-capng \
	      tests/bench/stub-linked tests/bench/stub-static
tests/bench/fmbench: tests/bench/fmbench.c
	$(CC) -std=gnu11 -D_GNU_SOURCE $(WARN) -O2 -g -o $@ $<
# reference points: an empty program as a static PIE (the price of
# dynamic linking), one linked like ours and the packaged helper (libc), one with
# libc and libcap-ng and one with libmount (as ours was before it loaded
# them on demand); built with our flags
tests/bench/stub-static: tests/bench/stub.c
	$(CC) $(ALL_CFLAGS) -static-pie -Wl,-z,relro,-z,now $(LDFLAGS) -o $@ $<
tests/bench/stub-libc: tests/bench/stub.c
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $<
tests/bench/stub-capng: tests/bench/stub.c
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< -Wl,--no-as-needed $(PKG_LIBS)
tests/bench/stub-linked: tests/bench/stub.c
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< -Wl,--no-as-needed -lmount

bench: deps
	$(MAKE) fusermount3 tests/tools/fmclient $(BENCH_BINS)
	tests/bench/bench.sh $(CURDIR)/fusermount3 $(CURDIR)/tests/tools/fmclient \
		$(CURDIR)/tests/bench $(BENCH_OUT)

# ---------------------------------------------------------------- man
MANPAGES := man/fusermount3.1 man/fuse.conf.5
man-check:
	mandoc -Tlint -W warning $(MANPAGES)
	@if command -v man >/dev/null; then for m in $(MANPAGES); do \
		w=$$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l $$m 2>&1 >/dev/null); \
		[ -z "$$w" ] || { echo "$$m: $$w"; exit 1; }; done; fi
	@echo "man pages clean"

# ------------------------------------------------------------- debian
# Builds the .deb out of tree, installs it, mounts through it as a user,
# removes and purges it, and checks the machine is exactly as before.
deb-check: deps
	tests/deb-roundtrip.sh

# ------------------------------------------------------------- install
install: fusermount3
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DOCDIR)
	install -m 0755 fusermount3 $(DESTDIR)$(BINDIR)/fusermount3
	install -m 0644 man/fusermount3.1 $(DESTDIR)$(MANDIR)/man1/fusermount3.1
	install -m 0644 man/fuse.conf.5 $(DESTDIR)$(MANDIR)/man5/fuse.conf.5
	install -m 0644 fuse.conf.example README.md $(DESTDIR)$(DOCDIR)/
	@tests/grant-privilege.sh "$(INSTALL_MODE)" "$(DESTDIR)$(BINDIR)/fusermount3"

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/fusermount3 $(DESTDIR)$(MANDIR)/man1/fusermount3.1 \
		$(DESTDIR)$(MANDIR)/man5/fuse.conf.5 $(DESTDIR)$(DOCDIR)/fuse.conf.example \
		$(DESTDIR)$(DOCDIR)/README.md
	-rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null

clean:
	rm -rf build fusermount3 tests/tools/fmclient $(BENCH_BINS)

.PHONY: all check unit integration asan-check demo bench man-check deb-check deps \
	install uninstall clean fuzz fuzz-check
