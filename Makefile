# Callwright developer entry points. `make` alone prints this help.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

BENCH_ARGS ?=

# Extra arguments for cargo nextest, e.g. make test TEST_ARGS='-- -E "test(campaign)"'
TEST_ARGS ?=

.PHONY: help test sqlx demo demo-down deps bench bench-dashboard chaos fuzz fuzz-api fmt lint build compose-config

help: ## Show this help
	@echo "Callwright make targets:"
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-15s %s\n", $$1, $$2}'

test: ## fmt check, clippy, dependency rules, SQL check (.sqlx/), nextest against a private Postgres + Temporal (what CI runs)
	@scripts/test.sh $(TEST_ARGS)

sqlx: ## Refresh .sqlx/ (sqlx's offline query data) after changing a query or a migration; commit it
	@scripts/check-sqlx.sh --write

demo: ## Build and run the whole stack locally, then the demo campaign (DEMO_EXIT=1 to stop after)
	@scripts/demo.sh

demo-down: ## Stop everything `make demo` started (keeps data and logs in .run/demo)
	@scripts/demo-down.sh

deps: ## Install what is missing: PostgreSQL, Temporal CLI, cargo-nextest, Chromium (Node.js 20.19+ checked)
	@scripts/deps.sh

bench: ## Benchmarks (turn overhead, CSV import, analytics, concurrency, campaign throughput) → docs/benchmarks.md (e.g. BENCH_ARGS='--only csv --csv-rows 100000')
	@scripts/bench.sh $(BENCH_ARGS)

bench-dashboard: ## The live calls view with 500 calls streaming, in headless Chromium → docs/benchmarks.md
	@scripts/dashboard-bench.sh

chaos: ## Run the chaos/failure-injection suite (scripts/chaos.sh)
	@scripts/chaos.sh $(CHAOS_ARGS)

fuzz: ## cargo fuzz the parsers (phone, TwiML, webhook, CSV upload, relay frames, streamed model answers), FUZZ_SECONDS each (default 60); prints exec counts
	@scripts/fuzz.sh

fuzz-api: ## schemathesis against /openapi.json on a private stack: no 5xx, responses match the schema (FUZZ_MAX_EXAMPLES=40; FUZZ_CHECKS=all: every check, stateful phase included)
	@scripts/fuzz-api.sh

fmt: ## Format all Rust code
	@cargo fmt --all

lint: ## cargo fmt --check + clippy with warnings as errors
	@cargo fmt --all -- --check
	@cargo clippy --workspace --all-targets --locked -- -D warnings

build: ## Debug build of all binaries (shared with tests and the demo)
	@cargo build --workspace --bins --locked

compose-config: ## Validate docker-compose.temporal.yml (needs docker compose or docker-compose)
	@export TWILIO_ACCOUNT_SID=AC0 TWILIO_AUTH_TOKEN=x TWILIO_FROM_NUMBER=+10000000000 LLM_API_KEY=x PUBLIC_BASE_URL=https://example.invalid SMTP_URL=smtp://mail.invalid:587 BOOKING_ORGANIZER_EMAIL=sales@example.invalid; \
	if docker compose version >/dev/null 2>&1; then docker compose -f docker-compose.temporal.yml config -q; \
	else docker-compose -f docker-compose.temporal.yml config -q; fi
