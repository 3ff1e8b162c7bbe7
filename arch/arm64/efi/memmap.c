// SPDX-License-Identifier: GPL-2.0-only
/*
 * RAM as the UEFI memory map describes it (UEFI 2.10 section 7.2,
 * GetMemoryMap): every region the firmware can map write-back cacheable,
 * whatever its current use, is RAM. Regions are sorted and merged so the
 * hypervisor can look them up by bisection and tell RAM from MMIO.
 */
#include "loader.h"

static int ram_add(struct boot_info *bi, UINT64 base, UINT64 size)
{
	UINT32 i, j;

	for (i = 0; i < bi->nr_ram; i++) {
		struct boot_mem_range *r = &bi->ram[i];

		if (base <= r->base + r->size && base + size >= r->base) {
			UINT64 end = base + size > r->base + r->size ? base + size :
								       r->base + r->size;
			r->base = base < r->base ? base : r->base;
			r->size = end - r->base;
			return 0;
		}
		if (base < r->base)
			break;
	}
	if (bi->nr_ram == BOOT_INFO_MAX_RAM)
		return -1;
	for (j = bi->nr_ram; j > i; j--)
		bi->ram[j] = bi->ram[j - 1];
	bi->ram[i].base = base;
	bi->ram[i].size = size;
	bi->nr_ram++;
	return 0;
}

/* Adding one range may make neighbours touch: merge until stable. */
static void ram_coalesce(struct boot_info *bi)
{
	UINT32 i = 0, j;

	while (i + 1 < bi->nr_ram) {
		struct boot_mem_range *a = &bi->ram[i], *b = &bi->ram[i + 1];

		if (a->base + a->size >= b->base) {
			UINT64 end = b->base + b->size > a->base + a->size ? b->base + b->size :
									       a->base + a->size;
			a->size = end - a->base;
			for (j = i + 1; j + 1 < bi->nr_ram; j++)
				bi->ram[j] = bi->ram[j + 1];
			bi->nr_ram--;
		} else {
			i++;
		}
	}
}

EFI_STATUS memmap_gather_ram(struct boot_info *bi)
{
	UINTN nr, key, desc_size;
	UINT32 desc_version;
	EFI_MEMORY_DESCRIPTOR *map, *d;
	UINTN i;

	map = LibMemoryMap(&nr, &key, &desc_size, &desc_version);
	if (!map) {
		ERR(L"cannot read the UEFI memory map\n");
		return EFI_OUT_OF_RESOURCES;
	}
	bi->nr_ram = 0;
	for (i = 0, d = map; i < nr; i++, d = (void *)((UINT8 *)d + desc_size)) {
		if (d->Type == EfiMemoryMappedIO || d->Type == EfiMemoryMappedIOPortSpace ||
		    !(d->Attribute & EFI_MEMORY_WB) || !d->NumberOfPages)
			continue;
		if (ram_add(bi, d->PhysicalStart, d->NumberOfPages << EFI_PAGE_SHIFT)) {
			ERR(L"more than %d RAM ranges in the memory map\n", BOOT_INFO_MAX_RAM);
			FreePool(map);
			return EFI_UNSUPPORTED;
		}
		ram_coalesce(bi);
	}
	FreePool(map);
	if (!bi->nr_ram) {
		ERR(L"the UEFI memory map has no RAM\n");
		return EFI_UNSUPPORTED;
	}
	return EFI_SUCCESS;
}
