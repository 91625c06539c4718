// Nested module: the autoscaling e2e test's timeline checks (the standard
// library only). A module of its own so that `go test ./...` at the repo's
// root stays the function's tests, and the plotter (../plot) can share the
// timeline reader without the function's go.mod knowing either.
module github.com/mlpipeline-dev/mlpipeline-fn/e2e/autoscaling/timeline

go 1.26.0
