#!/usr/bin/env bash
# Labelled contact sheets of a development-set run, one per kind, for docs/: each image's strip
# (photo with the mask's outline | 4 | 8 | 16 | 32 strokes over a faint photo) from
# out/eval/devset-<label>/ with its id and class written on it, halved, as JPEG.
# Needs ImageMagick and a font (Debian: imagemagick fonts-dejavu-core).
# Usage: bash bench/devset-sheets.sh after-draft docs/devset
set -euo pipefail
label=${1:?label of an eval run, e.g. after-draft}
prefix=${2:?output prefix, e.g. docs/devset}
cd "$(dirname "$0")/.."
run=out/eval/devset-$label
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for kind in cutout composite photo flat; do
  strips=()
  while IFS=$'\t' read -r id cls; do
    [ -f "$run/$id-strip.png" ] || continue
    convert "$run/$id-strip.png" -font DejaVu-Sans -pointsize 15 -fill '#c00000' -gravity NorthWest \
      -annotate +8+6 "$id ($cls)" "$tmp/$id.png"
    strips+=("$tmp/$id.png")
  done < <(node -e "for (const e of require('./bench/devset/manifest.json')) if (e.kind === '$kind') console.log(e.id + '\t' + e.class)")
  [ ${#strips[@]} -gt 0 ] || continue
  convert "${strips[@]}" -append -resize 50% -quality 82 "$prefix-$kind.jpg"
  echo "$prefix-$kind.jpg: ${#strips[@]} images"
done
