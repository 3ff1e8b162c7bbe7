/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * MMIO trap-and-emulate (ARCHITECTURE.md section 9, hyp/mmio.c). A device
 * the hypervisor mediates registers its register range as an *emulated*
 * region: the range becomes the hypervisor's in the host stage-2 (unmapped
 * for the host's CPUs and for DMA), so each host access is a stage-2 data
 * abort. The abort is decoded from ESR_EL2 into a struct mmio_access and
 * handed to the region's handler with (offset, size, value); a load gets the
 * handler's value, zero- or sign-extended as the instruction asks, and the
 * instruction is skipped. What the syndrome cannot describe exactly (ISV = 0:
 * load/store pair, writeback, SIMD, atomics, cache maintenance) gets an
 * injected external abort, never a guess.
 *
 * Handlers run with their region's lock held, on the CPU that trapped, and
 * must not call back into the trap path. They validate every value before
 * the hardware sees it.
 */
#ifndef ISOHYP_MMIO_H
#define ISOHYP_MMIO_H

#include <asm/spinlock.h>
#include <isohyp/types.h>

/* One decoded data abort (Arm ARM D23.2.41 ESR_EL2, ISS of a Data Abort). */
struct mmio_access {
	unsigned int size; /* bytes: 1, 2, 4 or 8 (SAS) */
	unsigned int srt; /* transfer register: 0..30, 31 is XZR (SRT) */
	bool write; /* WnR */
	bool sign_extend; /* SSE: a load that sign-extends */
	bool sf; /* SF: the register is 64-bit (Xn), else 32-bit (Wn) */
};

/*
 * Decode a data abort's syndrome. 0, or -EINVAL when the access cannot be
 * emulated from the syndrome alone (not a data abort, ISV = 0, cache
 * maintenance, a stage-1 walk).
 */
int mmio_decode(u64 esr, struct mmio_access *acc);

/*
 * A load's result as the register receives it: @val truncated to the
 * access size, then sign-extended (SSE) to 32 or 64 bits (SF), or
 * zero-extended; a 32-bit destination has its upper half cleared.
 */
u64 mmio_load_result(const struct mmio_access *acc, u64 val);

struct hyp_mmio_ops {
	/* @offset from the region's base, @size 1/2/4/8. 0, or -errno: abort. */
	int (*read)(void *priv, u64 offset, unsigned int size, u64 *val);
	int (*write)(void *priv, u64 offset, unsigned int size, u64 val);
};

struct hyp_mmio_region {
	const char *name;
	u64 base, size; /* page aligned */
	const struct hyp_mmio_ops *ops;
	void *priv;
	hyp_spinlock_t lock; /* held around each handler call */
	u64 nr_reads, nr_writes, nr_refused; /* statistics, under lock */
};

/*
 * At boot only: make @r's range the hypervisor's in the host stage-2 (page
 * state 4, "MMIO owned by the hypervisor") and route host accesses to @r.
 * The region must not overlap another; mapping it at EL2 is the caller's.
 * 0, -EINVAL (misaligned, overlapping), -ENOSPC (table full), or what
 * host_stage2_protect_hyp() returned.
 */
int hyp_mmio_register(struct hyp_mmio_region *r);

/*
 * At boot only: stop routing host accesses to @r; its range stays the
 * hypervisor's. For a device that registered and then failed its setup
 * (and for unit tests that boot many times). No-op if @r is not registered.
 */
void hyp_mmio_unregister(struct hyp_mmio_region *r);

/* The region that emulates @addr, or NULL. */
struct hyp_mmio_region *hyp_mmio_find(u64 addr);

/*
 * Emulate one decoded access to @addr in @r on the host registers @regs
 * (x0..x30): a store passes regs[srt] (0 for XZR, the low 32 bits for a W
 * register), a load writes the extended result to regs[srt] unless it is
 * XZR. 0 when done (the caller skips the instruction), -errno when the
 * handler refused (the caller injects an abort; no register changed).
 */
int hyp_mmio_emulate(struct hyp_mmio_region *r, u64 addr, const struct mmio_access *acc,
		     u64 *regs);

/* Emulated accesses so far, every region (statistics). */
u64 hyp_mmio_nr_accesses(void);

#endif /* ISOHYP_MMIO_H */
