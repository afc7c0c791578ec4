#!/usr/bin/env bash
# Vendor the front-end libraries Trygg serves from static/vendor/.
#
# Each library is fetched from the npm registry with `npm pack NAME@VERSION`
# into a temporary directory (no node_modules is created in the repo), and
# only the built files that are actually served are copied to
# static/vendor/<lib>-<version>/, together with the package's licence file
# and a SOURCE.txt recording the package name, exact version and the npm
# tarball's integrity (sha512) and shasum (sha1).
#
# Idempotent: re-running replaces the vendored folders of these versions.
# To upgrade a library, change its pinned version below, re-run, update the
# paths in the templates and delete the old folder.
#
# Usage: scripts/vendor.sh
set -euo pipefail

# Pinned exact versions. htmx stays on the 2.0.x line (not 3/4).
HTMX_VERSION="2.0.11"
LEAFLET_VERSION="1.9.4"
MARKERCLUSTER_VERSION="1.5.3"
# exifr: reads GPS, direction and time from a photo (JPEG and HEIC) on the phone before the
# photo is downscaled on a canvas, which drops its EXIF block.
EXIFR_VERSION="7.1.3"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR_DIR="$ROOT/static/vendor"

command -v npm >/dev/null 2>&1 || { echo "vendor.sh: npm is required" >&2; exit 1; }
command -v node >/dev/null 2>&1 || { echo "vendor.sh: node is required" >&2; exit 1; }

case "$HTMX_VERSION" in
  2.0.*) ;;
  *) echo "vendor.sh: htmx must be pinned to 2.0.x (got $HTMX_VERSION)" >&2; exit 1 ;;
esac

WORK="$(mktemp -d "${TMPDIR:-/tmp}/trygg-vendor.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

mkdir -p "$VENDOR_DIR"

# fetch NAME VERSION -> unpacks into $WORK/<name>/package and writes
# $WORK/<name>/SOURCE.txt
fetch() {
  local name="$1" version="$2"
  local dir="$WORK/$name"
  mkdir -p "$dir"
  local json
  json="$(cd "$dir" && npm pack "$name@$version" --json --silent)"
  # Parse npm pack's JSON output for the tarball metadata.
  local meta
  meta="$(printf '%s' "$json" | node -e '
    let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
      const d = JSON.parse(s)[0];
      console.log([d.name, d.version, d.filename, d.integrity, d.shasum].join("\t"));
    });')"
  local got_name got_version filename integrity shasum
  IFS=$'\t' read -r got_name got_version filename integrity shasum <<<"$meta"
  if [[ "$got_name" != "$name" || "$got_version" != "$version" ]]; then
    echo "vendor.sh: asked for $name@$version, npm gave $got_name@$got_version" >&2
    exit 1
  fi
  tar -xzf "$dir/$filename" -C "$dir"
  cat >"$dir/SOURCE.txt" <<EOF
package: $name
version: $version
source: npm registry, \`npm pack $name@$version\` ($filename)
integrity: $integrity
shasum: $shasum
vendored-by: scripts/vendor.sh (do not edit these files by hand)
EOF
}

# install NAME VERSION DEST_DIRNAME FILE... ; FILE paths are relative to the
# package root; a trailing "/" copies a whole directory.
install_lib() {
  local name="$1" version="$2" destname="$3"
  shift 3
  local pkg="$WORK/$name/package"
  local dest="$VENDOR_DIR/$destname"
  rm -rf "$dest"
  mkdir -p "$dest"
  local f
  for f in "$@"; do
    if [[ "$f" == */ ]]; then
      [[ -d "$pkg/$f" ]] || { echo "vendor.sh: $name: missing directory $f" >&2; exit 1; }
      mkdir -p "$dest/$(basename "$f")"
      cp -p "$pkg/$f"* "$dest/$(basename "$f")/"
    else
      [[ -f "$pkg/$f" ]] || { echo "vendor.sh: $name: missing file $f" >&2; exit 1; }
      cp -p "$pkg/$f" "$dest/"
    fi
  done
  # Licence file: named differently per package (LICENSE, MIT-LICENCE.txt, ...).
  local lic
  lic="$(find "$pkg" -maxdepth 1 -type f \( -iname 'licen[cs]e*' -o -iname '*-licen[cs]e*' \) | sort | head -n 1)"
  [[ -n "$lic" ]] || { echo "vendor.sh: $name: no licence file found" >&2; exit 1; }
  cp -p "$lic" "$dest/"
  cp "$WORK/$name/SOURCE.txt" "$dest/SOURCE.txt"
  echo "vendored $name@$version -> static/vendor/$destname/"
  (cd "$dest" && find . -type f | sed 's|^\./|    |' | sort)
}

fetch htmx.org "$HTMX_VERSION"
fetch leaflet "$LEAFLET_VERSION"
fetch leaflet.markercluster "$MARKERCLUSTER_VERSION"
fetch exifr "$EXIFR_VERSION"

install_lib htmx.org "$HTMX_VERSION" "htmx-$HTMX_VERSION" \
  dist/htmx.min.js
install_lib leaflet "$LEAFLET_VERSION" "leaflet-$LEAFLET_VERSION" \
  dist/leaflet.js dist/leaflet.css dist/images/
install_lib leaflet.markercluster "$MARKERCLUSTER_VERSION" "leaflet.markercluster-$MARKERCLUSTER_VERSION" \
  dist/leaflet.markercluster.js dist/MarkerCluster.css dist/MarkerCluster.Default.css

install_lib exifr "$EXIFR_VERSION" "exifr-$EXIFR_VERSION" \
  dist/lite.umd.js

echo "done: files are in static/vendor/ (see static/vendor/README.md)"
