#!/usr/bin/env bash
# Install the Debian packages Ridgeline needs to open its window and to run its rendered UI
# tests (Mesa's software Vulkan/GL drivers, X11 client libraries, Xvfb for screenshots), and
# desktop-file-validate, which the test of assets/ridgeline.desktop runs.
# Only what is missing is installed; nothing happens when everything is there.
set -euo pipefail

packages=(
  xvfb xauth libx11-xcb1 libxcursor1 libxi6 libxrandr2 libxkbcommon-x11-0 libfontconfig1
  libgl1 libglx-mesa0 libegl1 libegl-mesa0 libgl1-mesa-dri libvulkan1 mesa-vulkan-drivers
  desktop-file-utils
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
