#!/usr/bin/env bash
# Usage: scripts/paced_long.sh [--no-build] [--k K] [--results DIR] BUNDLE
#
# Issue 18's long-speech check: one recording of 4 sentences read by a real speaker (about 24 s:
# 0.5 s of silence, the sentences with 1.2 s pauses between them, 0.5 s of silence) streamed
# through `leapformer translate` at real-time pace to a server with endpointing on (its defaults),
# as a person at a microphone would. The sentences are cathy recordings of training/data/everyday's
# dev set (real speech held out of training; not a test set), so running this looks at no test set.
#
# Writes DIR/<model>/paced-long.txt (translate's output, each sentence's reference and the checks) and
# exits 1 unless every sentence got a non-empty translation whose segment starts inside it, and no
# word or pair of words repeats 3 or more times in a row. DIR defaults to docs/results/paced-long.
# Needs training/data/everyday (training/prepare_everyday.sh) and sox.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
source "$ROOT/scripts/lib/server.sh"

IDS=(cathy_b0397_r0 cathy_b0524_r0 cathy_b0201_r0 cathy_b0174_r0)
build=1
k=5
results=$ROOT/docs/results/paced-long
bundle=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --no-build) build=0; shift ;;
    --k) k=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "error: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) bundle=$1; shift ;;
  esac
done
[[ -n $bundle && -f $bundle/encoder.onnx ]] || { echo "error: name a model bundle (see --help)" >&2; exit 2; }
manifest=$ROOT/training/data/everyday/manifests/dev.tsv
[[ -f $manifest ]] || { echo "error: $manifest is missing (training/prepare_everyday.sh)" >&2; exit 2; }
model=$(basename "$(realpath "$bundle")")
mkdir -p "$results/$model"
out=$results/$model/paced-long.txt

SERVER_DIR=$ROOT/src/Server/bin/Release/net10.0
CLIENT=$ROOT/src/Client/bin/Release/net10.0/leapformer.dll
if [[ $build -eq 1 ]]; then
  dotnet build "$ROOT/src/Server/LeaPformer.Server.csproj" -c Release -nologo -v quiet
  dotnet build "$ROOT/src/Client/LeaPformer.Client.csproj" -c Release -nologo -v quiet
fi

tmp=$(mktemp -d)
SERVER_PID=
cleanup() {
  [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

# the recording, and each sentence's interval and reference (id, start s, end s, English, Spanish)
sox -n -r 16000 -c 1 -b 16 "$tmp/edge.wav" trim 0 0.5
sox -n -r 16000 -c 1 -b 16 "$tmp/gap.wav" trim 0 1.2
parts=("$tmp/edge.wav")
t=0.5
for i in "${!IDS[@]}"; do
  row=$(awk -F'\t' -v id="${IDS[$i]}" '$1 == id' "$manifest")
  [[ -n $row ]] || { echo "error: ${IDS[$i]} is not in $manifest" >&2; exit 2; }
  wav=$(cut -f2 <<<"$row")
  seconds=$(soxi -D "$wav")
  printf '%s\t%s\t%s\t%s\t%s\n' "${IDS[$i]}" "$t" "$(echo "$t + $seconds" | bc -l)" \
    "$(cut -f6 <<<"$row")" "$(cut -f4 <<<"$row")" >>"$tmp/sentences.tsv"
  t=$(echo "$t + $seconds + 1.2" | bc -l)
  parts+=("$wav")
  [[ $i -lt $((${#IDS[@]} - 1)) ]] && parts+=("$tmp/gap.wav")
done
parts+=("$tmp/edge.wav")
sox "${parts[@]}" "$tmp/long.wav"

port=$(free_port 50200)
URL=http://127.0.0.1:$port
dotnet "$SERVER_DIR/LeaPformer.Server.dll" --contentRoot "$SERVER_DIR" --urls "$URL" \
  --Model:Path="$(realpath "$bundle")" >"$tmp/server.log" 2>&1 &
SERVER_PID=$!
wait_for_server "$SERVER_PID" "$URL" "$tmp/server.log" 120 "$CLIENT"

{
  echo "# $model, k = $k, $(soxi -D "$tmp/long.wav") s at real-time pace, endpointing on ($(date -u '+%Y-%m-%d %H:%M UTC'))"
  dotnet "$CLIENT" translate "$tmp/long.wav" --server "$URL" -k "$k"
} | tee "$out"
/usr/bin/python3 - "$tmp/sentences.tsv" "$out" "$ROOT/scripts" <<'EOF' | tee -a "$out"
import re, sys

sys.path.insert(0, sys.argv[3])
from output_checks import longest_repeat

sentences = [line.rstrip("\n").split("\t") for line in open(sys.argv[1], encoding="utf-8")]
text = open(sys.argv[2], encoding="utf-8").read()
starts = {int(m.group(2)): float(m.group(1)) for m in re.finditer(r"^\[\s*([\d.]+) s\] .*?(?=\n)(?:\n  final #(\d+))", text, re.M)}
finals = {int(m.group(1)): m.group(2) for m in re.finditer(r"^  final #(\d+): (.*)$", text, re.M)}

ok = True
print("\n## checks")
for sid, start, end, english, spanish in sentences:
    start, end = float(start), float(end)
    hits = [i for i, s in starts.items() if start - 0.5 <= s < end and finals.get(i, "").strip()]
    got = " / ".join(finals[i] for i in hits) or "(none)"
    ok &= bool(hits)
    print(f"- {sid} [{start:.2f}-{end:.2f} s] {english}\n  reference: {spanish}\n  translation: {got}")
words = " ".join(finals.values()).split()
run1, run2 = longest_repeat(words), longest_repeat(words, 2)
ok &= run1 < 3 and run2 < 3
print(f"segments {len(finals)} for {len(sentences)} sentences; longest run of one word {run1}, "
      f"of a pair of words {run2}; {'PASS' if ok else 'FAIL'}")
sys.exit(0 if ok else 1)
EOF
