# SPDX-License-Identifier: Apache-2.0
# kwhpos — build, run and test.
#
#   make run      build, create the demo site if absent, start the simulator and the TUI
#                 (READER=pcsc: through a private pcscd with vpcd, the simulator the card)
#   make check    build and run every test suite (plain build, then ASan+UBSan)
#   make deps     install missing Debian packages (apt-get, as root)
#
# The object tree lives under $(B) (build/ by default, build/san for the sanitizer build).

B        ?= build
SAN      ?= 0
PREFIX   ?= /usr/local
VERSION  := 0.1.0

CC       ?= cc
PKGS     := ncursesw panelw sqlite3 libserialport libsodium libpcsclite
PKG_CFLAGS := $(filter-out -D_XOPEN_SOURCE=% -D_DEFAULT_SOURCE,$(shell pkg-config --cflags $(PKGS) pangocairo cairo 2>/dev/null))
# SQLite is loaded when the first database is opened (src/store/sqlite_load.c), not
# linked into the programs: the tests and tools that call it themselves link it
PKG_LIBS   := $(shell pkg-config --libs $(filter-out sqlite3,$(PKGS)) 2>/dev/null)
SQLITE_LIBS := $(shell pkg-config --libs sqlite3 2>/dev/null)
CUPS_CFLAGS := $(shell cups-config --cflags 2>/dev/null)
CUPS_LIBS   := $(shell cups-config --libs 2>/dev/null)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)
# libpq: its header for src/store; the programs load the library only when a PostgreSQL
# database is opened (src/store/pq.h); the test support code links it
PQ_CFLAGS := $(shell pkg-config --cflags libpq 2>/dev/null)
PQ_LIBS   := $(shell pkg-config --libs libpq 2>/dev/null)

WARN     := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wwrite-strings -Wundef -Wvla -Wimplicit-fallthrough -Werror
CSTD     := -std=c11 -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700
ifeq ($(SAN),1)
OPT      := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
LDSAN    := -fsanitize=address,undefined
else
OPT      := -O2 -g
LDSAN    :=
endif
CPPFLAGS += -Iinclude -Isrc -Itests/support -DKWH_VERSION='"$(VERSION)"'
# reproducible: no build directory in the objects (debug info names paths from here)
CFLAGS   += $(CSTD) $(OPT) $(WARN) $(PKG_CFLAGS) $(PQ_CFLAGS) $(CUPS_CFLAGS) -MMD -MP -ffile-prefix-map=$(CURDIR)=.
LDLIBS   += $(PKG_LIBS) -liniparser -lm
# --format xlsx (src/cli/xlsx.c), in kwhpos only
XLSX_LIBS := $(shell pkg-config --libs xlsxwriter 2>/dev/null || echo -lxlsxwriter)
# The printing module (src/print/module.h): libcups, Pango and Cairo only there.
MOD_LIBS := $(shell pkg-config --libs pangocairo cairo 2>/dev/null) $(CUPS_LIBS) -lm
ifeq ($(SAN),1)
MOD_LDFLAGS :=
else
MOD_LDFLAGS := -Wl,--no-undefined -Wl,-z,now
endif
# only the libraries a program uses are loaded when it starts (docs/performance.md)
LDFLAGS  += $(LDSAN) -Wl,--as-needed

