#!/usr/bin/env bash
# Usage: ./test.sh [SUITE...]        SUITE: dotnet, python, readme (default: all three)
#
# Runs every test and fails if any fails:
#   dotnet  dotnet test LeaPformer.sln (Release): unit tests, and functional tests that run the real
#           server in process on models/demo-small (or $LEAPFORMER_TEST_BUNDLE); one line per test
#           assembly in the summary;
#   python  the training recipe's tests: cd training && /usr/bin/python3 -m pytest -q tests
#           (LEAPFORMER_PYTHON: another interpreter, e.g. a virtual environment's);
#   readme  tests/readme.sh: the README's commands as written, and ./run.sh with its ports taken.
#
# First checks that what the chosen suites need is installed, and stops at once, in one line, naming
# the command that installs it (sudo bash .ci/run: Debian's packages, then every test, as CI does).
# Ends with passed, failed and skipped per suite, every skipped test with its reason, and
# "total: N passed, M failed, K skipped". A suite that does not run, or gives no result (a build
# error, a crashed test host), counts as one failure.
set -uo pipefail
cd "$(dirname "$0")"
ROOT=$PWD

# What .ci/run installs for the Python tests (keep the two lists alike).
PYTHON=${LEAPFORMER_PYTHON:-/usr/bin/python3}
APT_PYTHON="python3-torch python3-torchaudio python3-sentencepiece python3-numpy python3-onnx python3-pytest libopenblas0-pthread espeak-ng sox flite apertium apertium-eng-spa"

