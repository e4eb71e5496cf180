#!/usr/bin/env bash
# Usage: ./test.sh
#
# Runs every test and fails if any fails:
#   1. dotnet test LeaPformer.sln (Release): unit tests, and functional tests that run the
#      real server in process on models/demo-small (or $LEAPFORMER_TEST_BUNDLE);
#   2. the Python tests of the training recipe: cd training && python3 -m pytest -q tests.
# Ends with one line "total: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0

echo "==> dotnet test LeaPformer.sln -c Release"
dotnet test LeaPformer.sln -c Release -nologo 2>&1 | tee "$out/dotnet.txt"
[[ ${PIPESTATUS[0]} -eq 0 ]] || status=1

echo "==> python3 -m pytest -q tests (in training/)"
if [[ -d training/tests ]]; then
  (cd training && /usr/bin/python3 -m pytest -q tests) 2>&1 | tee "$out/pytest.txt"
  rc=${PIPESTATUS[0]}
  if [[ $rc -eq 5 ]]; then
    echo "error: pytest collected no tests in training/tests" >&2
  fi
  [[ $rc -eq 0 ]] || status=1
else
  echo "error: training/tests not found" >&2
  status=1
fi

# VSTest prints "Failed:     0, Passed:    42, ..." per test assembly; pytest "3 failed, 40 passed in 9s".
dotnet_passed=$(grep -Eo 'Passed: +[0-9]+' "$out/dotnet.txt" | awk '{s += $2} END {print s + 0}')
dotnet_failed=$(grep -Eo 'Failed: +[0-9]+' "$out/dotnet.txt" | awk '{s += $2} END {print s + 0}')
py_summary=$(tail -n 1 "$out/pytest.txt" 2>/dev/null || true)
py_passed=$(grep -Eo '[0-9]+ passed' <<<"$py_summary" | awk '{s += $1} END {print s + 0}')
py_failed=$(grep -Eo '[0-9]+ (failed|error|errors)' <<<"$py_summary" | awk '{s += $1} END {print s + 0}')

echo "dotnet: $dotnet_passed passed, $dotnet_failed failed; pytest: $py_passed passed, $py_failed failed"
echo "total: $((dotnet_passed + py_passed)) passed, $((dotnet_failed + py_failed)) failed"
if [[ $status -ne 0 ]]; then
  echo "FAILED" >&2
fi
exit $status
