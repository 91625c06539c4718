# mlpipeline-fn — `make help` lists the targets; README.md explains them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

BIN       := bin
FN        := $(BIN)/mlpipeline-fn
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -s -w -X main.version=$(VERSION)
# Heavy, version-pinned binaries (kube-apiserver, etcd, kwok…) are cached
# outside the repo, so a fresh clone on the same machine reuses them.
CACHE_DIR ?= $(HOME)/.cache/mlpipeline-fn
export CACHE_DIR

KUSTOMIZE_VERSION      := v5.8.1
KUBE_SCORE_VERSION     := v1.20.0
CONTROLLER_GEN_VERSION := v0.23.0
FUZZTIME               ?= 30s
export FUZZTIME

.PHONY: help
help: ## list the targets
	@grep -E '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

# ---- the function ----
.PHONY: build run
build: ## build bin/mlpipeline-fn (static, version stamped)
	CGO_ENABLED=0 go build -trimpath -ldflags '$(LDFLAGS)' -o $(FN) .
run: ## render kustomization-example/'s MLPipeline with the function and print the YAML
	@$(MAKE) --no-print-directory -s build >&2
	@$(FN) kustomization-example/mlpipeline.yaml

# ---- pinned tools, installed into ./bin ----
.PHONY: tools
tools: $(BIN)/kustomize $(BIN)/kube-score $(BIN)/controller-gen ## install the pinned kustomize, kube-score and controller-gen into bin/
$(BIN)/kustomize:
	GOBIN=$(CURDIR)/$(BIN) go install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION)
$(BIN)/kube-score:
	GOBIN=$(CURDIR)/$(BIN) go install github.com/zegl/kube-score/cmd/kube-score@$(KUBE_SCORE_VERSION)
$(BIN)/controller-gen:
	GOBIN=$(CURDIR)/$(BIN) go install sigs.k8s.io/controller-tools/cmd/controller-gen@$(CONTROLLER_GEN_VERSION)

# ---- the function's own tests ----
.PHONY: test update-golden generate lint-outputs check-readme
test: $(BIN)/controller-gen ## unit, fixture, CRD and property tests, the HPA traps against the HPA controller's code, plus a bounded fuzz run
	go vet ./...
	CONTROLLER_GEN=$(CURDIR)/$(BIN)/controller-gen go test ./...
	cd e2e/hpatraps && go vet ./... && go test ./...
	./hack/fuzz.sh
update-golden: ## rewrite testdata's expected.yaml, errors.txt, results.yaml and crd-verdicts.txt from the current output
	UPDATE_GOLDEN=1 go test ./fn -run 'TestFixtures|TestFixtureResults|TestCRDAcceptsEveryValidConfig' >/dev/null || true
	go test ./fn -run 'TestFixtures|TestFixtureResults|TestCRDAcceptsEveryValidConfig'
generate: $(BIN)/controller-gen ## regenerate the MLPipeline CRD in config/crd from fn/api
	$(BIN)/controller-gen crd:crdVersions=v1 paths=./fn/api/... output:crd:artifacts:config=config/crd
lint-outputs: build $(BIN)/kube-score ## score every success fixture's output with kube-score
	./hack/lint-outputs.sh
check-readme: ## run the README's quick start and walkthrough on a fresh clone of HEAD; compare their outputs
	go run ./hack/readmecheck

# ---- beyond `make test`: real tools, a real control plane, benchmarks ----
.PHONY: image e2e e2e-argocd e2e-apiserver e2e-autoscaling e2e-rollout e2e-keda bench
image: ## build the function's image and the Argo CD sidecar (docker, else podman)
	./hack/image.sh
e2e: build $(BIN)/kustomize ## kustomize, kpt and Argo CD end-to-end tests with the real tools
	./e2e/lib/test.sh
	./e2e/orchestrators/run.sh
e2e-argocd: build $(BIN)/kustomize ## Argo CD v3.6.1's real argocd-cmp-server and argocd-repo-server run the plugin
	./e2e/argocd/run.sh
e2e-apiserver: build $(BIN)/kustomize ## apply every output to a real kube-apiserver with Pod Security "restricted" (Go, envtest)
	./hack/k8s-binaries/build.sh kube-apiserver kube-controller-manager kubectl etcd >/dev/null
	cd e2e/apiserver && go test ./... -count=1 -v -timeout 20m
e2e-autoscaling: build ## the real HPA controller scales generated Deployments on CPU, GPU and queue metrics (kwok, metrics-server, metrics adapter)
	go -C e2e/autoscaling/timeline test ./...
	./e2e/autoscaling/run.sh
e2e-rollout: build ## the real scheduler: a GPU rollout completes on a full GPU pool, a drain never hangs on a not-Ready pod (kwok)
	./e2e/rollout/run.sh
e2e-keda: build ## KEDA v2.21.0's own operator, metrics API server and webhooks scale the generated ScaledObjects (real Redis queue, real Prometheus, kwok)
	./e2e/keda/run.sh
bench: ## kustomize build, start-up and scale against kyaml identity functions, Go benchmarks, a profile
	./bench/run.sh
