/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-CPU hypervisor state. TPIDR_EL2 points at the running CPU's
 * struct hyp_cpu. A secondary CPU's first instructions (MMU off) find it
 * through x0, which the PSCI proxy passes to firmware as the context id.
 */
#ifndef ISOHYP_CPU_H
#define ISOHYP_CPU_H

#include <asm/hyp_cpu_offsets.h>
#include <asm/spinlock.h>
#include <isohyp/types.h>

enum hyp_cpu_state {
	HYP_CPU_OFF = 0,
	HYP_CPU_ON_PENDING, /* CPU_ON forwarded, the CPU has not entered yet */
	HYP_CPU_ON,
	HYP_CPU_OFF_PENDING, /* called CPU_OFF through us; firmware may still say on */
	/*
	 * Firmware says this CPU is on, but it never entered through us: it
	 * runs outside the hypervisor's control. Never ours again: CPU_ON of
	 * it is DENIED without asking firmware.
	 */
	HYP_CPU_FOREIGN,
};

struct hyp_cpu {
	u64 stack_top; /* first: entry.S loads it by offset 0 */
	u64 panic_stack_top; /* second: the EL2 panic vectors switch to it */
	/* Spectre-v2/BHB on entry from the host (asm/spectre.h); entry.S reads them. */
	u32 vec_mitigation; /* VEC_MIT_* */
	u32 bhb_loops;
	u32 fw_workaround; /* SMCCC function id with VEC_MIT_FW */
	u32 reserved;
	u64 stack_guard; /* the unmapped page below the stack */
	u64 mpidr;
	u32 index;
	u32 state; /* enum hyp_cpu_state, under lock */
	hyp_spinlock_t lock;
	u64 host_entry; /* where the host asked this CPU to start, at EL1 */
	u64 host_ctx; /* and the context id it passes in x0 */
};

_Static_assert(__builtin_offsetof(struct hyp_cpu, panic_stack_top) == HYP_CPU_PANIC_STACK_TOP &&
		       __builtin_offsetof(struct hyp_cpu, vec_mitigation) == HYP_CPU_VEC_MITIGATION &&
		       __builtin_offsetof(struct hyp_cpu, bhb_loops) == HYP_CPU_BHB_LOOPS &&
		       __builtin_offsetof(struct hyp_cpu, fw_workaround) == HYP_CPU_FW_WORKAROUND,
	       "entry.S");

extern struct hyp_cpu hyp_cpus[];
extern unsigned int hyp_nr_cpus;

static inline struct hyp_cpu *this_cpu(void)
{
	u64 p;

	__asm__ __volatile__("mrs %0, tpidr_el2" : "=r"(p));
	return (struct hyp_cpu *)(uintptr_t)p;
}

struct hyp_cpu *hyp_cpu_by_mpidr(u64 mpidr);
/* Is @addr in some CPU's stack guard page (an overflow, hyp/panic.c)? */
bool hyp_addr_is_stack_guard(u64 addr);



#define MPIDR_AFFINITY_MASK 0xff00ffffffULL

#endif /* ISOHYP_CPU_H */
