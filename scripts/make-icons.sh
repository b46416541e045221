#!/usr/bin/env bash
# Regenerate the app icon's hicolor sizes in assets/ (committed; run this only when the icon
# changes):
#   16, 32, 48, 64, 128 px: assets/icon-256.png scaled down (ImageMagick, Lanczos);
#   512 px: assets/icon.svg, a vector tracing of icon-256.png, rendered by rsvg-convert (an
#           upscaled 256 px bitmap would be blurry).
# icon-256.png itself is the source and is left as it is. Needs the Debian packages imagemagick
# and librsvg2-bin; CONVERT=/path/to/convert picks another ImageMagick. The output carries no
# timestamps, so the same tools give the same bytes.
set -euo pipefail
cd "$(dirname "$0")/../assets"

convert=${CONVERT:-}
if [ -z "$convert" ]; then
  if command -v magick >/dev/null; then convert="magick"; else convert="convert"; fi
fi
command -v "$convert" >/dev/null || { echo "make-icons: ImageMagick not found (apt-get install imagemagick)" >&2; exit 1; }
command -v rsvg-convert >/dev/null || { echo "make-icons: rsvg-convert not found (apt-get install librsvg2-bin)" >&2; exit 1; }

# 8-bit RGBA, no metadata chunks (the source is 16-bit RGBA).
out=(-strip -define "png:exclude-chunks=date,time,tEXt,zTXt,iTXt" -depth 8)
for n in 16 32 48 64 128; do
  "$convert" icon-256.png -filter Lanczos -resize "${n}x${n}" "${out[@]}" "PNG32:icon-$n.png"
done
rsvg-convert --width 512 --height 512 icon.svg | "$convert" - "${out[@]}" PNG32:icon-512.png
echo "assets/icon-{16,32,48,64,128,512}.png written from icon-256.png and icon.svg"
