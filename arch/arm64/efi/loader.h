/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The UEFI loader's internal interfaces (arch/arm64/efi/). Every function
 * returns an EFI_STATUS or -errno and prints its own clear error message, so
 * efi_main only decides what to do next.
 */
#ifndef ISOHYP_EFI_LOADER_H
#define ISOHYP_EFI_LOADER_H

#include <efi.h>
#include <efilib.h>

#include <isohyp/boot_info.h>

#include "dt_policy.h"

#define LOG(fmt, ...) Print(L"isohyp: " fmt, ##__VA_ARGS__)
#define ERR(fmt, ...) Print(L"isohyp: error: " fmt, ##__VA_ARGS__)
#define WARN(fmt, ...) Print(L"isohyp: warning: " fmt, ##__VA_ARGS__)

/* fdt.c: the platform from the firmware's device tree, then the host's tree. */
const void *efi_find_fdt(void);
int fdt_gather_platform(const void *fdt, struct boot_info *bi);
int fdt_gather_dma_policy(const void *fdt, struct boot_info *bi, struct dt_policy *policy);
void *fdt_build_host_tree(const void *fdt, const struct boot_info *bi,
			  const struct dt_policy *policy);
void fdt_free_host_tree(void *fdt);
EFI_STATUS fdt_install_host_tree(void *fdt);

/*
 * devices.c: disconnect the firmware's drivers from removed devices before
 * the install (@release), or connect them again after a failed one.
 */
void efi_release_removed_devices(const struct boot_info *bi, bool release);

/* cpus.c: every other CPU off, the 4 KiB granule (before anything is installed). */
EFI_STATUS cpus_check_secondaries_off(const struct boot_info *bi);
EFI_STATUS cpus_check_granule(void);

/* memmap.c: RAM ranges from the UEFI memory map. */
EFI_STATUS memmap_gather_ram(struct boot_info *bi);

/* install.c: carve-out, EL2 image, __hyp_install. */
EFI_STATUS hyp_carveout_alloc(UINT64 size, UINT64 *base);
void hyp_carveout_free(UINT64 base, UINT64 size);
EFI_STATUS hyp_image_check(UINT64 carveout_size);
EFI_STATUS hyp_install(struct boot_info *bi);

/* next.c: files on the loader's volume and the next stage. */
EFI_STATUS efi_read_file(EFI_HANDLE image, const CHAR16 *path, char **data, UINTN *size);
EFI_STATUS efi_start_next(EFI_HANDLE image, const char *path, const char *cmdline,
			  const char *initrd);

#endif /* ISOHYP_EFI_LOADER_H */
