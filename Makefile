.PHONY: build scan test bench bench-python rules
build:
	scripts/deps --quiet && swift build -c release --static-swift-stdlib --product leakguard
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
