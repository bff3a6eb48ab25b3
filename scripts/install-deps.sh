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

# Go itself. Debian 12's packaged Go (1.19) is too old to build crmsync, but
# it can fetch the official toolchain from the Go module proxy (the same
# golang.org/toolchain module that `GOTOOLCHAIN=auto` uses). We install that
# under /usr/local/lib/crmsync-go and link /usr/local/bin/go to it.
go_version=1.26.8
go_ok() {
	command -v go >/dev/null || return 1
	local v
	v=$(go env GOVERSION 2>/dev/null || true)
	v=${v#go}
	[[ -n $v ]] || return 1
	local major=${v%%.*} rest=${v#*.}
	local minor=${rest%%.*}
	((major > 1 || minor >= 21))
}
if ! go_ok; then
	sudo=()
	[[ $(id -u) -ne 0 ]] && sudo=(sudo)
	if ! command -v go >/dev/null; then
		echo "install-deps: installing Debian's Go to bootstrap Go $go_version"
		"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q golang-go </dev/null
	fi
	case $(uname -m) in
	x86_64) arch=amd64 ;;
	aarch64 | arm64) arch=arm64 ;;
	*) echo "install-deps: install Go $go_version for $(uname -m) from https://go.dev/dl/ and re-run" >&2; exit 1 ;;
	esac
	tmp=$(mktemp -d)
	echo "install-deps: fetching Go $go_version from the Go module proxy"
	dir=$(cd "$tmp" && GOPATH="$tmp/gopath" GOMODCACHE="$tmp/gopath/mod" GOFLAGS= GOTOOLCHAIN=local \
		go mod download -json "golang.org/toolchain@v0.0.1-go$go_version.linux-$arch" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	[[ -n $dir && -x $dir/bin/go || -f $dir/bin/go ]] || { echo "install-deps: could not fetch Go $go_version; install it from https://go.dev/dl/" >&2; exit 1; }
	"${sudo[@]}" rm -rf /usr/local/lib/crmsync-go
	"${sudo[@]}" cp -r "$dir" /usr/local/lib/crmsync-go
	"${sudo[@]}" chmod -R u+w,a+rX /usr/local/lib/crmsync-go
	"${sudo[@]}" chmod a+x /usr/local/lib/crmsync-go/bin/* /usr/local/lib/crmsync-go/pkg/tool/*/*
	"${sudo[@]}" ln -sf /usr/local/lib/crmsync-go/bin/go /usr/local/bin/go
	"${sudo[@]}" ln -sf /usr/local/lib/crmsync-go/bin/gofmt /usr/local/bin/gofmt
	chmod -R u+w "$tmp" && rm -rf "$tmp"
	hash -r
	echo "install-deps: $(/usr/local/bin/go version)"
fi
