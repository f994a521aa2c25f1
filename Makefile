.PHONY: build scan test bench rules
build:
	scripts/deps --quiet && swift build -c release --static-swift-stdlib --product leakguard
scan:
	scripts/scan .
test:
	scripts/test
bench:
	scripts/bench $(CORPUS)
rules:
	scripts/generate-builtin-rules
