# shellcheck shell=bash
# SPDX-License-Identifier: Apache-2.0
# release-chroot.sh: a Debian system of another release to build in, so that a package for that
# release is built with its own compiler, libraries and dpkg-buildflags. Made once from Debian's
# archive with debootstrap (--variant=buildd: build-essential and apt) and kept for the next
# build, as /var/tmp/iotntp-chroot-RELEASE (IOTNTP_CHROOT_BASE instead of /var/tmp).
# Source it after tests/lib/deps.sh. Needs root.

# Debian's codename for this machine's release (bookworm, trixie, ...).
iotntp_this_release() {
	(. /etc/os-release && echo "${VERSION_CODENAME:-}")
}

# Whether anything is mounted at or below DIR.
iotntp_has_mounts() {
	awk -v d="$1" '$2 == d || index($2, d "/") == 1 { found = 1 } END { exit !found }' \
		/proc/self/mounts
}

# Prints the path of the RELEASE build system, making it first if it is not there.
iotntp_release_chroot() {
	local release=$1
	local dir=${IOTNTP_CHROOT_BASE:-/var/tmp}/iotntp-chroot-$release
	if [ ! -f "$dir/.iotntp-ready" ]; then
		# A half-made one is made again; never while the tree is mounted in it.
		if iotntp_has_mounts "$dir"; then
			echo "$dir has mounts below it: unmount them first" >&2
			return 1
		fi
		iotntp_install_packages debootstrap
		rm -rf "$dir"
		echo "making a Debian $release system in $dir with debootstrap (once)" >&2
		timeout 1800 debootstrap --variant=buildd "$release" "$dir" http://deb.debian.org/debian \
			>"$dir.log" 2>&1 || {
			echo "debootstrap $release failed: $(tail -5 "$dir.log")" >&2
			return 1
		}
		touch "$dir/.iotntp-ready"
	fi
	echo "$dir"
}

# Undoes what iotntp_in_chroot mounted in DIR; safe to call more than once.
iotntp_chroot_unmount() {
	local dir=$1 m
	for m in iotntp dev proc; do
		if awk -v d="$dir/$m" '$2 == d { found = 1 } END { exit !found }' /proc/self/mounts; then
			umount "$dir/$m"
		fi
	done
}

# Runs a command in the system DIR, with the repository ROOT at /iotntp, /proc and /dev
# mounted, and this machine's resolver (apt reaches Debian's archive). Unmounts them after.
#   iotntp_in_chroot DIR ROOT COMMAND...
iotntp_in_chroot() {
	local dir=$1 root=$2 rc=0
	shift 2
	mkdir -p "$dir/iotntp"
	cp /etc/resolv.conf "$dir/etc/resolv.conf"
	mount --bind "$root" "$dir/iotntp"
	mount -t proc proc "$dir/proc"
	mount --bind /dev "$dir/dev"
	chroot "$dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
		"$@" || rc=$?
	iotntp_chroot_unmount "$dir"
	return "$rc"
}
