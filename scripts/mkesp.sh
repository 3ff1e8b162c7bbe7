#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Make a FAT EFI system partition image.
#
#   scripts/mkesp.sh IMG SIZE_MB SRC:DEST [SRC:DEST...]
#
# DEST is a path inside the image, e.g. EFI/BOOT/BOOTAA64.EFI; folders are
# made as needed. The image is written to IMG.tmp and renamed when complete.
set -euo pipefail

[ $# -ge 3 ] || { echo "usage: $0 IMG SIZE_MB SRC:DEST..." >&2; exit 2; }
img=$1 size=$2
shift 2
tmp=$img.tmp
rm -f "$tmp"
mkdir -p "$(dirname "$img")"
mkfs.vfat -C -n ISOHYP "$tmp" $((size * 1024)) >/dev/null
for spec in "$@"; do
	src=${spec%%:*} dest=${spec#*:}
	[ -f "$src" ] || { echo "mkesp: no file '$src'" >&2; rm -f "$tmp"; exit 1; }
	dir=
	IFS=/ read -ra parts <<<"$(dirname "$dest")"
	for p in "${parts[@]}"; do
		[ "$p" = . ] && continue
		dir+=/$p
		mmd -D s -i "$tmp" "::$dir" 2>/dev/null || true
	done
	mcopy -o -i "$tmp" "$src" "::/$dest"
done
mv "$tmp" "$img"
