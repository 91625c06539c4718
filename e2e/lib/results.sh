# Results and goldens for the e2e harnesses (sourced by e2e/orchestrators/
# run.sh and e2e/argocd/run.sh). The caller sets: suite (its name in the
# summary), repo (the repo's root), work (a scratch dir) and UPDATE (1:
# rewrite goldens; see update_mode), and may set summary_info (shown in the
# summary's title). Every case runs; pass and fail record each one, finish
# prints the summary and exits 1 if any failed.

declare -a summary=()
failures=0
summary_done=0
start_all=$SECONDS

# update_mode SCRIPT ARGS...: prints 1 to rewrite goldens (--update or
# UPDATE_GOLDEN=1), else 0; fails with the usage on any other argument.
update_mode() {
  local script=$1 mode=${UPDATE_GOLDEN:-0} arg
  shift
  for arg in "$@"; do
    case $arg in
      --update) mode=1 ;;
      *) echo "usage: $script [--update]" >&2; return 2 ;;
    esac
  done
  echo "$mode"
}

pass() { summary+=("PASS  $1"); }
fail() { summary+=("FAIL  $1"); failures=$((failures + 1)); echo "FAIL: $1" >&2; }

# print_summary: every case so far, once (an EXIT trap calls it too, so an
# unexpected error still shows what ran).
print_summary() {
  ((summary_done)) && return 0
  summary_done=1
  echo >&2
  echo "=== $suite summary ($((SECONDS - start_all))s${summary_info:+, $summary_info})" >&2
  ((${#summary[@]})) && printf '  %s\n' "${summary[@]}" >&2
  return 0
}

# finish: the summary; exit 1 if any case failed.
finish() {
  print_summary
  if ((failures > 0)); then
    echo "$suite: $failures case(s) failed" >&2
    exit 1
  fi
  echo "$suite: all passed" >&2
}

# check NAME GOLDEN ACTUAL: compare a file (or a directory tree) with its
# golden, or rewrite the golden in update mode.
declare -A updated=()
check() {
  local name=$1 want=$2 got=$3
  # Several cases share a golden (same objects whichever way they're made):
  # in update mode the first writes it and the others are compared with it.
  if [[ $UPDATE == 1 && -z ${updated[$want]:-} ]]; then
    updated[$want]=1
    rm -rf "$want"
    mkdir -p "$(dirname "$want")"
    cp -r "$got" "$want"
    summary+=("UPDATED  $name -> ${want#"$repo"/}")
    return 0
  fi
  if diff -ruN "$want" "$got" >"$work/diff" 2>&1; then
    pass "$name"
  else
    echo "--- $name: differs from ${want#"$repo"/} (want) vs output (got):" >&2
    cat "$work/diff" >&2
    fail "$name"
  fi
}
