# orderdesk: `make dev` runs the whole stack on this machine, `make test`
# runs every test against a real PostgreSQL and a real Temporal dev server.
# Both install what they need the first time.

SHELL := /bin/bash
GO ?= go
# The pinned Temporal CLI (dev server + Web UI). v1.9.1 does not build from
# the module proxy (its dependencies no longer resolve there).
TEMPORAL_CLI_VERSION := v1.5.1
BIN := $(CURDIR)/.bin
TEMPORAL := $(BIN)/temporal
# The pinned staticcheck (make lint), built with the Go that runs it.
STATICCHECK_VERSION := v0.8.2
STATICCHECK := $(BIN)/staticcheck
DATA ?= $(or $(ORDERDESK_DATA_DIR),.data)
TEST_TIMEOUT ?= 20m
TESTFLAGS ?=
FUZZTIME ?= 15s

.PHONY: dev test test-packages test-model temporal postgres-bin browser-deps screenshots vet lint staticcheck build fuzz clean-dev help record-histories

help:
	@echo "make dev        run orderdesk locally: Temporal dev server, PostgreSQL, worker, agent UI (:8080)"
	@echo "make test       make lint, then every test, against real PostgreSQL and Temporal (installs what it needs)"
	@echo "make lint       go vet, staticcheck $(STATICCHECK_VERSION) (built into .bin/ the first time) and a check that go mod tidy changes nothing"
	@echo "make build      build bin/orderdesk"
	@echo "make screenshots  regenerate docs/screenshots/*.png (the README's) in headless Chromium"
	@echo "make record-histories  record the histories the workflow replay test replays"
	@echo "make fuzz       short fuzz runs of the pricing invariants (FUZZTIME=$(FUZZTIME) each)"
	@echo "make bench      the benchmark on a stack of its own (~15 min): one table, written into docs/benchmarks.md (BENCH_ORDERS=100000 BENCH_SECONDS=4: a short run)"
	@echo "make chaos      the money model test: $(CHAOS_SEQUENCES) random sequences on the real stack (ORDERDESK_MODEL_SEED=N replays a run)"
	@echo "make temporal   build the pinned Temporal CLI into .bin/ (make dev and make test do it)"
	@echo "make prod-test  a production-like run without Docker: a Temporal server $(TEMPORAL_SERVER_VERSION) on PostgreSQL, two workers, the agent UI, a worker killed and the server restarted mid-run (~10 min more the first time: builds the server)"
	@echo "make clean-dev  delete make dev's data ($(DATA)) once nothing runs on it"

# Built, then run in make's place (not `go run`, which turns Ctrl-C into
# "Error 1"): Ctrl-C reaches orderdesk, which stops what it started.
dev: temporal
	@echo "compiling orderdesk (the first time takes a minute or two)..."
	@$(GO) build -o bin/orderdesk ./cmd/orderdesk
	@exec bin/orderdesk dev

# Builds the Temporal CLI unless .bin/temporal is already the pinned version.
temporal:
	@if ! $(GO) version -m $(TEMPORAL) 2>/dev/null | grep -q 'github.com/temporalio/cli[[:space:]]*$(TEMPORAL_CLI_VERSION)'; then \
		echo "building the Temporal CLI $(TEMPORAL_CLI_VERSION) into .bin/ (first time only, ~4 min)..."; \
		GOBIN=$(BIN) $(GO) install github.com/temporalio/cli/cmd/temporal@$(TEMPORAL_CLI_VERSION); \
	fi

# PostgreSQL server binaries for the tests' private clusters, unless the
# machine has them or DATABASE_URL points at a server.
postgres-bin:
	@if [ -n "$$DATABASE_URL" ] || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null; then :; \
	else \
		echo "installing the PostgreSQL server binaries (apt-get install postgresql)..."; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q postgresql; \
	fi

# The browser tests (web/browser_test.go, chromedp) drive Debian's Chromium.
browser-deps:
	@command -v chromium >/dev/null || [ -n "$$CHROMIUM" ] || { echo "installing Chromium for the browser tests (apt-get install chromium)..."; [ "$$(id -u)" = 0 ] || SUDO=sudo; $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; }