suites=("$@")
[[ ${#suites[@]} -gt 0 ]] || suites=(dotnet python readme)
for suite in "${suites[@]}"; do
  case $suite in
    dotnet | python | readme) ;;
    *) echo "usage: ./test.sh [dotnet|python|readme]... (not '$suite')" >&2; exit 2 ;;
  esac
done
wants() { [[ " ${suites[*]} " == *" $1 "* ]]; }

# --- What the suites need, checked before anything runs ---------------------------------------
if wants dotnet || wants readme; then
  if ! command -v dotnet >/dev/null; then
    echo "error: no dotnet on PATH: install the .NET 10 SDK (https://dot.net; see global.json for the version)" >&2
    exit 2
  fi
fi
if wants python; then
  missing=()
  if ! command -v "$PYTHON" >/dev/null; then
    missing+=("no $PYTHON")
  else
    mapfile -t modules < <("$PYTHON" -c '
import importlib.util
for m in ("pytest", "torch", "torchaudio", "sentencepiece", "numpy", "onnx"):
    if importlib.util.find_spec(m) is None:
        print(m)
' 2>/dev/null)
    [[ ${#modules[@]} -eq 0 ]] || missing+=("the Python modules $(IFS=,; echo "${modules[*]}" | sed 's/,/, /g') for $PYTHON")
  fi
  for tool in espeak-ng sox flite apertium; do
    command -v "$tool" >/dev/null || missing+=("the command $tool")
  done
  if [[ ${#missing[@]} -gt 0 ]]; then
    list=$(IFS=';'; echo "${missing[*]}" | sed 's/;/; /g')
    echo "error: the Python tests need Debian packages missing here ($list): run sudo bash .ci/run (installs them and runs every test, as CI does), or sudo apt-get install -y --no-install-recommends $APT_PYTHON; ./test.sh dotnet readme leaves the Python tests out" >&2
    exit 2
  fi
fi

out=$(mktemp -d "${TMPDIR:-/tmp}/leapformer-test.XXXXXX")
trap 'rm -rf "$out"' EXIT
rows=()      # "name passed failed skipped"
skips=()     # "name: reason"
problems=()  # why a suite counts as failed beyond its own failures

add_row() { rows+=("$1 $2 $3 $4"); }
xml_text() { sed -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&quot;/"/g' -e "s/&apos;/'/g" -e 's/&amp;/\&/g'; }

# --- dotnet --------------------------------------------------------------------------------------
if wants dotnet; then
  echo "==> dotnet test LeaPformer.sln -c Release"
  dotnet test LeaPformer.sln -c Release -nologo --logger trx --results-directory "$out/trx" 2>&1 | tee "$out/dotnet.txt"
  rc=${PIPESTATUS[0]}
  # VSTest prints one line per test assembly:
  #   "Passed!  - Failed:     0, Passed:   310, Skipped:     1, Total:   311, Duration: 2 m - LeaPformer.UnitTests.dll (net10.0)"
  any_failed=0
  for project in tests/*/*.csproj; do
    name=$(basename "$project" .csproj)
    line=$(grep -E "(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+, .* - $name\.dll" "$out/dotnet.txt" | tail -n 1)
    if [[ -z $line ]]; then
      add_row "$name" 0 1 0
      problems+=("$name: no result (a build error, or the test host crashed; see above)")
      any_failed=1
      continue
    fi
    f=$(sed -E 's/.*Failed: +([0-9]+),.*/\1/' <<<"$line")
    p=$(sed -E 's/.*Passed: +([0-9]+),.*/\1/' <<<"$line")
    s=$(sed -E 's/.*Skipped: +([0-9]+),.*/\1/' <<<"$line")
    add_row "$name" "$p" "$f" "$s"
    [[ $f -eq 0 ]] || any_failed=1
  done
  if [[ $rc -ne 0 && $any_failed -eq 0 ]]; then
    add_row "dotnet-test" 0 1 0
    problems+=("dotnet test exited with $rc although no test failed (see above)")
  fi
  # Skipped tests and their reasons, from the TRX files (the console shows names only).
  for trx in "$out"/trx/*.trx; do
    [[ -f $trx ]] || continue
    while IFS=$'\t' read -r name reason; do
      skips+=("$name: $reason")
    done < <(awk '
      /outcome="NotExecuted"/ { match($0, /testName="[^"]*"/); name = substr($0, RSTART + 10, RLENGTH - 11); want = 1; next }
      want && /<Message>/ { line = $0; sub(/.*<Message>/, "", line); sub(/<\/Message>.*/, "", line); print name "\t" line; want = 0 }
      want && /<\/UnitTestResult>/ { print name "\t(no reason given)"; want = 0 }
    ' "$trx" | xml_text)
  done
fi

# --- python --------------------------------------------------------------------------------------
if wants python; then
  echo "==> $PYTHON -m pytest -q -rs tests (in training/)"
  if [[ -d training/tests ]]; then
    (cd training && "$PYTHON" -m pytest -q -rs tests) 2>&1 | tee "$out/pytest.txt"
    rc=${PIPESTATUS[0]}
    # pytest's last line: "3 failed, 40 passed, 2 skipped in 9.1s"
    summary=$(grep -E '^[0-9]+ (passed|failed|skipped|error|errors|xfailed|xpassed|deselected|warnings?)\b.* in [0-9.]+s' "$out/pytest.txt" | tail -n 1)
    count() { grep -Eo "[0-9]+ ($1)\b" <<<"$summary" | awk '{s += $1} END {print s + 0}'; }
    p=$(count 'passed|xpassed') f=$(count 'failed|error|errors') s=$(count 'skipped|xfailed')
    if [[ -z $summary || ( $rc -ne 0 && $f -eq 0 ) ]]; then
      f=$((f + 1))
      problems+=("pytest: exit code $rc$([[ $rc -eq 5 ]] && echo ' (no tests collected)')$([[ -z $summary ]] && echo ', no summary line')")
    fi
    add_row "pytest:training/tests" "$p" "$f" "$s"
    while IFS= read -r line; do
      skips+=("${line#SKIPPED \[*\] }")
    done < <(grep -E '^SKIPPED \[' "$out/pytest.txt")
  else
    add_row "pytest:training/tests" 0 1 0
    problems+=("training/tests not found")
  fi
fi

# --- readme --------------------------------------------------------------------------------------
if wants readme; then
  echo "==> tests/readme.sh"
  tests/readme.sh 2>&1 | tee "$out/readme.txt"
  rc=${PIPESTATUS[0]}
  summary=$(grep -E '^readme: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$out/readme.txt" | tail -n 1)
  if [[ -z $summary ]]; then
    add_row "readme:tests/readme.sh" 0 1 0
    problems+=("tests/readme.sh gave no result (exit code $rc)")
  else
    read -r p f s < <(sed -E 's/readme: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped/\1 \2 \3/' <<<"$summary")
    if [[ $rc -ne 0 && $f -eq 0 ]]; then f=1; problems+=("tests/readme.sh exited with $rc"); fi
    add_row "readme:tests/readme.sh" "$p" "$f" "$s"
  fi
  while IFS= read -r line; do
    skips+=("readme: ${line#skipped: }")
  done < <(grep -E '^skipped: ' "$out/readme.txt")
fi

# --- Summary -------------------------------------------------------------------------------------
echo
echo "==> Summary"
printf '%-32s %7s %7s %8s\n' suite passed failed skipped
tp=0 tf=0 ts=0
for row in "${rows[@]}"; do
  read -r name p f s <<<"$row"
  printf '%-32s %7d %7d %8d\n' "$name" "$p" "$f" "$s"
  tp=$((tp + p)) tf=$((tf + f)) ts=$((ts + s))
done
for problem in "${problems[@]}"; do
  echo "failed: $problem"
done
for skip in "${skips[@]}"; do
  echo "skipped: $skip"
done
echo "total: $tp passed, $tf failed, $ts skipped"
if [[ $tf -ne 0 ]]; then
  echo "FAILED" >&2
  exit 1
fi
