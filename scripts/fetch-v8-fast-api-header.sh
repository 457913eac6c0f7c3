#!/usr/bin/env bash
# Puts V8's v8-fast-api-calls.h for this machine's Node.js into native/v8-include/, so that the
# engine's small ops can be V8 fast API calls (docs/engine.md, "Calling conventions"). Some Node.js
# packages (nodesource's among them) ship every V8 header but this one; Debian's libnode-dev ships
# it. The header is taken from the Debian release whose libnode-dev has this Node's exact V8 version
# (checked), downloaded by apt with the archive's signature check. Nothing is installed, and apt runs
# on a configuration of its own in a temporary folder: no system apt hook runs and no system cache
# or list changes. Without the header the engine still builds and runs, through Node-API only. This
# script never fails the install: it says why it found no header and exits 0. Safe to run again.
set -uo pipefail
cd "$(dirname "$0")/.."

note() { echo "naskit: $*; the engine will use Node-API calls only (small ops somewhat slower)" >&2; exit 0; }

dest=native/v8-include
v8=$(node -p "process.versions.v8.split('.').slice(0, 3).join('.')")  # e.g. 11.3.244 (a patch level's headers agree)
# The Node headers the engine builds against (scripts/build-native.mjs decides; empty: node-gyp's own).
node_root=$(node scripts/build-native.mjs --print-nodedir)
if [ -n "$node_root" ] && [ -f "$node_root/include/node/v8-fast-api-calls.h" ]; then exit 0; fi   # they have it
if [ -f "$dest/v8-fast-api-calls.h" ] && [ "$(cat "$dest/V8_VERSION" 2>/dev/null)" = "$v8" ]; then exit 0; fi

command -v apt-get >/dev/null 2>&1 || note "no apt-get to fetch v8-fast-api-calls.h for V8 $v8"
command -v dpkg-deb >/dev/null 2>&1 || note "no dpkg-deb to unpack v8-fast-api-calls.h for V8 $v8"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$keyring" ] || note "no Debian archive keyring ($keyring) to check the download"

work=$(mktemp -d) || note "no temporary folder"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/empty"
reached=0
# Debian releases whose libnode-dev may carry this V8 (Node.js 20's V8 11.3 is in trixie).
for suite in trixie bookworm; do
  d="$work/$suite"
  mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
  echo "deb [signed-by=$keyring] http://deb.debian.org/debian $suite main" >"$d/sources.list"
  # Read before anything else: no /etc/apt/apt.conf.d (hooks), sources, lists, caches or status of the system's.
  cat >"$d/apt.conf" <<EOF
Dir::Etc::Parts "$work/empty";
Dir::Etc::PreferencesParts "$work/empty";
Dir::Etc::SourceList "$d/sources.list";
Dir::Etc::SourceParts "$work/empty";
Dir::State::Lists "$d/lists";
Dir::State::Status "/dev/null";
Dir::Cache "$d/cache";
Dir::Cache::Archives "$d/cache/archives";
APT::Get::List-Cleanup "false";
EOF
  export APT_CONFIG="$d/apt.conf"
  # apt's update succeeds even when nothing could be fetched: a list file says it reached the archive.
  apt-get -qq --error-on=any update >/dev/null 2>&1 || continue
  ls "$d/lists/"*Packages* >/dev/null 2>&1 || continue
  reached=1
  (cd "$d" && apt-get -qq download libnode-dev >/dev/null 2>&1) || continue
  deb=$(ls "$d"/libnode-dev_*.deb 2>/dev/null | head -1)
  [ -n "$deb" ] || continue
  dpkg-deb -x "$deb" "$d/x" 2>/dev/null || continue
  header=$(find "$d/x" -name v8-fast-api-calls.h | head -1)
  [ -n "$header" ] || continue
  version_h=$(dirname "$header")/v8-version.h
  [ -f "$version_h" ] || continue
  got=$(awk '/define V8_MAJOR_VERSION/{a=$3} /define V8_MINOR_VERSION/{b=$3} /define V8_BUILD_NUMBER/{c=$3} END{print a"."b"."c}' "$version_h")
  if [ "$got" = "$v8" ]; then
    mkdir -p "$dest" && cp "$header" "$dest/v8-fast-api-calls.h" && echo "$v8" >"$dest/V8_VERSION" || note "cannot write $dest"
    echo "naskit: v8-fast-api-calls.h for V8 $v8 from Debian $suite's $(basename "$deb") in $dest" >&2
    exit 0
  fi
done
[ "$reached" = 1 ] || note "cannot reach deb.debian.org to fetch v8-fast-api-calls.h (offline?)"
note "no Debian libnode-dev has this Node's V8 $v8"
