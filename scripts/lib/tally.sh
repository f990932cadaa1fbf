#!/usr/bin/env bash
# Sourced by the test entry points: adds up mocha's "N passing" and "N failing" lines over several suites (and
# other checks counted one each) for the one closing line CI reads, "LABEL: N passed, N failed".
passed=0
failed=0

# Runs a mocha command with its output shown, adds its counts and returns its exit status.
tally_mocha() {
  local out status=0 ran
  out=$(mktemp)
  "$@" 2>&1 | tee "$out" || status=$?
  passed=$((passed + $(sed -nE 's/^ *([0-9]+) passing.*/\1/p' "$out" | tail -1 | grep . || echo 0)))
  ran=$(sed -nE 's/^ *([0-9]+) failing.*/\1/p' "$out" | tail -1 | grep . || echo 0)
  # A suite that failed without a failing test (it did not compile, a hook threw) still counts as one.
  ((status != 0 && ran == 0)) && ran=1
  failed=$((failed + ran))
  rm -f "$out"
  return "$status"
}

# Counts a check that is not a mocha suite as one test: passed when its status is 0.
tally_check() {
  if (($1 == 0)); then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}

tally_line() { echo "$1: $passed passed, $failed failed"; }
