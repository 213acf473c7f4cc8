# cnbudget — two commands for a newcomer:
#   make run    install what is missing, build Release, extract the bundled corpus into out/
#   make test   install what is missing, build, run every test through ctest
#   make test-asan  the same suite under AddressSanitizer and UBSan
#   make fuzz   libFuzzer targets (clang) for FUZZ_SECONDS each (default 60)
BUILD ?= build
BUILD_ASAN ?= build-asan
BUILD_FUZZ ?= build-fuzz
FUZZ_SECONDS ?= 60
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
DEBIAN_PACKAGES = cmake g++ make pkg-config python3 libpoppler-cpp-dev poppler-data poppler-utils \
                  libicu-dev libre2-dev nlohmann-json3-dev doctest-dev libsqlite3-dev sqlite3 libjemalloc-dev

FUZZ_PACKAGES = clang libclang-rt-14-dev

.PHONY: all deps deps-fuzz build run test test-asan fuzz clean

all: build

# Installs the Debian packages that are not there yet (needs root or sudo).
define install_missing
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
endef

deps:
	$(call install_missing,$(DEBIAN_PACKAGES))

deps-fuzz: deps
	$(call install_missing,$(FUZZ_PACKAGES))

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j $(JOBS)

run: build
	@mkdir -p out
	@status=0; ./$(BUILD)/cnbudget extract corpus/ -o out/records.jsonl || status=$$?; \
	if [ $$status -ge 2 ]; then exit $$status; fi; \
	python3 tools/summary.py out/records.jsonl
	@rm -f out/cnbudget.sqlite*; status=0; ./$(BUILD)/cnbudget extract --quiet --format sqlite --out out corpus/ || status=$$?; \
	if [ $$status -ge 2 ]; then exit $$status; fi; \
	echo "out/cnbudget.sqlite: $$(sqlite3 out/cnbudget.sqlite 'SELECT count(*) FROM figures') figures (try: sqlite3 out/cnbudget.sqlite < docs/first-query.sql)"

test: build
	cd $(BUILD) && ctest --output-on-failure

test-asan: deps
	cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DCNBUDGET_SANITIZE=ON
	cmake --build $(BUILD_ASAN) -j $(JOBS)
	cd $(BUILD_ASAN) && ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure

# Each target for FUZZ_SECONDS; a crash is kept under tests/regress/ (fuzz/run.sh).
fuzz: deps-fuzz
	cmake -S . -B $(BUILD_FUZZ) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DCNBUDGET_FUZZ=ON
	cmake --build $(BUILD_FUZZ) -j $(JOBS) --target fuzz_normalizer fuzz_decimal fuzz_engine fuzz_pdf fuzz_html
	bash fuzz/run.sh $(BUILD_FUZZ) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ)
