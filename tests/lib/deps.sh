# shellcheck shell=bash
# deps.sh: installs, from Debian 12's archive, whatever of the build and test dependencies
# this machine lacks. Needs root when something is missing.

IOTNTP_PACKAGES=(
	build-essential cmake pkg-config
	libmosquitto-dev mosquitto-dev libcjson-dev libssl-dev libcunit1-dev openssl dpkg-dev
	mosquitto mosquitto-clients chrony faketime iproute2 procps
)

iotntp_install_deps() {
	local missing=() p
	for p in "${IOTNTP_PACKAGES[@]}" "$@"; do
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

# Configures and builds into build/ under the repository root.
iotntp_build() {
	local root=$1
	cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build "$root/build" -j "$(nproc)"
}
