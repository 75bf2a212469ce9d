#!/usr/bin/env bash
# Builds release archives for krew, fills their sha256 (and uri) into krew/claude.yaml, and
# prints the command that installs the plugin from the local archive.
#
#   scripts/package-krew.sh                 # the host target only (what this machine can build)
#   scripts/package-krew.sh --all           # every platform in the manifest (needs those targets
#                                           # installed: rustup target add …, plus linkers)
#   BASE_URL=https://github.com/o/r/releases/download scripts/package-krew.sh --all
set -euo pipefail
cd "$(dirname "$0")/.."

version="v$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
base_url="${BASE_URL:-https://github.com/kubectl-claude/kubectl-claude/releases/download}"
out="dist"
manifest="krew/claude.yaml"
mkdir -p "$out"

# os arch rust-target
all_platforms="linux amd64 x86_64-unknown-linux-gnu
linux arm64 aarch64-unknown-linux-gnu
darwin amd64 x86_64-apple-darwin
darwin arm64 aarch64-apple-darwin
windows amd64 x86_64-pc-windows-msvc"

host="$(rustc -vV | sed -n 's/^host: //p')"
if [[ "${1:-}" == "--all" ]]; then
  platforms="$all_platforms"
else
  platforms="$(grep " $host\$" <<<"$all_platforms" || true)"
  [[ -n "$platforms" ]] || { echo "host $host is not a krew platform of this manifest" >&2; exit 2; }
fi

last_archive=""
while read -r os arch target; do
  [[ -n "$os" ]] || continue
  echo "building $target ..." >&2
  cargo build --release --locked --target "$target" >&2
  exe="kubectl-claude"; [[ "$os" == windows ]] && exe="kubectl-claude.exe"
  stage="$(mktemp -d)"
  cp "target/$target/release/$exe" "$stage/$exe"
  chmod 0755 "$stage/$exe"
  cp LICENSE README.md "$stage/"
  name="kubectl-claude_${version}_${os}_${arch}"
  if [[ "$os" == windows ]]; then
    archive="$out/$name.zip"
    (cd "$stage" && rm -f "$OLDPWD/$archive" && python3 -m zipfile -c "$OLDPWD/$archive" "$exe" LICENSE README.md)
  else
    archive="$out/$name.tar.gz"
    tar -C "$stage" -czf "$archive" "$exe" LICENSE README.md
  fi
  rm -rf "$stage"
  sum="$(sha256sum "$archive" | cut -d' ' -f1 | tr 'A-F' 'a-f')"
  uri="$base_url/$version/$(basename "$archive")"
  # Rewrite this platform's uri and sha256 (the two lines after its selector).
  python3 - "$manifest" "$os" "$arch" "$uri" "$sum" "$version" <<'PY'
import re, sys
path, os_, arch, uri, sha, version = sys.argv[1:]
text = open(path).read()
text = re.sub(r'(?m)^(  version: ).*$', r'\g<1>' + version, text)
pattern = re.compile(r'(matchLabels: \{os: %s, arch: %s\}\n\s+uri: )\S+(\n\s+sha256: )"[0-9a-f]*"' % (os_, arch))
text, n = pattern.subn(lambda m: m.group(1) + uri + m.group(2) + '"' + sha + '"', text)
if n != 1:
    sys.exit("platform %s/%s not found in %s" % (os_, arch, path))
open(path, "w").write(text)
PY
  echo "$archive sha256=$sum" >&2
  last_archive="$archive"
done <<<"$platforms"

echo
echo "Install from the local archive with:"
echo "  kubectl krew install --manifest=$manifest --archive=$last_archive"
