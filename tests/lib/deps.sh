# shellcheck shell=bash
# SPDX-License-Identifier: Apache-2.0
# deps.sh: installs, from Debian 12's archive, whatever of the build and test dependencies
# this machine lacks. Needs root when something is missing.

IOTNTP_PACKAGES=(
	build-essential cmake pkg-config
	libmosquitto-dev mosquitto-dev libcjson-dev libssl-dev libcunit1-dev openssl dpkg-dev
	mosquitto mosquitto-clients chrony faketime iproute2 procps
)

# What builds the Debian package: for this machine's architecture, and for another one with
# Debian's cross toolchain and the libraries' -dev packages of that architecture (multiarch).
IOTNTP_BUILD_PACKAGES=(build-essential cmake pkg-config mosquitto-dev dpkg-dev file)
IOTNTP_LIBRARY_PACKAGES=(libcjson-dev libssl-dev libmosquitto-dev)

# Installs the packages given (NAME or NAME:ARCH) that are not installed yet.
iotntp_install_packages() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "installing: ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# Debian starts the services it installs where it can; the tests start their own.
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The build and test dependencies, and any other packages given.
iotntp_install_deps() {
	iotntp_install_packages "${IOTNTP_PACKAGES[@]}" "$@"
}

# What builds for Debian architecture ARCH on this machine, and the packages of ARCH given
# after it (libcunit1-dev, say): for another architecture, dpkg learns it first.
iotntp_install_build_deps() {
	local arch=$1 p
	shift
	if [ "$arch" = "$(dpkg --print-architecture)" ]; then
		iotntp_install_packages "${IOTNTP_BUILD_PACKAGES[@]}" "${IOTNTP_LIBRARY_PACKAGES[@]}" \
			"$@"
		return
	fi
	if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
		echo "adding architecture $arch to dpkg" >&2
		dpkg --add-architecture "$arch"
	fi
	local target=()
	for p in "${IOTNTP_LIBRARY_PACKAGES[@]}" "$@"; do
		target+=("$p:$arch")
	done
	iotntp_install_packages "${IOTNTP_BUILD_PACKAGES[@]}" "crossbuild-essential-$arch" \
		"${target[@]}"
}

# Configures and builds into build/ under the repository root, every warning an error.
iotntp_build() {
	local root=$1
	cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIOTNTP_WERROR=ON \
		>/dev/null
	cmake --build "$root/build" -j "$(nproc)"
}
