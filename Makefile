# hob: `make run` builds and starts hob on the embedded store; `make test`
# installs what the tests need when missing, then runs every test.

GO      ?= go
BIN     := bin/hob
DATA    ?= hob-data
PG_BIN  := /usr/lib/postgresql/15/bin
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
export CGO_ENABLED ?= 0

.PHONY: run build web test test-deps vet api-coverage bench screenshots clean

run: build
	./$(BIN) serve --data-dir $(DATA)

build: web
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/hob
	$(GO) build -o bin/elf ./cmd/elf

# web builds the console's front-end into web/dist, which the hob binary
# embeds (package web). Without node and npm it says so and is skipped: hob
# then serves a "not built yet" page at /. `make test` builds it first, for
# the browser walk-through (internal/app/console_browser_test.go).
web:
	@if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then \
		cd web && npm ci --no-audit --no-fund && npm run build; \
	else \
		echo "make web: node and npm not found; skipping the console front-end (hob will serve a 'not built yet' page at /)"; \
	fi

test: test-deps web
	$(GO) vet ./...
	$(GO) test -timeout 30m -count=1 ./...

# test-deps installs, only when missing, the real servers and clients the
# tests drive: PostgreSQL 15's server binaries, the aws CLI and boto3.
test-deps:
	@./.ci/install-test-deps

vet:
	$(GO) vet ./...

# api-coverage regenerates AWS's operation table from the installed
# botocore models and writes docs/api-coverage.md.
api-coverage:
	python3 tools/awsops/gen.py internal/api/awsops_gen.go
	gofmt -w internal/api/awsops_gen.go
	$(GO) run ./tools/apicoverage docs/api-coverage.md

# screenshots runs the console's browser walk-through (web/e2e) and keeps
# its screenshots in docs/console, the images docs/console.md shows.
screenshots: web
	HOB_SCREENSHOT_DIR=$(CURDIR)/docs/console $(GO) test -count=1 -run '^TestConsoleBrowser$$' ./internal/app/

bench:
	$(GO) test -run '^$$' -bench . -benchtime 2s ./internal/store/... ./internal/api/...

clean:
	rm -rf bin
