#!/usr/bin/env bash
# Sums the VSTest summary lines of a `dotnet test` log, one per test assembly:
#   Passed!  - Failed:     0, Passed:    12, Skipped:     0, Total:    12, Duration: 3 s - X.Tests.dll (net10.0)
# Prints "N passed, N failed, N skipped" on one line. Exit 0 when tests ran and none failed,
# 1 when some failed, 2 when no summary line was found (no tests ran).
# Usage: scripts/test-summary.sh LOG   (or the log on stdin)
set -euo pipefail

awk '
  function count(line, key,   rest) {
    rest = substr(line, index(line, key) + length(key))
    sub(/^[[:space:]]*/, "", rest)
    return rest + 0
  }
  { gsub(/\033\[[0-9;]*[A-Za-z]/, "") }
  /[A-Za-z]+![[:space:]]+-[[:space:]]+Failed:[[:space:]]*[0-9]+,[[:space:]]*Passed:[[:space:]]*[0-9]+,[[:space:]]*Skipped:[[:space:]]*[0-9]+/ {
    lines++
    failed += count($0, "Failed:")
    passed += count($0, "Passed:")
    skipped += count($0, "Skipped:")
  }
  END {
    printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped
    if (lines == 0 || passed + failed + skipped == 0) exit 2
    exit failed > 0 ? 1 : 0
  }
' "$@"
