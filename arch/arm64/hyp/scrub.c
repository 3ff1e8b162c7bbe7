// SPDX-License-Identifier: GPL-2.0-only
/*
 * The last thing the hypervisor does before a reset or power-off it
 * forwards (ARCHITECTURE.md section 10, "Reset/off scrub"): zero its
 * carve-out, so that what boots next (a system without the hypervisor,
 * with /dev/mem) finds nothing of it. The page tables, the pool, the data
 * go; what keeps running does not: the text (the public image, and the code
 * doing this) and the stack of the CPU doing it.
 *
 * The EL2 MMU and data cache go off first (the tables are in the carve-out
 * too): execution goes on at the same addresses (VA == PA), data accesses
 * become Device-nGnRnE, and the stores reach memory directly. Every dirty
 * line of the carve-out is cleaned and invalidated before, so no later
 * write-back brings a byte back. Other CPUs are not stopped: one that traps
 * in meanwhile finds its tables gone and faults at EL2 until the reset.
 */
#include <asm/cache.h>
#include <asm/scrub.h>
#include <asm/sysreg.h>

static void zero_range(u64 start, u64 end)
{
	volatile u64 *p;

	for (p = (volatile u64 *)(uintptr_t)start; (u64)(uintptr_t)p < end; p++)
		*p = 0;
}

void hyp_scrub_carveout(u64 start, u64 end, u64 keep_start, u64 keep_end, u64 stack_lo,
			u64 stack_hi)
{
	dcache_clean_inval_poc((void *)(uintptr_t)start, end - start);
	__asm__ __volatile__("dsb sy" ::: "memory");
	write_sysreg(read_sysreg(sctlr_el2) & ~(SCTLR_M | SCTLR_C), sctlr_el2);
	__asm__ __volatile__("isb" ::: "memory");
	/* From here: registers, text and this stack only. */
	zero_range(start, keep_start);
	zero_range(keep_end, stack_lo);
	zero_range(stack_hi, end);
	__asm__ __volatile__("dsb sy" ::: "memory");
}
