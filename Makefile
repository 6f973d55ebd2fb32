# fusermount3, done right - plain make; see README.
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
DOCDIR     ?= $(PREFIX)/share/doc/fusermount3
DESTDIR    ?=
# setuid (default) or caps: how `make install` grants the privilege
INSTALL_MODE ?= setuid
FUSE_CONF  ?= $(SYSCONFDIR)/fuse.conf
VERSION    := 3.19.0

CC      ?= cc
PKGS    := mount libcap-ng
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wformat=2 -Wformat-nonliteral \
	   -Wpointer-arith -Wcast-qual -Wwrite-strings -Wundef -Wvla
CFLAGS  ?= -O2 -g
CPPFLAGS += -D_GNU_SOURCE -D_FORTIFY_SOURCE=2 -Iinclude \
	    -DFUSE_CONF='"$(FUSE_CONF)"' -DFM_VERSION='"$(VERSION)"'
ALL_CFLAGS = -std=gnu11 $(WARN) $(CFLAGS) -fstack-protector-strong -fPIE $(PKG_CFLAGS)
LDFLAGS ?=
ALL_LDFLAGS = -pie -Wl,-z,relro,-z,now $(LDFLAGS)
LIBS    := $(PKG_LIBS) -pthread

SRCS    := fusermount.c policy.c proto.c privs.c mounts.c unmount.c \
	   mount_fsmount.c mount_legacy.c
OBJS    := $(SRCS:%.c=build/%.o)
LEGACY_OBJS := $(SRCS:%.c=build/legacy/%.o)
HDRS    := $(wildcard include/*.h)

all: fusermount3

fusermount3: $(OBJS)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(OBJS) $(LIBS)

build/%.o: %.c $(HDRS) | build
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# The same helper with the new mount API compiled out: exercises mount(2)
# as an old kernel would, under the same setuid conditions.
build/fusermount3-legacy: $(LEGACY_OBJS)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(LEGACY_OBJS) $(LIBS)

build/legacy/%.o: %.c $(HDRS) | build
	$(CC) $(CPPFLAGS) -DFM_NO_NEW_MOUNT_API $(ALL_CFLAGS) -c -o $@ $<

build build/unit:
	mkdir -p build/legacy build/unit

# ---------------------------------------------------------------- tests
TOOLS_SRCS := $(wildcard tests/tools/*.c)
TOOLS_WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	      -Wmissing-prototypes -Wformat=2
tests/tools/fmclient: $(TOOLS_SRCS) $(wildcard tests/tools/*.h)
	$(CC) -std=gnu11 $(TOOLS_WARN) $(CFLAGS) $(LDFLAGS) -pthread -o $@ $(TOOLS_SRCS)

UNIT_TESTS := $(patsubst tests/unit/%.c,build/unit/%,$(wildcard tests/unit/test_*.c))
include tests/unit/wraps.mk

build/unit/%: tests/unit/%.c $(SRCS) $(HDRS) | build/unit
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -Wno-missing-prototypes -o $@ $< \
		$(UNIT_SRCS_$*) $(UNIT_WRAPS_$*) $(LIBS) -lcmocka

deps:
	@tests/install-deps.sh

unit: $(UNIT_TESTS)
	@rc=0; for t in $(UNIT_TESTS); do ./$$t || rc=1; done; exit $$rc

integration: fusermount3 build/fusermount3-legacy tests/tools/fmclient
	FM_BIN=$(CURDIR)/fusermount3 FM_BIN_LEGACY=$(CURDIR)/build/fusermount3-legacy \
	FM_CLIENT=$(CURDIR)/tests/tools/fmclient tests/integration/run.sh

check: deps
	$(MAKE) all build/fusermount3-legacy tests/tools/fmclient
	$(MAKE) unit
	$(MAKE) integration

demo: deps
	$(MAKE) fusermount3 tests/tools/fmclient
	@tests/demo.sh $(CURDIR)/fusermount3 $(CURDIR)/tests/tools/fmclient

clean:
	rm -rf build fusermount3 tests/tools/fmclient

.PHONY: all check unit integration demo deps clean
