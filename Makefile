# bcp: balance-controlled plasticity in Go.
#
#   make run     build, fetch Fashion-MNIST if needed, train (the headline command)
#   make test    install what the tests need (as root) and run every test
#   make bench   benchmarks
#   make build   bin/bcp-native

GO        ?= go
FMNIST    := /usr/share/datasets/fashion-mnist
WASM_EXEC := $(shell $(GO) env GOROOT)/lib/wasm/go_js_wasm_exec
WASM_EXEC_JS := $(shell $(GO) env GOROOT)/lib/wasm/wasm_exec.js
WEB_ADDR  ?= 127.0.0.1:8080
RUN_ARGS  ?= -task=fmnist -hidden=2

.PHONY: build run data test test-deps test-go test-wasm test-web test-fuzz test-slurm bench gpubench web serve web-screenshots web-perf clean

build:
	$(GO) build -o bin/bcp-native ./native

# data makes sure the Fashion-MNIST IDX files are where bcp-native looks by
# default: Debian's dataset-fashion-mnist package.
data:
	@if [ -f $(FMNIST)/train-images-idx3-ubyte.gz ] || [ -f $(FMNIST)/train-images-idx3-ubyte ]; then \
		echo "Fashion-MNIST found in $(FMNIST)"; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "installing Debian's dataset-fashion-mnist"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist; \
	else \
		echo "Fashion-MNIST is missing; install it with: sudo apt-get install dataset-fashion-mnist"; exit 1; \
	fi

run: build data
	./bin/bcp-native $(RUN_ARGS)

# test-deps installs the Debian packages the tests use, when running as root.
test-deps:
	@need=""; \
	for p in dataset-fashion-mnist libvulkan1 mesa-vulkan-drivers chromium; do \
		dpkg -s $$p >/dev/null 2>&1 || need="$$need $$p"; \
	done; \
	command -v node >/dev/null 2>&1 || need="$$need nodejs"; \
	if [ -n "$$need" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$need; \
		else \
			echo "missing Debian packages:$$need (install them with sudo apt-get install$$need)"; exit 1; \
		fi; \
	fi

test: test-deps test-go test-wasm test-web test-fuzz test-slurm

# BCP_REQUIRE_GPU=1 turns "no WebGPU adapter" into a failure: the GPU tests
# must run (on Mesa's software Vulkan adapter on machines without a GPU).
test-go:
	$(GO) vet ./...
	BCP_REQUIRE_DATA=1 BCP_REQUIRE_GPU=1 $(GO) test -count=1 ./...

# The pure-Go core also runs in browsers: test it under GOOS=js GOARCH=wasm.
test-wasm:
	GOOS=js GOARCH=wasm $(GO) build ./shaders/...
	GOOS=js GOARCH=wasm $(GO) vet ./wasm/...
	GOOS=js GOARCH=wasm $(GO) test -count=1 -short -exec="$(WASM_EXEC)" ./core/... ./shaders/... ./wasm/...

# web builds the demo site into public/ (bcp.wasm and wasm_exec.js are build outputs).
web:
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags='-s -w' -o public/bcp.wasm ./wasm
	cp "$(WASM_EXEC_JS)" public/wasm_exec.js

serve: web
	$(GO) run ./wasm/serve -addr $(WEB_ADDR) -dir public

wasm/e2e/node_modules: wasm/e2e/package.json wasm/e2e/package-lock.json
	cd wasm/e2e && npm ci --no-audit --no-fund
	@touch $@

# test-web drives every demo in headless Chromium (Debian's, through
# playwright-core); it records speed and frame rate in out/e2e/perf.json.
test-web: web wasm/e2e/node_modules
	$(GO) build -o bin/bcp-serve ./wasm/serve
	BCP_SERVE=$(CURDIR)/bin/bcp-serve node wasm/e2e/e2e.mjs

# web-perf asserts the speed floors (50 simulated s per s at 30 fps).
web-perf: web wasm/e2e/node_modules
	$(GO) build -o bin/bcp-serve ./wasm/serve
	BCP_SERVE=$(CURDIR)/bin/bcp-serve BCP_E2E_MIN_RATE=50 BCP_E2E_MIN_FPS=30 \
		node --test-name-pattern='max speed' wasm/e2e/e2e.mjs

web-screenshots: web wasm/e2e/node_modules
	$(GO) build -o bin/bcp-serve ./wasm/serve
	BCP_SERVE=$(CURDIR)/bin/bcp-serve node wasm/e2e/e2e.mjs --screenshots out/screenshots

# Each fuzz target runs briefly on top of its committed seed corpus.
FUZZ_TIME ?= 3s
test-fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzReadIDX$$' -fuzztime $(FUZZ_TIME) ./core/dataset
	$(GO) test -run '^$$' -fuzz '^FuzzParsePathData$$' -fuzztime $(FUZZ_TIME) ./core/shapes
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZ_TIME) ./core/checkpoint
	$(GO) test -run '^$$' -fuzz '^FuzzConfig$$' -fuzztime $(FUZZ_TIME) ./native

# test-slurm submits a small sweep to a real one-node Slurm cluster on this
# machine. As root the script installs slurm-wlm and munge, starts munged,
# slurmctld and slurmd under a temporary folder and stops them again;
# otherwise it says it skipped.
test-slurm:
	GO=$(GO) bash native/testdata/slurm_e2e.sh

bench:
	$(GO) test -run '^$$' -bench . -benchtime 3x ./core/...
	$(GO) test -run '^$$' -bench 'MatMul|Step/L2|Epoch' -benchtime 2x ./native/gpu/...

# gpubench is the GPU machine's check: agreement with the CPU backend, then
# the benchmark table with the adapter's name.
gpubench:
	$(GO) run ./native/gpu/gpubench

clean:
	rm -rf bin
	rm -f public/bcp.wasm public/wasm_exec.js