# Regenerates the README's screenshots with the browser tests' tooling.
screenshots: temporal postgres-bin browser-deps
	$(GO) test -count=1 -run '^TestScreenshots$$' ./web -args -screenshots=$(CURDIR)/docs/screenshots

vet:
	$(GO) vet ./...

# Builds staticcheck unless .bin/staticcheck is the pinned version built by
# this Go (a staticcheck built by an older Go cannot read newer code).
staticcheck:
	@if ! $(GO) version -m $(STATICCHECK) 2>/dev/null | awk -v go="$$($(GO) env GOVERSION)" -v v=$(STATICCHECK_VERSION) \
		'NR == 1 && $$2 == go { g = 1 } $$1 == "mod" && $$2 == "honnef.co/go/tools" && $$3 == v { m = 1 } END { exit !(g && m) }'; then \
		echo "building staticcheck $(STATICCHECK_VERSION) into .bin/ (first time only, ~1 min)..."; \
		GOBIN=$(BIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION); \
	fi

# go vet, staticcheck, and go.mod and go.sum as go mod tidy leaves them
# (go mod tidy -diff changes no file: it prints what tidy would change).
lint: vet staticcheck
	$(STATICCHECK) ./...
	@if ! out=$$($(GO) mod tidy -diff 2>&1); then \
		echo "$$out"; \
		echo "go.mod and go.sum are not what go mod tidy makes of them (above): run go mod tidy, then commit go.mod and go.sum"; \
		exit 1; \
	fi

# make test runs three parts at once, each with its own output, printed
# whole when the part ends: lint, the packages' tests, and the money model
# test. The tests wait on the servers more than they compute, so the model's
# sequences and the lint's type checking fill the time the packages' tests
# leave the cores idle; one after the other they took a minute longer.
#
# The money model test runs on its own, verbose, so its summary (seed,
# sequences, procedures, invariants checked) shows in the output. make test
# runs it on a fixed seed, so a run is the same sequences on any machine;
# make chaos draws a new seed each time (MODEL_SEED= here draws one too).
MODEL_SEED ?= 67483479
test:
	@echo "make test: lint, the packages' tests and the money model test run at once; each part's output comes when it ends (about 5 minutes on 2 cores)"
	@$(MAKE) --no-print-directory -j4 --output-sync=target lint test-packages test-model

test-packages: temporal postgres-bin browser-deps
	$(GO) test -timeout $(TEST_TIMEOUT) $(TESTFLAGS) -skip '^TestMoneyModel$$' ./...

test-model: temporal postgres-bin
	ORDERDESK_MODEL_SEED=$(MODEL_SEED) $(GO) test -timeout $(TEST_TIMEOUT) $(TESTFLAGS) -run '^TestMoneyModel$$' -v ./starter/

build:
	$(GO) build -o bin/orderdesk ./cmd/orderdesk

# Records the histories the replay test (workflows/replay_test.go) replays,
# from real runs on a Temporal dev server. Run it when a procedure changes on
# purpose, behind workflow.GetVersion, and commit workflows/testdata.
record-histories: temporal postgres-bin
	ORDERDESK_RECORD_HISTORY=1 $(GO) test -count=1 -run 'TestModifyContentEndToEnd|TestModifyContentEmailReviewedThenSentWithANote|TestOperatorFindsTheProcedureThatWaitsForAnAgent|TestExpiredCard|TestChequeAlreadySent|TestCancelEverything|TestOperatorCancelWhileARefundAnswerIsLost|TestAnApprovalIsCheckedAgainstTheAgentsTable|TestCancellingAnOrderWhoseChequeIsCashed|TestMoneyProceduresKeepTheirHistoriesShort|TestAChequeOrderFromArrivalToArchive|TestAnAwaitedTransferFollowsTheEditedDetails|TestAnOverpaidChequeIsConfirmedAndTheDifferenceMailedBack|TestReconcileOpensATaskForARefundOrderdeskNeverRecorded|TestAFullWithdrawalIsRefundedOnceThroughTheProvider' ./starter

