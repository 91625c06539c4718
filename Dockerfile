# mlpipeline-fn: KRM function image for kustomize, kpt and Argo CD.
#
# Build:  docker build --build-arg VERSION=v0.1.0 -t ghcr.io/mlpipeline-dev/mlpipeline-fn:v0.1.0 .
# The builder base is overridable (BUILDER_IMAGE); hack/image.sh uses that to
# build from a locally made base where no registry can be reached.

ARG BUILDER_IMAGE=golang:1.26

FROM ${BUILDER_IMAGE} AS build
# Module proxy settings can be passed through from the host (optional).
ARG GOPROXY
ARG GOSUMDB
ARG GOFLAGS=-mod=readonly
ARG VERSION=dev
ENV CGO_ENABLED=0 GOTOOLCHAIN=local GOMODCACHE=/go/pkg/mod GOCACHE=/root/.cache/go-build
WORKDIR /src
# Modules first, in their own layer, so code changes don't re-download them.
# The cache mounts (BuildKit, buildah/podman) keep modules and compiled
# packages between builds: a rebuild after a code change takes seconds.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/mlpipeline-fn . \
 && /out/mlpipeline-fn --version
# scratch has no user database; kustomize and kpt start functions with
# `--user nobody`, which fails with "unable to find user nobody" unless
# /etc/passwd names it. 65532 is the image's own non-root default user.
RUN mkdir -p /out/etc \
 && printf '%s\n' \
      'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin' \
      'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' >/out/etc/passwd \
 && printf '%s\n' 'nobody:x:65534:' 'nonroot:x:65532:' >/out/etc/group

FROM scratch
ARG VERSION=dev
LABEL org.opencontainers.image.title="mlpipeline-fn" \
      org.opencontainers.image.description="KRM function: MLPipeline -> Deployment + HPA + PodDisruptionBudget" \
      org.opencontainers.image.source="https://github.com/mlpipeline-dev/mlpipeline-fn" \
      org.opencontainers.image.version="${VERSION}"
COPY --from=build /out/etc/passwd /out/etc/group /etc/
COPY --from=build /out/mlpipeline-fn /usr/local/bin/mlpipeline-fn
# Numeric, so Kubernetes' runAsNonRoot can verify it.
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/mlpipeline-fn"]