# Layers: everything below ui/cli/sim goes into one static library.
LIB_SRC  := $(wildcard src/util/*.c src/core/*.c src/store/*.c src/card/*.c src/print/*.c src/config/*.c src/app/*.c)
# Generated at build time: the pinyin initials from the Unihan readings (unicode-data)
UNIHAN   ?= /usr/share/unicode/Unihan_Readings.txt.bz2
GEN_SRC  := $(B)/gen/pinyin_table.c
MOD_SRC  := $(wildcard src/print/module/*.c) src/util/err.c src/util/text.c
APP_SRC  := src/main.c $(wildcard src/ui/*.c src/cli/*.c)
SIM_SRC  := $(wildcard src/sim/*.c)
TSUP_SRC := $(wildcard tests/support/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
TOOL_SRC := $(wildcard tests/tools/*.c)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
PO_FILES := $(wildcard po/*.po)

obj = $(patsubst %.c,$(B)/obj/%.o,$(1))
LIB_OBJ  := $(call obj,$(LIB_SRC)) $(B)/obj/gen/pinyin_table.o
APP_OBJ  := $(call obj,$(APP_SRC))
SIM_OBJ  := $(call obj,$(SIM_SRC))
TSUP_OBJ := $(call obj,$(TSUP_SRC))
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))
TOOL_BIN := $(patsubst tests/tools/%.c,$(B)/tests/tools/%,$(TOOL_SRC))
MOD_OBJ  := $(patsubst %.c,$(B)/obj/pic/%.o,$(MOD_SRC))
MOD      := $(B)/kwhpos-print.so
MO_FILES := $(patsubst po/%.po,$(B)/locale/%/LC_MESSAGES/kwhpos.mo,$(PO_FILES))
MAN_SRC  := $(wildcard man/*.scd man/zh_CN/*.scd)
MAN_OUT  := $(patsubst man/%.scd,$(B)/man/%,$(MAN_SRC))

LIB      := $(B)/libkwhpos.a
TSUP     := $(B)/libkwhtest.a

.PHONY: all deps run demo check test san unit fuzz fuzz-short bench bench-card bench-startup bench-tiers check-stations check-profile \
        torture torture-powercut torture-faults \
        check-layers format format-check clean install help man deb check-deb version programs
.DEFAULT_GOAL := all

all: programs $(UNIT_BIN) $(TOOL_BIN)

# what is installed: the programs, the printing module, the catalogues, the man pages
programs: $(B)/kwhpos $(MOD) $(if $(SIM_SRC),$(B)/kwhsim) $(MO_FILES) \
    $(if $(filter 1,$(SAN)),,$(MAN_OUT))

help:
	@sed -n '3,10p' Makefile | sed 's/^# \{0,1\}//'

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(B)/obj/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -fPIC -fvisibility=hidden -c $< -o $@

$(GEN_SRC): tools/pinyin-gen.sh
	@mkdir -p $(dir $@)
	tools/pinyin-gen.sh $(UNIHAN) $@

$(B)/obj/gen/pinyin_table.o: $(GEN_SRC)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(MOD): $(MOD_OBJ)
	$(CC) $(LDFLAGS) -shared $(MOD_LDFLAGS) -o $@ $^ $(MOD_LIBS)

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(TSUP): $(TSUP_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(B)/kwhpos: $(APP_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(APP_OBJ) $(LIB) $(LDLIBS) $(XLSX_LIBS)

# kwhsim binds every symbol at start (hardening); kwhpos lazily, for its start-up time
$(B)/kwhsim: $(SIM_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -Wl,-z,now -o $@ $(SIM_OBJ) $(LIB) $(LDLIBS)

$(B)/tests/%: $(B)/obj/tests/unit/%.o $(TSUP) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(TSUP) $(LIB) $(LDLIBS) $(SQLITE_LIBS) $(PQ_LIBS) $(CMOCKA_LIBS)

# The fault-injection suite (tests/unit/test_faults.c, docs/reliability.md): the program's
# own allocations and file calls reach tests/support/faults.c through the linker's --wrap;
# no other binary is linked so
FAULT_WRAP := malloc calloc realloc strdup strndup open write fsync fdatasync rename link \
              mkstemp mkstemps fopen fdopen fwrite fclose
$(B)/tests/test_faults: LDFLAGS += $(foreach f,$(FAULT_WRAP),-Wl,--wrap=$(f))

# test drivers used by the integration suites (not suites themselves)
$(B)/tests/tools/%: $(B)/obj/tests/tools/%.o $(TSUP) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(TSUP) $(LIB) $(LDLIBS) $(SQLITE_LIBS) $(PQ_LIBS)

$(B)/locale/%/LC_MESSAGES/kwhpos.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

# --- Debian packages ------------------------------------------------------------------
DEBS := build-essential pkg-config libncurses-dev libsqlite3-dev sqlite3 libserialport-dev \
        libcups2-dev libiniparser-dev libcmocka-dev libsodium-dev libpango1.0-dev libcairo2-dev \
        fonts-arphic-uming cups cups-client cups-bsd poppler-utils tmux socat clang \
        libclang-rt-14-dev gettext debhelper lintian scdoc man-db groff-base dialog fbterm \
        fonts-wqy-zenhei postgresql libpq-dev pcscd libpcsclite-dev vsmartcard-vpcd libacsccid1 \
        pcsc-tools unicode-data libxlsxwriter-dev python3-openpyxl xlsx2csv

deps:
	@missing=$$(dpkg-query -W -f='$${db:Status-Abbrev} $${Package}\n' $(DEBS) 2>&1 | \
	    awk '$$1 != "ii" {print $$NF}'); \
	if [ -n "$$missing" ]; then \
	  missing=$$(for p in $(DEBS); do dpkg-query -W -f='$${db:Status-Abbrev}' $$p 2>/dev/null | \
	      grep -q '^ii' || echo $$p; done | tr '\n' ' '); \
	  echo "deps: installing $$missing"; \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "deps: run as root, or: apt-get install --no-install-recommends $$missing" >&2; exit 1; \
	  fi; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi

# --- Running --------------------------------------------------------------------------
DEMO ?= demo

demo: deps
	@$(MAKE) --no-print-directory all
	@tools/demo-site.sh $(B) $(DEMO)

READER ?= serial

run: deps
	@$(MAKE) --no-print-directory all
	@READER=$(READER) tools/run-demo.sh $(B) $(DEMO)

# --- Tests ----------------------------------------------------------------------------
# check: plain build, every suite; then the sanitizer build, every suite again.
NPROC := $(shell nproc 2>/dev/null || echo 2)

check: deps
	@$(MAKE) --no-print-directory -j$(NPROC) all fuzz-build-if-clang
	@$(MAKE) --no-print-directory -j$(NPROC) B=build/san SAN=1 all
	@tests/run.sh build build/san

test: all
	@tests/run.sh $(B)

san:
	@$(MAKE) --no-print-directory B=build/san SAN=1 all
	@tests/run.sh build/san

unit: $(UNIT_BIN)
	@tests/run.sh --unit-only $(B)

# --- Fuzzing (clang + libFuzzer) ------------------------------------------------------
FUZZ_B    := build/fuzz
FUZZ_BIN  := $(patsubst tests/fuzz/%.c,$(FUZZ_B)/%,$(FUZZ_SRC))
FUZZ_TIME ?= 60
FUZZ_CFLAGS := $(CSTD) -O1 -g -fsanitize=fuzzer,address,undefined $(PKG_CFLAGS) $(PQ_CFLAGS) $(CUPS_CFLAGS) \
               -Iinclude -Isrc -DKWH_VERSION='"$(VERSION)"' -Wall -Wextra -Werror

FUZZ_OBJ  := $(patsubst %.c,$(FUZZ_B)/obj/%.o,$(LIB_SRC)) $(FUZZ_B)/obj/gen/pinyin_table.o

$(FUZZ_B)/gen/pinyin_table.c: tools/pinyin-gen.sh
	@mkdir -p $(dir $@)
	tools/pinyin-gen.sh $(UNIHAN) $@

$(FUZZ_B)/obj/gen/pinyin_table.o: $(FUZZ_B)/gen/pinyin_table.c
	@mkdir -p $(dir $@)
	clang $(subst -fsanitize=fuzzer,-fsanitize=fuzzer-no-link,$(FUZZ_CFLAGS)) -c $< -o $@

$(FUZZ_B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(subst -fsanitize=fuzzer,-fsanitize=fuzzer-no-link,$(FUZZ_CFLAGS)) -MMD -MP -c $< -o $@

$(FUZZ_B)/libkwhpos.a: $(FUZZ_OBJ)
	rm -f $@ && ar rcs $@ $^

# the reader driver's clock is virtual in its target (tests/fuzz/fuzz_reader.c)
$(FUZZ_B)/fuzz_reader: FUZZ_WRAP := -Wl,--wrap=clock_gettime,--wrap=nanosleep

$(FUZZ_B)/%: tests/fuzz/%.c $(FUZZ_B)/libkwhpos.a
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_B)/libkwhpos.a $(FUZZ_WRAP) $(LDLIBS)

.PHONY: fuzz-build-if-clang
fuzz-build-if-clang:
	@if command -v clang >/dev/null; then $(MAKE) --no-print-directory $(FUZZ_BIN); fi

fuzz: $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do \
	  n=$$(basename $$f); mkdir -p $(FUZZ_B)/corpus/$$n; \
	  echo "fuzz: $$n for $(FUZZ_TIME)s"; \
	  $$f -max_total_time=$(FUZZ_TIME) -print_final_stats=1 $(FUZZ_B)/corpus/$$n tests/fuzz/seeds/$$n \
	      2>&1 | tail -n 12 || exit 1; \
	done

# --- Benchmarks (not tests) -----------------------------------------------------------
bench: all
	@tests/bench/bench.sh $(B)

# the two-station suite at full size on a private PostgreSQL server (make check runs a slice)
check-stations: all
	@d=$$(mktemp -d /tmp/kwhpg.XXXXXX) && base=$$(tests/pg/server.sh start $$d) && \
	  KWH_STATIONS_SALES=500 KWH_STATIONS_SAME=100 KWH_BACKEND=pg KWH_TEST_PG="$$base" \
	  KWH_BUILD=$(CURDIR)/$(B) KWH_TOP=$(CURDIR) bash tests/integ/pg_stations.sh; \
	  rc=$$?; tests/pg/server.sh stop $$d; exit $$rc

# every loop suite and the layout-bound unit suites in the test card layout, whose byte
# map and MACs lie elsewhere (make check runs a slice: tests/run.sh, kwh-layouts)
check-profile: all
	@tests/run.sh --layout test $(B)

bench-card: all
	@tests/bench/bench-card.sh $(B)

# kill -9 during every kind of card write, then terminals selling at once with backups
# and checks meanwhile (docs/reliability.md); make check runs a fixed slice of each
TORTURE_TRIALS ?= 1000
TORTURE_SEED ?= 1
TORTURE_SALES ?= 1000
TORTURE_TUI ?= 25
TORTURE_MINUTES ?= 0
torture: all
	@KWH_BUILD=$(CURDIR)/$(B) KWH_TOP=$(CURDIR) TORTURE_TRIALS=$(TORTURE_TRIALS) \
	  TORTURE_SEED=$(TORTURE_SEED) TORTURE_TUI=$(TORTURE_TUI) TORTURE_MINUTES=$(TORTURE_MINUTES) \
	  bash tests/torture/torture.sh && \
	  if [ "$(TORTURE_SALES)" != 0 ]; then KWH_BUILD=$(CURDIR)/$(B) KWH_TOP=$(CURDIR) \
	  TORTURE_SALES=$(TORTURE_SALES) bash tests/torture/sales.sh; fi

# power cuts for the SQLite database: every money operation cut at every sync and between
# syncs, POWERCUT_SEEDS ways each (docs/reliability.md); make check runs a slice (one way
# per point, the writes just before each sync)
POWERCUT_SEEDS ?= 8
torture-powercut: $(B)/tests/test_core_powercut
	@KWH_POWERCUT_FULL=1 KWH_POWERCUT_SEEDS=$(POWERCUT_SEEDS) CMOCKA_MESSAGE_OUTPUT=TAP \
	  nice -n 19 $(B)/tests/test_core_powercut

# failure at the Nth call, the full sweep (docs/reliability.md); on the sanitizer build
# for the leak checks: make torture-faults B=build/san SAN=1
torture-faults: $(B)/tests/test_faults
	@nice -n 19 bash tests/torture/faults.sh $(CURDIR)/$(B)

bench-startup: all
	@tests/bench/bench-startup.sh $(B)

# a tiered sale's commit beside a flat one's (docs/performance.md)
bench-tiers: all
	@tests/bench/bench-tiers.sh $(B)

# --- Hygiene --------------------------------------------------------------------------
check-layers:
	@tools/check-layers.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	@clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

# --- Installing -----------------------------------------------------------------------
# make install [PREFIX=/usr/local] [DESTDIR=...]: programs, printing module, forms,
# catalogues, man pages, docs and examples, systemd units and the cron file, the INI
# (kept when present), /var/lib/kwhpos and /var/backups/kwhpos. As root without
# DESTDIR it also makes the system group and user kwhpos, installs kwhpos setgid kwhpos
# and gives the data folders to that group (the Debian package's postinst does the
# same). Nothing of the build tree is compiled into the programs.
BINDIR   := $(PREFIX)/bin
UNITDIR  ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,/etc/systemd/system)

man: $(MAN_OUT)

$(B)/man/kwhpos.1 $(B)/man/zh_CN/kwhpos.1: $(B)/man/%: man/%.scd $(B)/kwhpos $(MO_FILES) \
    tools/man-commands.sh tools/man-cjk.sh
	@mkdir -p $(dir $@)
	tools/man-commands.sh $(B)/kwhpos $(if $(findstring zh_CN,$@),zh_CN,en) >$@.cmds
	sed -e '/^%COMMANDS%$$/r $@.cmds' -e '/^%COMMANDS%$$/d' $< | scdoc | tools/man-cjk.sh >$@
	rm -f $@.cmds

$(B)/man/%: man/%.scd tools/man-cjk.sh
	@mkdir -p $(dir $@)
	scdoc <$< | tools/man-cjk.sh >$@

install: programs
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)/etc/kwhpos $(DESTDIR)$(PREFIX)/share/kwhpos/forms \
	  $(DESTDIR)$(PREFIX)/share/doc/kwhpos/examples $(DESTDIR)$(PREFIX)/libexec/kwhpos \
	  $(DESTDIR)$(UNITDIR) $(DESTDIR)/etc/cron.d
	install -d -m 2770 $(DESTDIR)/var/lib/kwhpos $(DESTDIR)/var/backups/kwhpos
	install -m 755 $(B)/kwhpos $(B)/kwhsim $(DESTDIR)$(BINDIR)/
	install -D -m 644 $(MOD) $(DESTDIR)$(PREFIX)/lib/kwhpos/kwhpos-print.so
	install -m 644 forms/*.form $(DESTDIR)$(PREFIX)/share/kwhpos/forms/
	install -m 644 README.md LICENSE docs/*.md $(DESTDIR)$(PREFIX)/share/doc/kwhpos/
	install -m 644 packaging/kiosk/kwhpos-kiosk.service packaging/kiosk/60-kwhpos-reader.rules \
	  packaging/kiosk/README.kiosk $(DESTDIR)$(PREFIX)/share/doc/kwhpos/examples/
	sed 's|/usr/bin/kwhpos|$(BINDIR)/kwhpos|' packaging/kiosk/kwhpos-kiosk \
	  >$(DESTDIR)$(PREFIX)/libexec/kwhpos/kwhpos-kiosk
	chmod 755 $(DESTDIR)$(PREFIX)/libexec/kwhpos/kwhpos-kiosk
	sed -i 's|/usr/libexec/kwhpos|$(PREFIX)/libexec/kwhpos|' \
	  $(DESTDIR)$(PREFIX)/share/doc/kwhpos/examples/kwhpos-kiosk.service
	sed 's|@BINDIR@|$(BINDIR)|g' packaging/kwhpos-backup.service.in \
	  >$(DESTDIR)$(UNITDIR)/kwhpos-backup.service
	install -m 644 packaging/kwhpos-backup.timer $(DESTDIR)$(UNITDIR)/
	sed 's|@BINDIR@|$(BINDIR)|g' packaging/kwhpos.cron.in >$(DESTDIR)/etc/cron.d/kwhpos
	chmod 644 $(DESTDIR)$(UNITDIR)/kwhpos-backup.service $(DESTDIR)/etc/cron.d/kwhpos
	for mo in $(MO_FILES); do \
	  lang=$$(basename $$(dirname $$(dirname $$mo))); \
	  install -D -m 644 $$mo $(DESTDIR)$(PREFIX)/share/locale/$$lang/LC_MESSAGES/kwhpos.mo; \
	done
	for m in $(MAN_OUT); do \
	  rel=$${m#$(B)/man/}; sec=$${rel##*.}; dir=$$(dirname $$rel); \
	  dest=$(DESTDIR)$(PREFIX)/share/man/$$([ $$dir = . ] || echo $$dir/)man$$sec; \
	  install -d $$dest && install -m 644 $$m $$dest/; \
	done
	test -e $(DESTDIR)/etc/kwhpos/kwhpos.ini || install -m 644 etc/kwhpos.ini $(DESTDIR)/etc/kwhpos/
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then \
	  getent group kwhpos >/dev/null || groupadd --system kwhpos; \
	  getent passwd kwhpos >/dev/null || useradd --system --gid kwhpos --home-dir /var/lib/kwhpos \
	    --no-create-home --shell /usr/sbin/nologin kwhpos; \
	  chgrp kwhpos $(BINDIR)/kwhpos && chmod 2755 $(BINDIR)/kwhpos; \
	  chown root:kwhpos /var/lib/kwhpos /var/backups/kwhpos && chmod 2770 /var/lib/kwhpos /var/backups/kwhpos; \
	  echo "install: $(BINDIR)/kwhpos is setgid kwhpos; operators must not be in group kwhpos"; \
	fi

# --- The Debian packages --------------------------------------------------------------
# make deb: kwhpos, kwhpos-print and kwhpos-sim .debs in $(DEB_OUT), built with
# debhelper from packaging/debian/ in a copy of the committed tree (git archive HEAD).
DEB_OUT  ?= build/deb
DEB_ARCH := $(shell dpkg --print-architecture 2>/dev/null)

deb:
	@tools/make-deb.sh $(DEB_OUT)

# make check-deb: the packages installed, used, upgraded and removed in a fresh Debian
# 12 root (tests/deb/check-deb.sh; about five minutes).
check-deb:
	@tests/deb/check-deb.sh

version:
	@echo $(VERSION)

clean:
	rm -rf build

-include $(shell find build -name '*.d' -type f 2>/dev/null)
