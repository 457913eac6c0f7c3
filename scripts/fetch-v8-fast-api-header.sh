#!/usr/bin/env bash
# Puts V8's v8-fast-api-calls.h for this machine's Node.js into native/v8-include/, so that the
# engine's small ops can be V8 fast API calls (docs/engine.md, "Calling conventions"). Some Node.js
# packages (nodesource's among them) ship every V8 header but this one; Debian's libnode-dev ships
# it. The header is taken from the Debian release whose libnode-dev has this Node's exact V8 version
# (checked), downloaded by apt with the archive's signature check, and nothing is installed.
# Without it the engine still builds and runs, through Node-API only. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

dest=native/v8-include
v8=$(node -p process.versions.v8 | sed -E 's/^([0-9]+\.[0-9]+\.[0-9]+).*/\1/')  # e.g. 11.3.244 (the headers of a patch level agree)
node_include=$(node -p "require('node:path').join(require('node:path').dirname(process.execPath), '..', 'include', 'node')")

if [ -f "$node_include/v8-fast-api-calls.h" ]; then exit 0; fi            # Node's own headers have it
if [ -f "$dest/v8-fast-api-calls.h" ] && [ "$(cat "$dest/V8_VERSION" 2>/dev/null)" = "$v8" ]; then exit 0; fi

note() { echo "naskit: $*; the engine will use Node-API calls only (small ops somewhat slower)" >&2; exit 0; }
command -v apt-get >/dev/null 2>&1 || note "no apt-get to fetch v8-fast-api-calls.h for V8 $v8"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$keyring" ] || note "no Debian archive keyring ($keyring)"

# Debian releases whose libnode-dev may carry this V8 (Node.js 20 is V8 11.3, in trixie).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for suite in trixie bookworm; do
  mkdir -p "$work/$suite/lists/partial" "$work/$suite/archives/partial"
  echo "deb [signed-by=$keyring] http://deb.debian.org/debian $suite main" >"$work/$suite/sources.list"
  apt_opts=(-o "Dir::Etc::SourceList=$work/$suite/sources.list" -o "Dir::Etc::SourceParts=-" -o "Dir::State::Lists=$work/$suite/lists"
    -o "Dir::Cache::Archives=$work/$suite/archives" -o "Dir::State::Status=/dev/null" -o "APT::Get::List-Cleanup=0" -qq)
  apt-get "${apt_opts[@]}" update >/dev/null 2>&1 || continue
  (cd "$work/$suite" && apt-get "${apt_opts[@]}" download libnode-dev >/dev/null 2>&1) || continue
  deb=$(ls "$work/$suite"/libnode-dev_*.deb 2>/dev/null | head -1)
  [ -n "$deb" ] || continue
  dpkg-deb -x "$deb" "$work/$suite/x"
  header=$(find "$work/$suite/x" -name v8-fast-api-calls.h | head -1)
  version_h=$(dirname "$header")/v8-version.h
  [ -n "$header" ] && [ -f "$version_h" ] || continue
  got=$(awk '/define V8_MAJOR_VERSION/{a=$3} /define V8_MINOR_VERSION/{b=$3} /define V8_BUILD_NUMBER/{c=$3} END{print a"."b"."c}' "$version_h")
  if [ "$got" = "$v8" ]; then
    mkdir -p "$dest"
    cp "$header" "$dest/v8-fast-api-calls.h"
    echo "$v8" >"$dest/V8_VERSION"
    echo "naskit: v8-fast-api-calls.h for V8 $v8 from Debian $suite's $(basename "$deb") in $dest" >&2
    exit 0
  fi
done
note "no Debian libnode-dev with V8 $v8 found"
