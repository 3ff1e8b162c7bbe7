#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Install and fetch everything isohyp's build, run and tests need.
#
#   scripts/deps.sh [BUILD_DIR]
#
# 1. Debian packages for the build machine (cross toolchain, QEMU >= 8.1 from
#    bookworm-backports, AAVMF, kconfiglib, image tools, sanitizer runtimes,
#    dtc and the build machine's libfdt for the DMA-policy unit tests, clang
#    with libFuzzer's runtime for the fuzz targets).
# 2. arm64 packages downloaded (never installed) and unpacked into a sysroot
#    under BUILD_DIR/sysroot: gnu-efi, libfdt, busybox-static and the current
#    Debian arm64 kernel (resolved through the linux-image-arm64 metapackage).
#
# Idempotent: a rerun that finds everything in place changes nothing and says
# so. Each sysroot is unpacked into a temporary folder and renamed into place
# only when complete, so an interrupted run never leaves a state that a rerun
# cannot repair.
set -euo pipefail

BUILD_DIR=${1:-build}
SYSROOT=$BUILD_DIR/sysroot
QEMU_MIN=8.1

HOST_PKGS=(make gcc libc6-dev gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross
	   qemu-efi-aarch64 python3 python3-kconfiglib mtools dosfstools cpio
	   device-tree-compiler libfdt-dev gdb-multiarch libasan8 libubsan1 coreutils kmod gzip
	   clang libclang-rt-14-dev)
# qemu-system-arm comes from bookworm-backports: bookworm's 7.2 has no SMMUv3 stage-2.
QEMU_PKGS=(qemu-system-arm)
TARGET_PKGS=(gnu-efi libfdt-dev busybox-static)

log() { printf 'deps: %s\n' "$*"; }
die() { printf 'deps: error: %s\n' "$*" >&2; exit 1; }

SUDO=
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 || die "not root and no sudo: run as root or install sudo"
	sudo -n true 2>/dev/null || die "not root and sudo needs a password: run 'sudo $0' once"
	SUDO="sudo -n"
fi
export DEBIAN_FRONTEND=noninteractive

pkg_installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# "8.1.0" >= "8.1" ?
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

qemu_ok() {
	local v
	command -v qemu-system-aarch64 >/dev/null 2>&1 || return 1
	v=$(qemu-system-aarch64 --version | sed -n 's/.*version \([0-9][0-9.]*\).*/\1/p' | head -n1)
	version_ge "${v:-0}" "$QEMU_MIN"
}

codename() { . /etc/os-release; echo "${VERSION_CODENAME:-}"; }

APT_UPDATED=
apt_update() {
	[ -n "$APT_UPDATED" ] && return 0
	log "apt-get update"
	$SUDO apt-get update -q >/dev/null || die "apt-get update failed: is the Debian archive reachable?"
	APT_UPDATED=1
}

ensure_backports() {
	local cn; cn=$(codename)
	[ "$cn" = bookworm ] || return 0	# newer releases carry QEMU >= 8.1 already
	if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
		log "enabling bookworm-backports (for QEMU >= $QEMU_MIN)"
		printf '%s\n' 'Types: deb' 'URIs: http://deb.debian.org/debian' \
			'Suites: bookworm-backports' 'Components: main' \
			'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' |
			$SUDO tee /etc/apt/sources.list.d/isohyp-bookworm-backports.sources >/dev/null
		APT_UPDATED=
	fi
}

ensure_arm64_arch() {
	if ! dpkg --print-foreign-architectures | grep -qx arm64 &&
	   [ "$(dpkg --print-architecture)" != arm64 ]; then
		log "adding the arm64 architecture to dpkg (packages are only downloaded)"
		$SUDO dpkg --add-architecture arm64
		APT_UPDATED=
	fi
}

install_host_packages() {
	local missing=() p
	for p in "${HOST_PKGS[@]}"; do pkg_installed "$p" || missing+=("$p"); done
	if [ ${#missing[@]} -gt 0 ]; then
		apt_update
		log "installing ${missing[*]}"
		$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
			die "apt-get install ${missing[*]} failed"
	fi
	if ! qemu_ok; then
		ensure_backports
		apt_update
		log "installing QEMU from bookworm-backports"
		$SUDO apt-get install -y -q --no-install-recommends -t "$(codename)-backports" \
			"${QEMU_PKGS[@]}" >/dev/null || die "installing ${QEMU_PKGS[*]} from backports failed"
		qemu_ok || die "qemu-system-aarch64 is older than $QEMU_MIN after install"
	fi
	[ ${#missing[@]} -eq 0 ] && return 1 || return 0
}

# The exact arm64 package versions the sysroot should hold; printed one per line.
target_manifest() {
	local kpkg p
	kpkg=$(apt-cache depends linux-image-arm64:arm64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^:]*\).*/\1/p' | head -n1)
	[ -n "$kpkg" ] || return 1
	for p in "${TARGET_PKGS[@]}" "$kpkg"; do
		printf '%s=%s\n' "$p" "$(apt-cache policy "$p:arm64" |
			sed -n 's/^ *Candidate: //p')"
	done
}

# download_debs MANIFEST DIR: every name=version of MANIFEST into DIR.
download_debs() {
	local p
	for p in $1; do
		(cd "$2" && apt-get download -q "${p%%=*}:arm64=${p#*=}" >/dev/null 2>&1) || {
			log "download of ${p%%=*}:arm64=${p#*=} failed"
			return 1
		}
	done
}

fetch_sysroot() {
	local manifest tmp p
	manifest=$(target_manifest || true)
	if [ -z "$manifest" ] || grep -q '=(none)\|=$' <<<"$manifest"; then
		ensure_arm64_arch
		apt_update
		manifest=$(target_manifest) || die "cannot resolve linux-image-arm64:arm64 in the archive"
		grep -q '=(none)\|=$' <<<"$manifest" && die "arm64 packages not found: $manifest"
	fi
	if [ -f "$SYSROOT/.manifest" ] && [ "$(cat "$SYSROOT/.manifest")" = "$manifest" ]; then
		return 1
	fi
	log "fetching arm64 packages: $(echo $manifest)"
	mkdir -p "$BUILD_DIR"
	tmp=$(mktemp -d "$BUILD_DIR/.sysroot.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$tmp/debs" "$tmp/root"
	if ! download_debs "$manifest" "$tmp/debs"; then
		# Stale package lists name versions the archive no longer has.
		log "download failed: refreshing the package lists and trying once more"
		apt_update
		manifest=$(target_manifest) || die "cannot resolve linux-image-arm64:arm64 in the archive"
		rm -f "$tmp"/debs/*.deb
		log "fetching arm64 packages: $(echo $manifest)"
		download_debs "$manifest" "$tmp/debs" ||
			die "download of the arm64 packages failed: is the Debian archive reachable?"
	fi
	for p in "$tmp"/debs/*.deb; do dpkg-deb -x "$p" "$tmp/root" || die "cannot unpack $p"; done
	printf '%s\n' "$manifest" >"$tmp/root/.manifest"
	rm -rf "$SYSROOT"
	mv "$tmp/root" "$SYSROOT"
	rm -rf "$tmp"
	trap - EXIT
	return 0
}

changed=0
if [ -n "$(dpkg --print-foreign-architectures | grep -x arm64)" ] ||
   [ "$(dpkg --print-architecture)" = arm64 ]; then :; else ensure_arm64_arch; apt_update; fi
install_host_packages && changed=1
fetch_sysroot && changed=1
if [ $changed -eq 0 ]; then
	log "everything present, nothing to do"
else
	log "done: sysroot in $SYSROOT"
fi