# Each fuzz target of the order package for FUZZTIME, then the API
# intake's and the input text check's.
fuzz:
	@set -e; for f in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' order/*_test.go | cut -d' ' -f2); do \
		echo "== $$f ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$f\$$" -fuzztime $(FUZZTIME) ./order; \
	done
	@echo "== FuzzAPIIntake ($(FUZZTIME))"; $(GO) test -run '^$$' -fuzz '^FuzzAPIIntake$$' -fuzztime $(FUZZTIME) ./web/api
	@echo "== FuzzCheck ($(FUZZTIME))"; $(GO) test -run '^$$' -fuzz '^FuzzCheck$$' -fuzztime $(FUZZTIME) ./textin

# The randomized model test of the money procedures (starter/model_test.go),
# longer than under make test; the seed it prints replays the run.
CHAOS_SEQUENCES ?= 250
.PHONY: chaos
chaos: temporal postgres-bin
	ORDERDESK_MODEL_SEQUENCES=$(CHAOS_SEQUENCES) $(GO) test -count=1 -timeout 40m -run '^TestMoneyModel$$' -v ./starter/

# The benchmark (bench/, docs/benchmarks.md): its own PostgreSQL and
# Temporal dev server, never make dev's data. Built, then run in make's
# place, so Ctrl-C reaches it and it stops what it started.
.PHONY: bench
bench: temporal postgres-bin
	@$(GO) build -o bin/orderdesk-bench ./cmd/orderdesk-bench
	@exec bin/orderdesk-bench

# The production-like run (prodtest/, behind its build tag, not in make
# test): a real Temporal server on its own PostgreSQL (persistence and
# visibility), two `orderdesk worker` and one `orderdesk web` built from the
# tree; a worker SIGKILLed and the server restarted mid-run. The server is
# the version the pinned CLI embeds, built with its schema tool into
# .bin/temporal-server-<version>/ unless already there.
TEMPORAL_SERVER_VERSION := v1.29.1
TEMPORAL_SERVER_BIN := $(BIN)/temporal-server-$(TEMPORAL_SERVER_VERSION)
.PHONY: prod-test temporal-server
temporal-server:
	@if ! $(GO) version -m $(TEMPORAL_SERVER_BIN)/server 2>/dev/null | grep -q 'go.temporal.io/server[[:space:]]*$(TEMPORAL_SERVER_VERSION)' || ! [ -x $(TEMPORAL_SERVER_BIN)/sql ]; then \
		echo "building the Temporal server $(TEMPORAL_SERVER_VERSION) and its schema tool into $(TEMPORAL_SERVER_BIN) (first time only, ~10 min)..."; \
		GOBIN=$(TEMPORAL_SERVER_BIN) $(GO) install go.temporal.io/server/cmd/server@$(TEMPORAL_SERVER_VERSION) go.temporal.io/server/cmd/tools/sql@$(TEMPORAL_SERVER_VERSION); \
	fi
prod-test: temporal-server postgres-bin
	$(GO) test -tags prodtest -count=1 -timeout 30m -v -run '^TestProductionLikeStack$$' ./prodtest/

# Deletes make dev's data (orders, Temporal history) after checking that no
# make dev and no PostgreSQL of it still run.
clean-dev:
	@if [ -f $(DATA)/orderdesk-dev.pid ] && kill -0 $$(cat $(DATA)/orderdesk-dev.pid) 2>/dev/null; then \
		echo "make dev is still running (pid $$(cat $(DATA)/orderdesk-dev.pid)): stop it with Ctrl-C first"; exit 1; fi
	@if [ -f $(DATA)/postgres/data/postmaster.pid ] && kill -0 $$(head -1 $(DATA)/postgres/data/postmaster.pid) 2>/dev/null; then \
		echo "the PostgreSQL of make dev is still running (pid $$(head -1 $(DATA)/postgres/data/postmaster.pid)): stop make dev first"; exit 1; fi
	@if pgrep -f -- "[-]-db-filename $(abspath $(DATA))/temporal[.]db" >/dev/null; then \
		echo "the Temporal dev server of make dev is still running: stop make dev first"; exit 1; fi
	rm -rf $(DATA)
	@echo "removed $(DATA): the next make dev starts from fresh demo data"
