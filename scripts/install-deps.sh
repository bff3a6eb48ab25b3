#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages crmsync needs to build (cgo + OpenGL +
# X11 headers for Fyne) and to test (gnome-keyring, D-Bus, Xvfb, ImageMagick).
# Installs only what is missing, non-interactively; uses sudo when not root.
set -euo pipefail

packages=(
	make gcc pkg-config
	libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev
	gnome-keyring dbus dbus-x11 libsecret-tools
	xvfb xauth imagemagick x11-utils
)

if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
	echo "install-deps: not a Debian/Ubuntu system; install the equivalents of: ${packages[*]}" >&2
	echo "install-deps: (macOS and Windows: see README.md, Notes for macOS and Windows)" >&2
	exit 0
fi

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done

if ((${#missing[@]} > 0)); then
	echo "install-deps: installing ${missing[*]}"
	sudo=()
	if [[ $(id -u) -ne 0 ]]; then
		command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install ${missing[*]}" >&2; exit 1; }
		sudo=(sudo)
	fi
	export DEBIAN_FRONTEND=noninteractive
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" </dev/null
else
	echo "install-deps: all system packages present"
fi

# Go itself: Debian's packaged Go is too old; any Go >= 1.21 fetches the
# toolchain go.mod asks for (GOTOOLCHAIN=auto) through the module proxy.
if ! command -v go >/dev/null; then
	echo "install-deps: Go is not installed. Install Go 1.26 or newer from https://go.dev/dl/ and re-run." >&2
	exit 1
fi
