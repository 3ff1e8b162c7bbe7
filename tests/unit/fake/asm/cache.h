/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host unit tests: cache maintenance to the PoC goes to the memory model of
 * tests/unit/lib/poc_memory.c, which is what a non-coherent device (the SMMU
 * model with its noncoherent knob) reads and writes.
 */
#ifndef ISOHYP_FAKE_ASM_CACHE_H
#define ISOHYP_FAKE_ASM_CACHE_H

#include <isohyp/types.h>

void fake_dcache_clean_poc(const void *addr, size_t size);
void fake_dcache_clean_inval_poc(const void *addr, size_t size);
void fake_dcache_inval_poc(const void *addr, size_t size);

static inline void dcache_clean_poc(const void *addr, size_t size)
{
	fake_dcache_clean_poc(addr, size);
}

static inline void dcache_clean_inval_poc(const void *addr, size_t size)
{
	fake_dcache_clean_inval_poc(addr, size);
}

static inline void dcache_inval_poc(const void *addr, size_t size)
{
	fake_dcache_inval_poc(addr, size);
}

#endif /* ISOHYP_FAKE_ASM_CACHE_H */
