#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the Linux host's initramfs from the unpacked arm64 sysroot:
#
#   scripts/mkinitramfs.sh OUT.cpio.gz SYSROOT [SRC:DEST ...]
#
# It holds busybox (static), /init (tests/linux/init), the kernel modules
# virtio-blk and virtio-net over PCI need, with a load-order list in
# /lib/modules/load-order, modules /init loads later (qemu_fw_cfg: the tests
# use fw_cfg's registers before its driver claims them) listed in
# /lib/modules/late-order, the VFIO modules /init loads in nested SMMU mode
# (edu-probe's VFIO mode) listed in /lib/modules/nested-order, and any extra
# files given as SRC:DEST. The archive
# is newc, owned by root, sorted, and written atomically.
set -euo pipefail

[ $# -ge 2 ] || { echo "usage: $0 OUT.cpio.gz SYSROOT [SRC:DEST...]" >&2; exit 2; }
out=$1 sysroot=$2
shift 2
here=$(cd "$(dirname "$0")/.." && pwd)
die() { echo "mkinitramfs: $*" >&2; exit 1; }

kernels=("$sysroot"/boot/vmlinuz-*)
[ -e "${kernels[0]}" ] || die "no kernel in $sysroot/boot (run scripts/deps.sh)"
[ ${#kernels[@]} -eq 1 ] || die "several kernels in $sysroot/boot: ${kernels[*]}"
kver=${kernels[0]##*/vmlinuz-}
moddir=$sysroot/lib/modules/$kver
# The package ships no modules.dep (dpkg runs depmod at install): make it.
if [ ! -f "$moddir/modules.dep" ]; then
	depmod=$(command -v depmod || echo /usr/sbin/depmod)
	[ -x "$depmod" ] || die "no depmod (install kmod: scripts/deps.sh)"
	"$depmod" -b "$sysroot" "$kver" || die "depmod failed for $kver"
fi
[ -x "$sysroot/bin/busybox" ] || die "no static busybox in $sysroot/bin"

WANT=(virtio_pci virtio_blk virtio_net)
LATE=(qemu_fw_cfg)
NESTED=(vfio_iommu_type1 vfio-pci)

# Dependencies first, each module once (modules.dep: "path: dep dep ...").
order=()
add_module() {
	local path=$1 dep line
	line=$(grep -E "^(kernel/)?([^:]*/)?${path##*/}:" "$moddir/modules.dep" | head -n1) ||
		die "module ${path##*/} not in modules.dep"
	for dep in ${line#*:}; do
		add_module "$dep"
	done
	path=${line%%:*}
	for m in "${order[@]}"; do [ "$m" = "$path" ] && return 0; done
	order+=("$path")
}
module_path() {
	local p
	p=$(grep -oE "^[^:]*/$1\.ko(\.[a-z]+)?:" "$moddir/modules.dep" | head -n1) ||
		die "module $1 not in modules.dep"
	echo "${p%:}"
}
for m in "${WANT[@]}"; do
	p=$(module_path "$m") || exit 1
	add_module "$p"
done
boot=${#order[@]}
for m in "${LATE[@]}"; do
	p=$(module_path "$m") || exit 1
	add_module "$p"
done
late=${#order[@]}
for m in "${NESTED[@]}"; do
	p=$(module_path "$m") || exit 1
	add_module "$p"
done

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,root,lib/modules/"$kver"}
cp "$sysroot/bin/busybox" "$root/bin/busybox"
cp "$here/tests/linux/init" "$root/init"
chmod 0755 "$root/init" "$root/bin/busybox"
touch "$root/lib/modules/"{load,late,nested}-order
for i in "${!order[@]}"; do
	m=${order[i]} list=load-order
	[ "$i" -lt "$boot" ] || list=late-order
	[ "$i" -lt "$late" ] || list=nested-order
	mkdir -p "$root/lib/modules/$kver/$(dirname "$m")"
	cp "$moddir/$m" "$root/lib/modules/$kver/$m"
	echo "/lib/modules/$kver/$m" >>"$root/lib/modules/$list"
done
for spec in "$@"; do
	src=${spec%%:*} dest=${spec#*:}
	[ -f "$src" ] || die "no file '$src'"
	mkdir -p "$root/$(dirname "$dest")"
	cp "$src" "$root/$dest"
done

mkdir -p "$(dirname "$out")"
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --quiet) | gzip -9n >"$out.tmp"
mv "$out.tmp" "$out"
echo "mkinitramfs: $out: ${#order[@]} modules ($(basename -a "${order[@]}" | tr '\n' ' '))"
