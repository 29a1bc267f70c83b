# ucpki - top-level entry points.  `make run` and `make check` work on a
# fresh Debian machine: scripts/setup.sh installs what is missing first.
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
HOME_DIR   ?= var
# A machine whose `hostname -f` is not fully qualified (a fresh VM: "vm")
# still runs: its name in Debian's .localdomain.  NODE= given is taken as is.
HOST_FQDN  := $(shell hostname -f 2>/dev/null || hostname)
NODE       ?= $(if $(findstring .,$(HOST_FQDN)),$(HOST_FQDN),$(HOST_FQDN).localdomain)
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 60
# Empty: every fuzz/fuzz_*.c; else the names, e.g. FUZZ_TARGETS="fuzz_multipart fuzz_web_cookie"
FUZZ_TARGETS ?=
CTEST_FLAGS ?= --output-on-failure -j$(JOBS)
PREFIX     ?= /usr/local
DESTDIR    ?=
DEB_DIR    ?= build-deb

.PHONY: all setup build run check test asan fuzz bench clean install deb

all: build

setup:
	@sh scripts/setup.sh

build: setup
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=gcc >/dev/null
	cmake --build $(BUILD) -j$(JOBS)

# Sets up, initialises an empty home, and starts the services in the
# foreground on the embedded SQLite store.  The node name is NODE (default
# `hostname -f`, with .localdomain when it has no dot); it must be a fully
# qualified name.  SERVE_ARGS reach
# `ucpki serve` (e.g. other ports).
SERVE_ARGS ?=
NODE_FROM = $(if $(filter file,$(origin NODE)),$(if $(findstring .,$(HOST_FQDN)),from hostname -f,hostname -f said '$(HOST_FQDN)': not fully qualified),from NODE=)
run: build
	@if [ -e $(HOME_DIR)/ucpki.db ]; then \
		echo "make run: $(HOME_DIR) is already initialised; to start over: rm -rf $(HOME_DIR) && make run NODE=cucm.example.com"; \
	else \
		case "$(NODE)" in \
		*.*) ;; \
		*) echo "make run: node name '$(NODE)' ($(NODE_FROM)) is not a fully qualified domain name; choose one: make run NODE=cucm.example.com" >&2; \
			exit 1 ;; \
		esac; \
		echo "make run: initialising $(HOME_DIR) for node $(NODE), $(NODE_FROM) (to choose another: make run NODE=cucm.example.com)"; \
		$(BUILD)/ucpki --home $(HOME_DIR) init --node $(NODE) || exit 1; \
	fi
	$(BUILD)/ucpki --home $(HOME_DIR) cert list own
	@echo "make run: the binary is $(BUILD)/ucpki (export PATH=$(abspath $(BUILD)):\$$PATH); the services run in the foreground, Ctrl-C stops them"
	@if $(BUILD)/ucpki serve --help >/dev/null 2>&1; then \
		exec $(BUILD)/ucpki --home $(HOME_DIR) serve $(SERVE_ARGS); fi

test: build
	cd $(BUILD) && ctest $(CTEST_FLAGS)

# The whole suite with gcc, then again with clang under ASan+UBSan.
check: test asan

asan: setup
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang -DUCPKI_SANITIZE=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest $(CTEST_FLAGS)

fuzz: setup
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang -DUCPKI_FUZZ=ON >/dev/null
	cmake --build $(FUZZ_BUILD) -j$(JOBS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) sh fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_TARGETS)

# /usr/local/bin/ucpki, man pages, bash completion, the systemd unit,
# /etc/ucpki/ucpki.conf and the docs; PREFIX=/usr gives /usr/bin/ucpki.
# The installed binary's home is /var/lib/ucpki (README: Installing).
install: setup
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=gcc \
		-DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null
	cmake --build $(BUILD) -j$(JOBS)
	DESTDIR=$(DESTDIR) cmake --install $(BUILD)

# $(DEB_DIR)/ucpki_<version>_<arch>.deb with debhelper, then lintian.
deb: setup
	sh scripts/make-deb.sh $(DEB_DIR)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(DEB_DIR)
