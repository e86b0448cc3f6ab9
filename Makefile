# The two commands of the README:
#   make demo   install, build, compile examples/skeleton.tsr, run it on the CPU
#   make test   install, build, run every test (unit + lit + e2e), fuzz the
#               frontend and then the runtime's file readers for 60 s each
#               (`make fuzz`), and test the editor grammar
#               (`make test-editors`)
BUILD ?= build
LLVM  ?= /usr/lib/llvm-19
JOBS  ?= $(shell nproc)
FUZZ_SECONDS ?= 60
# A fixed seed: `make test` tries the same inputs on every run of a commit
# (as many as the machine's speed allows), so its verdict is not left to
# chance. Random seeds look further: `make fuzz FUZZ_SEED=`, run-fuzzer.sh.
FUZZ_SEED ?= 1

.PHONY: demo test fuzz test-editors deps configure build clean

deps:
	@scripts/timed.sh deps scripts/install-deps.sh

configure: deps
	@scripts/timed.sh configure cmake -S . -B $(BUILD) -G Ninja \
	  -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_C_COMPILER=$(LLVM)/bin/clang -DCMAKE_CXX_COMPILER=$(LLVM)/bin/clang++ \
	  -DPython3_EXECUTABLE=/usr/bin/python3

build: configure
	@scripts/timed.sh build cmake --build $(BUILD) -j $(JOBS)

demo: build
	$(BUILD)/bin/tesserac examples/skeleton.tsr -o $(BUILD)/skeleton.tbin
	$(BUILD)/bin/tessera info $(BUILD)/skeleton.tbin
	$(BUILD)/bin/tessera run $(BUILD)/skeleton.tbin \
	  --input a=examples/data/a.npy --input b=examples/data/b.npy \
	  --output-dir $(BUILD)/demo-out

test: build
	@scripts/timed.sh test cmake --build $(BUILD) --target check
	@$(MAKE) --no-print-directory fuzz
	@scripts/timed.sh test-editors scripts/test-editors.sh

# libFuzzer with ASan + UBSan, in its own build folder (build-fuzz): over
# lexer + parser + Sema, then over the runtime's .tbin/.npy/.safetensors
# readers, FUZZ_SECONDS each; fails on any crash, leak, or input over 1 s.
fuzz: deps
	@scripts/timed.sh fuzz env LLVM=$(LLVM) JOBS=$(JOBS) FUZZ_SEED=$(FUZZ_SEED) \
	  scripts/run-fuzzer.sh $(FUZZ_SECONDS)

# Editor support (editors/README.md): TextMate grammar tests and snapshots via
# npm; needs no build. Skips, exit 0, when the npm registry is unreachable.
test-editors:
	@scripts/timed.sh test-editors scripts/test-editors.sh

clean:
	rm -rf $(BUILD) build-fuzz
