#!/usr/bin/env bash
# Make an installed `ridgeline` start like a desktop application, for the current user only:
#   cargo install --path . --locked && scripts/install-desktop.sh
# puts
#   $XDG_DATA_HOME/applications/ridgeline.desktop              (Exec = the binary's absolute path)
#   $XDG_DATA_HOME/icons/hicolor/NxN/apps/ridgeline.png        (N = 16 32 48 64 128 256 512)
# ($XDG_DATA_HOME defaults to ~/.local/share) and refreshes the menu and icon caches with
# update-desktop-database and gtk-update-icon-cache when they are installed. Running it again
# gives the same result. `scripts/install-desktop.sh --uninstall` removes exactly those files
# (and directories and caches left holding nothing else). Never needs root; touches nothing else.
#
# The binary is $RIDGELINE_BIN if set, else cargo's: ${CARGO_INSTALL_ROOT:-${CARGO_HOME:-~/.cargo}}/bin/ridgeline.
set -euo pipefail

usage() {
  echo "usage: scripts/install-desktop.sh [--uninstall]   (RIDGELINE_BIN=/path/to/ridgeline to pick the binary)"
}

mode=install
for arg in "$@"; do
  case $arg in
    --uninstall) mode=uninstall ;;
    -h | --help) usage; exit 0 ;;
    *) echo "install-desktop: unknown argument '$arg'" >&2; usage >&2; exit 2 ;;
  esac
done

assets="$(cd "$(dirname "$0")/../assets" && pwd)"
# The XDG base directory spec: a relative or empty $XDG_DATA_HOME is to be ignored.
data=${XDG_DATA_HOME:-}
case $data in
  /*) ;;
  *) data="${HOME:?install-desktop: HOME is not set}/.local/share" ;;
esac
apps="$data/applications"
hicolor="$data/icons/hicolor"
desktop="$apps/ridgeline.desktop"
sizes=(16 32 48 64 128 256 512)

have() { command -v "$1" >/dev/null 2>&1; }

# Only DIR's own cache file left in DIR?
only_cache() { # DIR CACHE
  [ -d "$1" ] && [ "$(ls -A "$1")" = "$2" ]
}

# A path as one argument of an Exec= value (Desktop Entry spec, "The Exec key"): quoted when it
# holds a reserved character, then escaped as a string value; a literal % is written %%.
exec_arg() {
  local s=$1
  if [[ $s == *[[:space:]\"\'\\\>\<~\|\&\;\$\*\?\#\(\)\`]* ]]; then
    s=${s//\\/\\\\}
    s=${s//\"/\\\"}
    s=${s//\`/\\\`}
    s=${s//\$/\\\$}
    s="\"$s\""
  fi
  s=${s//\\/\\\\}
  s=${s//%/%%}
  printf '%s' "$s"
}

if [ "$mode" = uninstall ]; then
  rm -f "$desktop"
  for n in "${sizes[@]}"; do
    rm -f "$hicolor/${n}x$n/apps/ridgeline.png"
    rmdir "$hicolor/${n}x$n/apps" "$hicolor/${n}x$n" 2>/dev/null || true
  done
  # A cache is dropped with its directory when nothing else is left to cache, refreshed otherwise.
  if only_cache "$hicolor" icon-theme.cache; then
    rm -f "$hicolor/icon-theme.cache"
  elif [ -f "$hicolor/icon-theme.cache" ] && have gtk-update-icon-cache; then
    gtk-update-icon-cache -q -t -f "$hicolor" || true
  fi
  rmdir "$hicolor" "$data/icons" 2>/dev/null || true
  if only_cache "$apps" mimeinfo.cache; then
    rm -f "$apps/mimeinfo.cache"
  elif [ -f "$apps/mimeinfo.cache" ] && have update-desktop-database; then
    update-desktop-database -q "$apps" || true
  fi
  rmdir "$apps" 2>/dev/null || true
  echo "removed $desktop and the ridgeline.png icons under $hicolor"
  exit 0
fi

bin=${RIDGELINE_BIN:-${CARGO_INSTALL_ROOT:-${CARGO_HOME:-$HOME/.cargo}}/bin/ridgeline}
case $bin in
  /*) ;;
  *) bin="$PWD/$bin" ;;
esac
if [ ! -f "$bin" ] || [ ! -x "$bin" ]; then
  echo "install-desktop: no ridgeline binary at $bin: run 'cargo install --path . --locked' first, or set RIDGELINE_BIN" >&2
  exit 1
fi
case $bin in
  *$'\n'*) echo "install-desktop: the binary's path holds a line break: $bin" >&2; exit 1 ;;
esac
for n in "${sizes[@]}"; do
  [ -f "$assets/icon-$n.png" ] || { echo "install-desktop: $assets/icon-$n.png is missing" >&2; exit 1; }
done
[ -f "$assets/ridgeline.desktop" ] || { echo "install-desktop: $assets/ridgeline.desktop is missing" >&2; exit 1; }

for n in "${sizes[@]}"; do
  install -D -m 644 "$assets/icon-$n.png" "$hicolor/${n}x$n/apps/ridgeline.png"
done

# The entry, with `Exec=ridgeline ARGS` made `Exec=/absolute/path/ridgeline ARGS`: a desktop
# session's PATH often lacks ~/.cargo/bin. Written beside the target, then moved over it.
mkdir -p "$apps"
exec_bin=$(exec_arg "$bin")
tmp=$(mktemp "$apps/.ridgeline.desktop.XXXXXX")
trap 'rm -f "$tmp"' EXIT
while IFS= read -r line || [ -n "$line" ]; do
  case $line in
    Exec=ridgeline | "Exec=ridgeline "*) printf 'Exec=%s%s\n' "$exec_bin" "${line#Exec=ridgeline}" ;;
    *) printf '%s\n' "$line" ;;
  esac
done <"$assets/ridgeline.desktop" >"$tmp"
chmod 644 "$tmp"
mv -f "$tmp" "$desktop"
trap - EXIT

if have update-desktop-database; then update-desktop-database -q "$apps" || true; fi
if have gtk-update-icon-cache; then gtk-update-icon-cache -q -t -f "$hicolor" || true; fi
echo "installed $desktop (Exec=$exec_bin) and icons under $hicolor"
