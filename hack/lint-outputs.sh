#!/usr/bin/env bash
# Scores the rendered output of every success fixture with kube-score, an
# independent manifest linter, and compares its findings with the committed
# testdata/success/<case>/kube-score.txt. Well-configured fixtures (listed
# below) must have no findings at all. UPDATE=1 rewrites the goldens.
#
# Two checks are off, on purpose (see docs/testing.md, "kube-score"):
#   pod-networkpolicy          which traffic to allow is the application's business;
#   container-image-pull-policy kube-score wants Always, which breaks air-gapped clusters.
set -euo pipefail
cd "$(dirname "$0")/.."

FN=${FN:-bin/mlpipeline-fn}
KUBE_SCORE=${KUBE_SCORE:-bin/kube-score}
# A pinned image, memory and ephemeral-storage requests and limits, 2+ min
# replicas and the production defaults left on: nothing left to report.
WELL_CONFIGURED=(well-configured autoscaling-off behavior custom-metrics function-config-also-item
  gpu gpu-own-toleration memory-target merge-keys multiple-pipelines namespace-set-after-render
  pdb-min-available rerun-own-output gpu-preset metric-order
  gpu-model-server dra-resource-claims home-set-by-user prune-service
  service-annotations service-disabled service-load-balancer service-sidecar-port service-headless-grpc
  model-image-volume)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

score() { # dir -> findings on stdout, one per line, sorted
  local dir=$1 inputs=()
  mapfile -t inputs < <(find "$dir" -maxdepth 1 -name 'input*.yaml' | sort)
  "$FN" --warnings=false "$dir/config.yaml" "${inputs[@]}" >"$tmp/rendered.yaml"
  # kube-score exits 1 when it finds something; the findings are what we compare.
  "$KUBE_SCORE" score -o ci \
    --ignore-test pod-networkpolicy --ignore-test container-image-pull-policy \
    "$tmp/rendered.yaml" | grep -v -e '^\[OK\]' -e '^\[SKIPPED\]' | sort || true
}

for dir in testdata/success/*/; do
  dir=${dir%/}
  name=$(basename "$dir")
  score "$dir" >"$tmp/findings"
  golden="$dir/kube-score.txt"
  if [[ ${UPDATE:-} == 1 ]]; then
    cp "$tmp/findings" "$golden"
  fi
  if ! diff -u "$golden" "$tmp/findings" >"$tmp/diff" 2>&1; then
    echo "FAIL $name: kube-score findings differ from $golden (UPDATE=1 make lint-outputs rewrites it):"
    cat "$tmp/diff"
    failures=$((failures + 1))
    continue
  fi
  if [[ " ${WELL_CONFIGURED[*]} " == *" $name "* ]] && [[ -s $tmp/findings ]]; then
    echo "FAIL $name: well-configured, yet kube-score reports:"
    cat "$tmp/findings"
    failures=$((failures + 1))
    continue
  fi
  echo "ok   $name ($(wc -l <"$tmp/findings") findings, as recorded)"
done

# Negative control: the old program's values must still be caught, or the
# linter is not looking at our output.
if ! grep -q 'Image with latest tag' testdata/success/seed-equivalent/kube-score.txt; then
  echo "FAIL negative control: kube-score no longer flags the seed-equivalent's :latest image"
  failures=$((failures + 1))
fi

# And the program this function replaces fails on the findings the README lists.
old_criticals=$("$KUBE_SCORE" score -o ci --ignore-test pod-networkpolicy --ignore-test container-image-pull-policy \
  docs/old-program.yaml | grep -c '^\[CRITICAL\]' || true)
if ((old_criticals < 8)); then
  echo "FAIL negative control: docs/old-program.yaml has $old_criticals CRITICAL findings, want at least 8"
  failures=$((failures + 1))
else
  echo "ok   negative control: the replaced program's resources get $old_criticals CRITICAL findings"
fi

if ((failures > 0)); then
  echo "lint-outputs: $failures failure(s)"
  exit 1
fi
echo "lint-outputs: every fixture scored as recorded; well-configured fixtures are clean"
