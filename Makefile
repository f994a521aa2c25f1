.PHONY: build release man install scan test bench bench-python rules
PREFIX ?= /usr/local
DESTDIR ?=
SCRATCH ?= .build
DIST = $(SCRATCH)/dist

build:
	scripts/deps --quiet && swift build -c release --static-swift-stdlib --product leakguard
# The stripped, statically linked binary that installs and the Docker image ship.
release:
	scripts/deps --quiet && scripts/release-build $(DIST)
# docs/leakguard.1 from the command definitions (swift-argument-parser's generate-manual),
# stamped with a hash of `--experimental-dump-help` so a test can tell when it is stale.
man:
	swift package --scratch-path $(SCRATCH) plugin generate-manual
	scripts/stamp-man $(SCRATCH)/plugins/GenerateManual/outputs/leakguard/leakguard.1 $(SCRATCH)/debug/leakguard > docs/leakguard.1
# Binary, man page and shell completions under $(DESTDIR)$(PREFIX).
install: release
	scripts/install $(DIST)/leakguard "$(DESTDIR)$(PREFIX)"
scan:
	scripts/scan .
test:
	scripts/test
bench-python:
	scripts/bench-python
bench:
	scripts/bench $(CORPUS)
rules:
	scripts/generate-builtin-rules
