#!/usr/bin/env bash
# Sourced by the test entry points: adds up the counts of several mocha suites (and other checks counted one
# each) for the one closing line CI reads, "LABEL: N passed, N failed". Mocha prints its usual spec output and
# writes its counts to a JSON file through tally-reporter.ts, so nothing is scraped from its text.
passed=0
failed=0
TALLY_REPORTER=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/tally-reporter.ts

# Runs a mocha command (mocha's own arguments last) with its output shown, adds its counts and returns its exit
# status. The reporter is loaded through the ts-node that .mocharc.json registers.
tally_mocha() {
  local report status=0 passes=0 failures=0
  report=$(mktemp)
  "$@" --reporter "$TALLY_REPORTER" --reporter-option "output=$report" || status=$?
  if [[ -s $report ]]; then
    read -r passes failures < <(node -e \
      'const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(s.passes, s.failures)' \
      "$report")
  fi
  rm -f "$report"
  passed=$((passed + passes))
  # A suite that failed without a failing test (it did not compile, a hook threw) still counts as one.
  ((status != 0 && failures == 0)) && failures=1
  failed=$((failed + failures))
  return "$status"
}

# Counts a check that is not a mocha suite as one test: passed when its status is 0.
tally_check() {
  if (($1 == 0)); then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}

tally_line() { echo "$1: $passed passed, $failed failed"; }
