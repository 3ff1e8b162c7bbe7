/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * EL2 entry points of the hypervisor image:
 *  - the image header the loader reads (struct hyp_image_header),
 *  - __hyp_install: called by the loader at EL2 on the boot CPU; returns to
 *    its caller at EL1 (the firmware's context, converted) or, on failure, at
 *    EL2 with an error,
 *  - __hyp_secondary_entry: where PSCI starts a CPU the host turned on,
 *  - the EL2 exception vectors.
 * Arm ARM D1.10 (exception entry), D1.11 (exception return).
 */
#include <asm/asm-macros.h>
#include <asm/sysreg.h>
#include <asm/host_ctxt.h>
#include <asm/hyp_cpu_offsets.h>

	.section .head.text, "ax"
	.globl	__hyp_image_header
__hyp_image_header:
	b	.				/* not an entry point */
	.long	0
	.quad	0x3265676d69707968		/* HYP_IMAGE_MAGIC */
	.quad	__hyp_image_file_size
	.quad	__hyp_image_mem_size
	.quad	__hyp_install_offset
	.quad	__rela_offset
	.quad	__rela_size

	.text

/*
 * int __hyp_install(struct boot_info *bi)
 * Called with the firmware's EL2 MMU on. On success it does not return at
 * EL2: it erets to the caller's return address at EL1h with the caller's SP,
 * DAIF, x18 and callee-saved registers, x0 = 0, and x1..x17 zero: no
 * general-purpose register carries a hypervisor address (stack, page, data)
 * to the host. x19..x28 are the caller's because every C function on the way
 * preserves them (AAPCS64) and x19/x20/x29/x30/x18 come back from the frame
 * below. x18 is saved too: UEFI reserves it as the platform register and
 * the C code at EL2 may use it as a temporary.
 */
SYM_FUNC_START __hyp_install
	mrs	x9, daif
	msr	daifset, #0xf
	mov	x10, sp				/* the caller's SP */
	/*
	 * The caller's registers go on the boot stack (in the carve-out), not
	 * the caller's: once our EL2 tables are on, host RAM is not mapped.
	 */
	adr_l	x11, __boot_stack_top
	mov	sp, x11
	stp	x29, x30, [sp, #-48]!
	stp	x19, x20, [sp, #16]
	stp	x18, x10, [sp, #32]
	mov	x19, x9				/* the caller's DAIF */
	bl	hyp_boot_init			/* x0 = bi */
	cbnz	x0, 1f
	bl	__hyp_mmu_on
	bl	hyp_boot_finish			/* returns this CPU's EL2 stack top */
	mov	x9, x0
	mov	x10, x19
	ldp	x18, x11, [sp, #32]
	ldp	x19, x20, [sp, #16]
	ldp	x29, x30, [sp], #48
	msr	sp_el1, x11
	msr	elr_el2, x30
	mov	x12, #PSR_MODE_EL1h
	orr	x12, x12, x10
	msr	spsr_el2, x12
	mov	sp, x9
	mov	x0, #0
	.irp	n, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17
	mov	x\n, xzr
	.endr
	eret
1:	mov	x10, x19			/* failure: back to the caller at EL2 */
	ldp	x18, x11, [sp, #32]
	ldp	x19, x20, [sp, #16]
	ldp	x29, x30, [sp], #48
	mov	sp, x11
	msr	daif, x10
	ret
SYM_FUNC_END __hyp_install

/*
 * Switch this CPU to the hypervisor's EL2 translation regime (hyp_mmu_cfg:
 * MAIR, TCR, TTBR0, SCTLR). The MMU is off while TCR/MAIR/TTBR0 change, so no
 * walk ever mixes old and new settings; nothing but instruction fetch happens
 * in that window, and the loader cleaned this code to the PoC. Also the first
 * thing a secondary CPU does (its MMU is already off). Clobbers x0-x5.
 */
SYM_FUNC_START __hyp_mmu_on
	adr_l	x0, hyp_mmu_cfg
	ldp	x1, x2, [x0]
	ldp	x3, x4, [x0, #16]
	mrs	x5, sctlr_el2
	bic	x5, x5, #SCTLR_M
	msr	sctlr_el2, x5
	isb
	msr	mair_el2, x1
	msr	tcr_el2, x2
	msr	ttbr0_el2, x3
	isb
	tlbi	alle2				/* nothing from the old regime survives */
	dsb	nsh
	isb
	msr	sctlr_el2, x4
	isb
	ic	iallu
	dsb	nsh
	isb
	ret
SYM_FUNC_END __hyp_mmu_on

/*
 * PSCI CPU_ON/CPU_SUSPEND/SYSTEM_SUSPEND entry point the hypervisor gives
 * firmware: EL2, MMU and caches off, x0 = PA (== VA) of this CPU's
 * struct hyp_cpu. hyp_cpu_entry() sets up the CPU's EL2 state and ELR/SPSR
 * for the host's entry point, and returns the host's context id.
 */
SYM_FUNC_START __hyp_secondary_entry
	msr	daifset, #0xf
	mov	x19, x0
	bl	__hyp_mmu_on
	ldr	x1, [x19]			/* struct hyp_cpu.stack_top is first */
	mov	sp, x1
	mov	x0, x19
	bl	hyp_cpu_entry
	/* Hand over nothing of ours: PSCI defines only x0 at the entry point. */
	.irp	n, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
	mov	x\n, xzr
	.endr
	eret
SYM_FUNC_END __hyp_secondary_entry

/* ---- exception vectors -------------------------------------------------- */

.macro save_host_regs
	sub	sp, sp, #HOST_CTXT_SIZE
	stp	x0, x1, [sp, #16 * 0]
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	stp	x18, x19, [sp, #16 * 9]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
	str	x30, [sp, #16 * 15]
.endm

.macro restore_host_regs
	ldp	x0, x1, [sp, #16 * 0]
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
	ldp	x18, x19, [sp, #16 * 9]
	ldp	x20, x21, [sp, #16 * 10]
	ldp	x22, x23, [sp, #16 * 11]
	ldp	x24, x25, [sp, #16 * 12]
	ldp	x26, x27, [sp, #16 * 13]
	ldp	x28, x29, [sp, #16 * 14]
	ldr	x30, [sp, #16 * 15]
	add	sp, sp, #HOST_CTXT_SIZE
.endm

/*
 * A trap from the host (lower EL, AArch64). The body does not fit the
 * vector's 32 instructions: a direct branch to it (no prediction the host
 * can train) and the slot ends, checked by .org.
 */
.macro host_vector
	.balign	0x80
.Lvec\@:
	b	__host_sync
	.org	.Lvec\@ + 0x80
.endm

/*
 * Save the host's registers, harden against Spectre-v2/BHB as this CPU
 * needs (asm/spectre.h: struct hyp_cpu's vec_mitigation, set up by
 * spectre_cpu_setup()) before the first indirect branch at EL2 -- saving
 * registers takes none -- then handle the trap and return.
 */
SYM_FUNC_START __host_sync
	save_host_regs
	mrs	x0, tpidr_el2
	ldr	w1, [x0, #HYP_CPU_VEC_MITIGATION]
	cbz	w1, 3f
	tbz	w1, #0, 1f			/* VEC_MIT_BHB_LOOP */
	ldr	w2, [x0, #HYP_CPU_BHB_LOOPS]
0:	b	4f				/* k taken branches overwrite the history */
4:	subs	w2, w2, #1
	b.ne	0b
	dsb	nsh
	isb
1:	tbz	w1, #1, 2f			/* VEC_MIT_CLRBHB */
	hint	#22				/* CLRBHB */
	isb
2:	tbz	w1, #2, 3f			/* VEC_MIT_FW: every register is saved */
	ldr	w0, [x0, #HYP_CPU_FW_WORKAROUND]
	smc	#0
3:	mov	x0, sp
	bl	handle_host_trap
	restore_host_regs
	eret
SYM_FUNC_END __host_sync

/*
 * Anything else is a bug of ours or an exception that must not reach EL2.
 * It never returns, so it may clobber the host's EL0 thread registers to
 * switch to this CPU's panic stack first: the fault may be a stack overflow
 * into the guard page, where saving registers would fault again. The old SP
 * is kept in TPIDR_EL0 for the dump. Before el2_cpu_setup() TPIDR_EL2 may
 * not point at a hyp_cpu yet: then the firmware's vectors are installed.
 */
.macro bad_vector kind
	.balign	0x80
.Lvec\@:
	msr	tpidrro_el0, x0
	mov	x0, sp
	msr	tpidr_el0, x0
	mrs	x0, tpidr_el2
	ldr	x0, [x0, #HYP_CPU_PANIC_STACK_TOP]
	mov	sp, x0
	mrs	x0, tpidrro_el0
	save_host_regs
	mov	x0, sp
	mov	x1, #\kind
	bl	hyp_panic_exception
	b	.
	.org	.Lvec\@ + 0x80			/* one slot: an overflow is an assembler error */
.endm

	.section .text.vectors, "ax"
	.balign	0x800
	.globl	__hyp_vectors
__hyp_vectors:
	bad_vector 0	/* EL2t sync */
	bad_vector 1	/* EL2t IRQ */
	bad_vector 2	/* EL2t FIQ */
	bad_vector 3	/* EL2t SError */
	bad_vector 4	/* EL2h sync */
	bad_vector 5	/* EL2h IRQ */
	bad_vector 6	/* EL2h FIQ */
	bad_vector 7	/* EL2h SError */
	host_vector	/* lower EL AArch64 sync */
	bad_vector 9	/* lower EL AArch64 IRQ (HCR_EL2.IMO is 0: never) */
	bad_vector 10	/* lower EL AArch64 FIQ */
	bad_vector 11	/* lower EL AArch64 SError */
	bad_vector 12	/* lower EL AArch32: the host runs AArch64 only */
	bad_vector 13
	bad_vector 14
	bad_vector 15

	.bss
	.balign	16
__boot_stack:
	.space	16384
__boot_stack_top:
