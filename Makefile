# ward's entry points. Each target is a thin wrapper around a script in
# scripts/, so that CI (.ci/run) and people run the same thing.

.PHONY: all build test bench demo deps clean

all: build

## build: compile ward into bin/ward
build:
	go build -o bin/ward ./cmd/ward

## test: install the pinned test peers, then go vet and go test -race over the whole module
test:
	scripts/test.sh

## bench: end-to-end stdio benchmark: direct, raw pipe and ward proxy (docs/benchmarks.md)
bench:
	scripts/bench.sh

## demo: build ward and show it protecting @modelcontextprotocol/server-everything
demo:
	scripts/demo.sh

## deps: install the pinned test peers only (npm packages, Node 22, Go conformance server)
deps:
	scripts/setup-test-deps.sh

clean:
	rm -rf bin .cache/bench .cache/ward-test
