# cellbench: `make sim` runs the main job, `make test` every test, `make bench` the benchmarks.
# Each first runs `make deps`, which installs only what is missing.

SHELL := /bin/bash
NPX   := npx --no-install
APT_PACKAGES := verilator libzmq3-dev cppzmq-dev ccache lcov
RTL := $(shell find rtl -name '*.sv' 2>/dev/null | sort)

.PHONY: deps sim test types typecheck lint bench clean-cache help

help:
	@echo "make sim    - build (cached) and run the demo simulation, writing waves/demo.fst"
	@echo "make test   - types, type-check, RTL lint, then every vitest testbench (SHARD=i/n for a slice)"
	@echo "make bench  - benchmarks, JSON under bench/out/"
	@echo "make deps   - install what is missing (npm ci; apt: $(APT_PACKAGES))"

deps: node_modules/.package-lock.json
	@missing=""; \
	command -v verilator >/dev/null || missing="$$missing verilator"; \
	[ -f /usr/include/zmq.h ] || missing="$$missing libzmq3-dev"; \
	[ -f /usr/include/zmq.hpp ] || missing="$$missing cppzmq-dev"; \
	command -v ccache >/dev/null || missing="$$missing ccache"; \
	command -v genhtml >/dev/null || missing="$$missing lcov"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "make deps: missing Debian packages:$$missing"; \
	    echo "make deps: not root, so not installing them; run: sudo apt-get update && sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	  echo "make deps: installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# npm ci only when package-lock.json changed since the last install (or nothing is installed).
node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

types: deps
	@$(NPX) tsx bridge/src/cli/gen-types.ts

typecheck: types
	@$(NPX) tsc --noEmit -p tsconfig.json && echo "tsc: no type errors"

# Every RTL file as a top (its submodules found in its own block's folder and rtl/common), and
# every register block the generator wrote for the testbenches.
lint: types
	@for f in $(RTL); do verilator --lint-only -Wall -y rtl/common -y $$(dirname $$f) $$f --top-module $$(basename $$f .sv) || exit 1; done
	@for t in $(wildcard tb/*/gen/*_reg_top.sv); do verilator --lint-only -Wall $$t || exit 1; done
	@echo "verilator lint: $(words $(RTL)) RTL file(s) and $(words $(wildcard tb/*/gen/*_reg_top.sv)) generated register block(s) clean"

# Then the determinism check: a few block testbenches run twice with one seed and different
# transport settings must see the same runs (their digests); in the first shard only.
DIGEST_TESTS := tb/flash/model.test.ts tb/uart/random.test.ts tb/uart/bus.test.ts

test: typecheck lint
	@$(NPX) tsx bridge/src/cli/build-all.ts
	@$(NPX) vitest run $(if $(SHARD),--shard=$(SHARD))
	@$(if $(filter-out 1/%,$(SHARD)),,$(NPX) tsx bridge/src/cli/digest-check.ts $(DIGEST_TESTS))

sim: deps
	@$(NPX) tsx sim/demo.ts

bench: types
	@mkdir -p bench/out
	@$(NPX) tsx bench/bridge.ts
	@$(NPX) tsx bench/transactors.ts
	@$(NPX) tsx bench/uart.ts
	@$(NPX) tsx bench/flash.ts

clean-cache:
	rm -rf "$${CELLBENCH_CACHE:-$$HOME/.cache/cellbench}"
