/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The EL1 test payload's assembly: an exception vector table that records a
 * synchronous exception and steps over the faulting instruction (so a test
 * can provoke an abort and look at it), and the entry point secondary CPUs
 * are started at through PSCI CPU_ON.
 */
#include <asm/asm-macros.h>

	.text
	.balign	0x800
	.globl	payload_vectors
payload_vectors:
	.rept	16
	.balign	0x80
	b	payload_vector_common
	.endr

/* Record ESR/FAR/ELR of the exception, skip the instruction, return. */
payload_vector_common:
	stp	x0, x1, [sp, #-16]!
	adr_l	x1, payload_caught
	mrs	x0, esr_el1
	str	x0, [x1, #0]
	mrs	x0, far_el1
	str	x0, [x1, #8]
	mrs	x0, elr_el1
	str	x0, [x1, #16]
	ldr	x0, [x1, #24]
	add	x0, x0, #1
	str	x0, [x1, #24]
	mrs	x0, elr_el1
	add	x0, x0, #4
	msr	elr_el1, x0
	ldp	x0, x1, [sp], #16
	eret

/*
 * The soak's vectors (soak.c): as payload_vectors, but each CPU records into
 * its own struct payload_caught, whose address is in TPIDR_EL1, so that every
 * CPU can take aborts at once.
 */
	.balign	0x800
	.globl	soak_vectors
soak_vectors:
	.rept	16
	.balign	0x80
	b	soak_vector_common
	.endr

soak_vector_common:
	stp	x0, x1, [sp, #-16]!
	mrs	x1, tpidr_el1
	mrs	x0, esr_el1
	str	x0, [x1, #0]
	mrs	x0, far_el1
	str	x0, [x1, #8]
	mrs	x0, elr_el1
	str	x0, [x1, #16]
	ldr	x0, [x1, #24]
	add	x0, x0, #1
	str	x0, [x1, #24]
	mrs	x0, elr_el1
	add	x0, x0, #4
	msr	elr_el1, x0
	ldp	x0, x1, [sp], #16
	eret

/*
 * A secondary CPU, at EL1 with the MMU off, x0 = its slot (a 64-byte line in
 * payload_cpu_slots). Write CurrentEL and MPIDR_EL1 into the slot (non-
 * cacheable with the MMU off: the boot CPU invalidates before reading), then
 * turn this CPU off again through PSCI.
 */
SYM_FUNC_START payload_secondary_entry
	mrs	x1, CurrentEL
	lsr	x1, x1, #2
	mrs	x2, mpidr_el1
	stp	x1, x2, [x0, #8]
	mov	x1, #1
	str	x1, [x0]			/* done flag last */
	dsb	sy
	ldr	x0, =0x84000002			/* PSCI CPU_OFF */
	smc	#0
1:	wfi
	b	1b
SYM_FUNC_END payload_secondary_entry
	.ltorg

/*
 * A secondary CPU that runs C: x0 = struct secondary_boot (payload.h), read
 * with the MMU off. Take the boot CPU's MAIR/TCR/TTBR0 and vectors, turn the
 * MMU and caches on (stale TLB entries of this CPU go first), call fn(arg),
 * then CPU_OFF.
 */
SYM_FUNC_START payload_secondary_c_entry
	ldp	x1, x2, [x0, #0]		/* MAIR, TCR */
	msr	mair_el1, x1
	msr	tcr_el1, x2
	ldp	x1, x2, [x0, #16]		/* TTBR0, SCTLR */
	msr	ttbr0_el1, x1
	ldp	x3, x4, [x0, #32]		/* VBAR, SP */
	msr	vbar_el1, x3
	mov	x5, #(3 << 20)			/* CPACR_EL1.FPEN: no FP traps */
	msr	cpacr_el1, x5
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	msr	sctlr_el1, x2
	isb
	ic	iallu
	dsb	nsh
	isb
	mov	sp, x4
	ldp	x5, x0, [x0, #48]		/* fn, arg */
	blr	x5
	ldr	x0, =0x84000002			/* PSCI CPU_OFF */
	smc	#0
1:	wfi
	b	1b
SYM_FUNC_END payload_secondary_c_entry
	.ltorg

/*
 * A CPU the pre-loader (preload.c) starts behind the hypervisor's future
 * back: it just stays on, waiting, MMU off.
 */
SYM_FUNC_START payload_spin_entry
1:	wfe
	b	1b
SYM_FUNC_END payload_spin_entry
