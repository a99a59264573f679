#!/usr/bin/env bash
# Re-creates bench/devset/ (the Sketchify development set) from Debian and npm packages.
# Run from the repository root:  bash bench/devset/build-devset.sh
# Needs: apt-get (Debian bookworm sources), npm, node >= 18, ImageMagick 6 (convert, identify, montage),
# the DejaVu fonts (contact sheet labels). Nothing is installed: packages are downloaded and unpacked
# into $DEVSET_WORK (default /tmp/devset-build). The images are fully determined by the package
# versions below and the fixed seeds in build-devset.mjs.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="${DEVSET_WORK:-/tmp/devset-build}"
OUT="${DEVSET_OUT:-$HERE}"
mkdir -p "$WORK/debs" "$WORK/x"

# Debian packages (bookworm), exact versions used for the committed set.
DEBS=(
  tuxpaint-stamps-default=2022.06.04-1    # 12 photographic cut-outs + 6 cartoon flats with alpha (GPL-2; evaluation data only)
  plasma-workspace-wallpapers=4:5.27.5-2  # KDE wallpapers: photos (LGPL-3 per metadata.json, GPL-2+ per debian/copyright)
  mate-backgrounds=1.26.0-1               # MATE nature photos (GPL-2+)
  lomiri-wallpapers-16.04=20.04.0-2       # Ubuntu Touch wallpapers: photos (CC-BY-4.0 / CC-BY-SA-4.0 per file)
  lomiri-wallpapers-20.04=20.04.0-2       # (CC-BY-SA-3.0 per file)
)
# npm packages
NPMS=( @lobehub/fluent-emoji-3d@1.1.0 )   # Microsoft Fluent Emoji 3D renders, MIT: 12 cut-outs + 2 flats

if [ -z "${DEVSET_SKIP_FETCH:-}" ]; then
  (cd "$WORK/debs" && apt-get download "${DEBS[@]}")
  for d in "$WORK"/debs/*.deb; do
    n=$(basename "$d" | cut -d_ -f1); mkdir -p "$WORK/x/$n"; dpkg -x "$d" "$WORK/x/$n"
  done
  for p in "${NPMS[@]}"; do
    (cd "$WORK" && t=$(npm pack "$p" | tail -1) && d="${t%.tgz}" && mkdir -p "x/$d" && tar xzf "$t" -C "x/$d")
  done
fi

# images, masks, manifest.json
DEVSET_PKGS="$WORK/x" DEVSET_OUT="$OUT" node "$HERE/build-devset.mjs"

# contact sheet: every image as a thumbnail with its id (cut-outs shown on light grey)
T=$(mktemp -d); args=()
while read -r id f; do
  convert "$OUT/$f" -background '#d8d8d8' -alpha remove -alpha off -resize 120x120 "$T/$id.png"
  args+=(-label "$id" "$T/$id.png")
done < <(node -e "for (const e of require(process.argv[1])) console.log(e.id + ' ' + e.file)" "$OUT/manifest.json")
montage -font DejaVu-Sans -pointsize 9 "${args[@]}" -tile 12x -geometry 120x120+2+2 -background white "$T/sheet.png"
convert "$T/sheet.png" -strip -colors 255 -define png:compression-level=9 "PNG8:$OUT/contact-sheet.png"
rm -rf "$T"
echo "devset written to $OUT"
