// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests: host_mem_read_poc()/host_mem_write_poc() of
 * include/isohyp/host_mem.h, with the maintenance of the real ones going to
 * lib/poc_memory.c's PoC. Apart from lib/host_mem.c so that tests without
 * the PoC model need not link it.
 */
#include <string.h>

#include <asm/cache.h>
#include <isohyp/host_mem.h>

void host_mem_read_poc(phys_addr_t pa, void *dst, u64 len)
{
	dcache_clean_inval_poc((const void *)(uintptr_t)pa, len);
	memcpy(dst, (const void *)(uintptr_t)pa, len);
}

void host_mem_write_poc(phys_addr_t pa, const void *src, u64 len)
{
	memcpy((void *)(uintptr_t)pa, src, len);
	dcache_clean_inval_poc((const void *)(uintptr_t)pa, len);
}
