# mlpipeline-fn — see README.md for what each target does.
SHELL := /bin/bash
.DEFAULT_GOAL := help

BIN        := $(CURDIR)/bin
FN         := $(BIN)/mlpipeline-fn
VERSION    ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS    := -s -w -X main.version=$(VERSION)
# Heavy, version-pinned binaries (kube-apiserver, etcd, kwok…) are cached outside the repo.
CACHE_DIR  ?= $(HOME)/.cache/mlpipeline-fn
export CACHE_DIR

KUSTOMIZE_VERSION      := v5.8.1
KUBE_SCORE_VERSION     := v1.20.0
CONTROLLER_GEN_VERSION := v0.20.0

.PHONY: help
help: ## list targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

.PHONY: build
build: ## build bin/mlpipeline-fn
	CGO_ENABLED=0 go build -trimpath -ldflags '$(LDFLAGS)' -o $(FN) .

# ---- tools, installed into ./bin at pinned versions ----
$(BIN)/kustomize:
	GOBIN=$(BIN) go install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION)
$(BIN)/kube-score:
	GOBIN=$(BIN) go install github.com/zegl/kube-score/cmd/kube-score@$(KUBE_SCORE_VERSION)
$(BIN)/controller-gen:
	GOBIN=$(BIN) go install sigs.k8s.io/controller-tools/cmd/controller-gen@$(CONTROLLER_GEN_VERSION)
.PHONY: tools
tools: $(BIN)/kustomize $(BIN)/kube-score $(BIN)/controller-gen ## install pinned tools into ./bin

# ---- test targets beyond `make test`; each script installs what it needs ----
.PHONY: e2e e2e-apiserver e2e-autoscaling bench image
image: ## build the function's container image (and the Argo CD sidecar) with docker or podman
	./hack/image.sh
e2e: build $(BIN)/kustomize ## kustomize, kpt and Argo CD end-to-end tests with the real tools
	./e2e/orchestrators/run.sh
e2e-apiserver: build ## apply every output to a real kube-apiserver (restricted Pod Security)
	./e2e/apiserver/run.sh
e2e-autoscaling: build ## real HPA controller scales the generated Deployment (kwok + metrics-server)
	./e2e/autoscaling/run.sh
bench: ## process-level and Go benchmarks against a kyaml identity function
	./bench/run.sh

# ---- the function's own tests ----
FUZZTIME ?= 30s
.PHONY: test update-golden generate fuzz run
generate: $(BIN)/controller-gen ## regenerate the MLPipeline CRD from the Go types
	$(BIN)/controller-gen crd:crdVersions=v1 paths=./fn/api/... output:crd:artifacts:config=config/crd
test: $(BIN)/controller-gen ## unit, fixture, CRD and property tests, plus a bounded fuzz run
	go vet ./...
	CONTROLLER_GEN=$(BIN)/controller-gen go test ./...
	go test -run='^$$' -fuzz=FuzzResourceList -fuzztime=$(FUZZTIME) ./fn
update-golden: ## rewrite testdata expected.yaml / errors.txt / results.yaml from the current output
	UPDATE_GOLDEN=1 go test ./fn -run 'TestFixtures|TestFixtureResults' >/dev/null || true
	go test ./fn -run 'TestFixtures|TestFixtureResults'
run: build ## render kustomization-example/'s MLPipeline with the function and print the YAML
	$(FN) kustomization-example/mlpipeline.yaml
