/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Cache maintenance by VA to the Point of Coherency (Arm ARM D7.5.9). Used
 * where an observer does not snoop the caches: a CPU running with its MMU
 * off, or a device walking tables without coherent access.
 */
#ifndef ISOHYP_ASM_CACHE_H
#define ISOHYP_ASM_CACHE_H

#include <isohyp/types.h>

static inline u64 dcache_line_size(void)
{
	u64 ctr;

	__asm__ __volatile__("mrs %0, ctr_el0" : "=r"(ctr));
	return 4ULL << ((ctr >> 16) & 0xf); /* CTR_EL0.DminLine, log2 words */
}

/*
 * DC @op on every line of [addr, addr + size), then DSB SY: the maintenance
 * has completed for every observer, a device included, before a later
 * access or MMIO write.
 */
#define dcache_by_line(op, addr, size)                                                    \
	do {                                                                               \
		u64 __line = dcache_line_size();                                           \
		u64 __p = (u64)(addr) & ~(__line - 1), __end = (u64)(addr) + (size);       \
                                                                                           \
		for (; __p < __end; __p += __line)                                         \
			__asm__ __volatile__("dc " #op ", %0" : : "r"(__p) : "memory");    \
		__asm__ __volatile__("dsb sy" ::: "memory");                               \
	} while (0)

/* Clean [addr, addr + size) to the PoC. */
static inline void dcache_clean_poc(const void *addr, size_t size)
{
	dcache_by_line(cvac, addr, size);
}

/* Clean and invalidate [addr, addr + size) to the PoC. */
static inline void dcache_clean_inval_poc(const void *addr, size_t size)
{
	dcache_by_line(civac, addr, size);
}

/*
 * Invalidate [addr, addr + size) to the PoC: the next read fetches what a
 * non-coherent device wrote. A dirty line is lost, so only for memory the CPU
 * does not write (D7.5.9.1: DC IVAC may also clean, which is harmless here).
 */
static inline void dcache_inval_poc(const void *addr, size_t size)
{
	dcache_by_line(ivac, addr, size);
}

/* Invalidate all instruction caches to the PoU, inner shareable. */
static inline void icache_inval_all(void)
{
	__asm__ __volatile__("ic ialluis\n dsb ish\n isb" ::: "memory");
}

#endif /* ISOHYP_ASM_CACHE_H */
