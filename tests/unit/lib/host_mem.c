// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests: include/isohyp/host_mem.h without a fixmap. The tests
 * back host RAM at its physical address (or give addresses of their own
 * memory), so an access is a plain copy there.
 */
#include <string.h>

#include <isohyp/host_mem.h>

void host_mem_read(phys_addr_t pa, void *dst, u64 len)
{
	memcpy(dst, (const void *)(uintptr_t)pa, len);
}

void host_mem_write(phys_addr_t pa, const void *src, u64 len)
{
	memcpy((void *)(uintptr_t)pa, src, len);
}

void host_mem_zero(phys_addr_t pa, u64 len)
{
	memset((void *)(uintptr_t)pa, 0, len);
}
