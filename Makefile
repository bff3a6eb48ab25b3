# Aliases for the scripts in scripts/ (which need nothing but bash, so a
# fresh machine without make can run them directly).
.PHONY: run test bench build smoke deps

run:
	./scripts/run.sh

test:
	./scripts/test.sh

bench:
	go test -run '^$$' -bench . -benchmem ./...

build:
	go build -o crmsync .

smoke:
	./scripts/smoke.sh

deps:
	./scripts/install-deps.sh
