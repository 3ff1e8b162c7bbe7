// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host RAM through this CPU's fixmap slot (include/isohyp/host_mem.h): one
 * page mapped at a time, unmapped (and invalidated everywhere) before the
 * call returns, so no host page stays reachable from EL2 between accesses.
 */
#include <string.h>

#include <asm/cache.h>
#include <asm/hyp_mmu.h>
#include <isohyp/bits.h>
#include <isohyp/host_mem.h>

/* Call @fn on each page-bounded piece of [pa, pa + len), mapped. */
static void host_mem_each(phys_addr_t pa, u64 len, u8 *buf,
			  void (*fn)(void *va, u8 *buf, u64 n))
{
	while (len) {
		u64 n = SZ_4K - (pa & (SZ_4K - 1));

		if (n > len)
			n = len;
		fn(hyp_fixmap_map(pa), buf, n);
		hyp_fixmap_unmap();
		pa += n;
		len -= n;
		if (buf)
			buf += n;
	}
}

static void do_read(void *va, u8 *buf, u64 n)
{
	memcpy(buf, va, n);
}

static void do_write(void *va, u8 *buf, u64 n)
{
	memcpy(va, buf, n);
}

/* Caches are physically tagged: maintenance through the alias reaches the host's lines. */
static void do_read_poc(void *va, u8 *buf, u64 n)
{
	dcache_clean_inval_poc(va, n);
	memcpy(buf, va, n);
}

static void do_write_poc(void *va, u8 *buf, u64 n)
{
	memcpy(va, buf, n);
	/* Completed (DSB) before the caller lets the host look. */
	dcache_clean_inval_poc(va, n);
}

static void do_zero(void *va, u8 *buf, u64 n)
{
	memset(va, 0, n);
	/* Caches are physically tagged: cleaning through the alias reaches the PoC. */
	dcache_clean_poc(va, n);
}

void host_mem_read(phys_addr_t pa, void *dst, u64 len)
{
	host_mem_each(pa, len, dst, do_read);
}

void host_mem_write(phys_addr_t pa, const void *src, u64 len)
{
	host_mem_each(pa, len, (u8 *)src, do_write);
}

void host_mem_read_poc(phys_addr_t pa, void *dst, u64 len)
{
	host_mem_each(pa, len, dst, do_read_poc);
}

void host_mem_write_poc(phys_addr_t pa, const void *src, u64 len)
{
	host_mem_each(pa, len, (u8 *)src, do_write_poc);
}

void host_mem_zero(phys_addr_t pa, u64 len)
{
	host_mem_each(pa, len, NULL, do_zero);
}
