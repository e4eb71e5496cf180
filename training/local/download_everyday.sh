#!/usr/bin/env bash
# Brings the public sources of the "everyday" data set (prepare_everyday.sh) into DL_DIR,
# each at the commit the recipe was built from, under the repository's own paths.
#
# Usage (from training/):
#   local/download_everyday.sh --dl-dir download               # from GitHub (git + curl)
#   local/download_everyday.sh --dl-dir download --mirror /work/.mirror
#       # from local bare snapshots named <owner>+<repo>/repo (this project's fetch tool)
# Sources (a folder already present in DL_DIR is kept as it is):
#   rhasspy/dataset-voice-cathy   1,619 recordings of the CMU ARCTIC prompts by one US speaker (CC0)
#   coqui-ai/TTS                  tests/data/ljspeech/wavs/LJ001-0001..0032.flac (public domain)
#   NVIDIA/tacotron2              filelists/ljs_audio_text_*_filelist.txt (LJSpeech transcripts)
#   facebookresearch/LASER        data/tatoeba/v1/tatoeba.spa-eng.{eng,spa} (1,000 pairs, CC-BY)
#   Helsinki-NLP/Tatoeba-Challenge data/test/eng-spa/test.txt (about 10k pairs, CC-BY)
# The LibriVox sentences come from Debian's pocketsphinx-testdata (apt), not from here.
set -euo pipefail

dl_dir=download
mirror=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dl-dir) dl_dir=$2 ;;
    --mirror) mirror=$2 ;;
    *) echo "unknown option $1" >&2; exit 1 ;;
  esac
  shift 2
done

# repo commit path... (no path = the whole tree)
SOURCES=(
  "rhasspy/dataset-voice-cathy c51cb971036a127359b43c621f26ca5081eab13e"
  "coqui-ai/TTS dbf1a08a0d4e47fdad6172e433eeb34bc6b13b4e tests/data/ljspeech/wavs"
  "NVIDIA/tacotron2 185cd24e046cc1304b4f8e564734d2498c6e2e6f filelists"
  "facebookresearch/LASER 74bc6ae7ffb7cba670fe0f428d0ede9f666fb821 data/tatoeba/v1/tatoeba.spa-eng.eng data/tatoeba/v1/tatoeba.spa-eng.spa"
  "Helsinki-NLP/Tatoeba-Challenge a7d15df66562742e38a7b8b04a79650a6585cfd5 data/test/eng-spa/test.txt"
)

mkdir -p "$dl_dir"
for src in "${SOURCES[@]}"; do
  read -r repo commit paths <<< "$src"
  out=$dl_dir/${repo#*/}
  if [ -e "$out" ]; then
    echo "$repo: $out exists, kept"
    continue
  fi
  mkdir -p "$out.tmp"
  snap=$mirror/${repo/\//+}/repo
  [ -d "$snap/.git" ] && snap=$snap/.git
  if [ -n "$mirror" ] && [ -e "$snap" ]; then
    # the snapshot is whatever the mirror holds: say which commit it is
    echo "$repo: from $snap ($(git --git-dir="$snap" rev-parse HEAD); recipe built at $commit)"
    # shellcheck disable=SC2086
    git --git-dir="$snap" archive HEAD $paths | tar -x -C "$out.tmp"
  elif [ -z "$paths" ]; then
    git -C "$out.tmp" init -q
    git -C "$out.tmp" fetch -q --depth 1 "https://github.com/$repo" "$commit"
    git -C "$out.tmp" checkout -q FETCH_HEAD
    rm -rf "$out.tmp/.git"
  else
    for p in $paths; do
      if [[ $p == */wavs ]]; then  # a folder: the 32 LJ001 clips the test set uses
        for i in $(seq -w 1 32); do
          f=$p/LJ001-00$i.flac
          mkdir -p "$out.tmp/$(dirname "$f")"
          curl -fsSL "https://raw.githubusercontent.com/$repo/$commit/$f" -o "$out.tmp/$f"
        done
      elif [[ $p == filelists ]]; then
        for part in train val test; do
          f=$p/ljs_audio_text_${part}_filelist.txt
          mkdir -p "$out.tmp/$p"
          curl -fsSL "https://raw.githubusercontent.com/$repo/$commit/$f" -o "$out.tmp/$f"
        done
      else
        mkdir -p "$out.tmp/$(dirname "$p")"
        curl -fsSL "https://raw.githubusercontent.com/$repo/$commit/$p" -o "$out.tmp/$p"
      fi
    done
  fi
  mv "$out.tmp" "$out"
  echo "$repo: $out"
done
