/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The SMMUv3 driver's internal API (ARCHITECTURE.md section 6), shared by its
 * parts: smmuv3.c (probe, takeover, the iommu ops), cmdq.c (commands and
 * CMD_SYNC), evtq.c (events and global errors), strtab.c (the stream table),
 * io_pgtable.c (the identity stage-2 and its invalidation), nested.c (nested
 * mode: the register file the host's driver sees). Registers and formats are
 * in regs.h.
 *
 * Lock order: an emulated register file's region lock (nested mode), then
 * the iommu core's caller's lock (host_mmu.lock), then an SMMU's lock, then
 * the page pool's (a leaf: level-2 tables are allocated under an SMMU's lock).
 * smmu->lock covers its queues and registers.
 */
#ifndef ISOHYP_SMMUV3_H
#define ISOHYP_SMMUV3_H

#include <asm/cache.h>
#include <asm/spinlock.h>
#include <isohyp/boot_info.h>
#include <isohyp/delay.h>
#include <isohyp/iommu.h>
#include <isohyp/page_alloc.h>
#include <isohyp/pgtable.h>

#include "arm_smmu_v3.h"
#include "regs.h"

struct arm_smmu_queue {
	u64 *base;
	u32 log2size;
	u32 dwords; /* per entry */
	u32 prod, cons; /* shadow, with the wrap bit */
	u64 base_reg, prod_reg, cons_reg; /* offsets */
};

/*
 * The registers the watchdog compares (smmuv3.c, smmu_watchdog()): as read
 * back right after the driver programmed them, so bits an implementation
 * keeps RAZ/WI (a hint like RA) never look like a change.
 */
struct arm_smmu_regs_set {
	u64 strtab_base, cmdq_base, evtq_base;
	u32 strtab_base_cfg, cr0;
};

struct smmu_nested;

struct arm_smmu_device {
	volatile u8 *base;
	u64 pa, size;
	u32 mode; /* enum boot_smmu_mode */
	struct smmu_nested *nested; /* nested mode: what the host sees (nested.c) */
	/*
	 * Nested mode: the host's stage 1 may have been live, so the SMMU may
	 * cache nested (stage 1 + 2) translations, which TLBI_S2_IPA need not
	 * remove: a stage-2 change invalidates the whole VMID instead
	 * (io_pgtable.c). Set under host_mmu.lock, never cleared.
	 */
	bool s1_live;
	/*
	 * Nested mode: the watchdog took the SMMU over again and rewrote the
	 * stream table as hidden mode's (and cleared IRQ_CTRL): the next
	 * emulated access redoes the host's shadow (nested.c).
	 */
	bool reshadow;
	u32 idr0, idr1, idr3, idr5;
	u32 fw_cr0, fw_gbpa; /* as firmware left them, to hand back on failure */
	bool touched; /* reset started: registers no longer as firmware left them */
	/* Taken over and enabled: the watchdog compares against @set from now on. */
	bool live;
	/*
	 * Dead (SMMU_BROKEN_TIMEOUTS consecutive command timeouts, or a
	 * re-initialisation that failed): no command is issued to it and no
	 * wait is made on it again; it aborts every transaction (GBPA.ABORT,
	 * SMMUEN cleared) and every ownership change fails with -EIO.
	 */
	bool broken;
	u32 nr_timeouts; /* consecutive, under lock; 0 after a CMD_SYNC completes */
	/*
	 * The call (hyp_call_id()) in which a wait on it last timed out: in
	 * that call, later waits on it only look once (smmu_wait_deadline()).
	 */
	u64 timeout_call;
	u64 nr_reinits; /* times the watchdog found it reset and took it over again */
	struct arm_smmu_regs_set set;
	u32 sid_bits;
	u32 oas_bits;
	bool two_level;
	bool ril;
	bool coherent; /* table and queue accesses snoop the CPU's caches */
	struct arm_smmu_queue cmdq, evtq;
	u64 *strtab; /* linear table, or level 1 */
	u64 *l2_strtab; /* the one level-2 table every level-1 descriptor shares */
	u32 strtab_pages;
	hyp_spinlock_t lock; /* queues and registers */
	/* Event accounting, under lock. */
	u64 nr_s2_faults, nr_other_events, last_fault_addr;
	u32 nr_fault_logs;
	/* The last event logged, and how many like it followed. */
	u64 logged_key, logged_page;
	u32 nr_like_logged;
};

/* What the driver asked of the hardware, for tests and benchmarks. */
struct arm_smmu_stats {
	u64 nr_cmds, nr_tlbi, nr_sync;
};

/* smmuv3.c: the SMMUs, their page pool. */
extern struct arm_smmu_device smmus[BOOT_INFO_MAX_SMMUS];
extern unsigned int nr_smmus;
extern struct hyp_pool *smmu_pool;
/* Poll register @off until (value & mask) == want: 0 or -ETIMEDOUT. */
int smmu_wait_reg(struct arm_smmu_device *smmu, u64 off, u32 mask, u32 want);
/*
 * The deadline of one wait on @smmu: SMMU_POLL_TIMEOUT_US -- or none (one
 * look) when a wait on it already timed out in this call, so that no call
 * waits out more than one timeout per SMMU, whatever locks it holds.
 */
hyp_deadline_t smmu_wait_deadline(struct arm_smmu_device *smmu);
/* A wait's deadline passed: true if it was a real wait (the call's one timeout). */
bool smmu_wait_timed_out(struct arm_smmu_device *smmu);
/* Under smmu->lock: stop using it for good, make it abort all DMA. */
void smmu_mark_broken_locked(struct arm_smmu_device *smmu, const char *why);
/*
 * Compare what the SMMU holds with what the driver programmed; when it lost
 * its state, take it over again before returning (or mark it broken). Any
 * lock but smmu->lock may be held.
 */
void smmu_watchdog(struct arm_smmu_device *smmu);

/* cmdq.c: commands, and CMD_SYNC with a bounded wait. Callers hold smmu->lock. */
int smmu_cmdq_init(struct arm_smmu_device *smmu, struct hyp_pool *pool);
void smmu_cmdq_program(struct arm_smmu_device *smmu);
int smmu_cmdq_issue(struct arm_smmu_device *smmu, const u64 *cmd);
int smmu_cmdq_sync(struct arm_smmu_device *smmu);
void smmu_cmdq_skip_err(struct arm_smmu_device *smmu);
void smmu_build_opcode(u64 *cmd, u8 op);
void smmu_build_cfgi_all(u64 *cmd);
void smmu_build_vmall(u64 *cmd, u16 vmid);
void smmu_build_tlbi_s2_ipa(u64 *cmd, u64 addr, u32 num, u32 scale, bool range);
extern struct arm_smmu_stats arm_smmu_stats;

/* evtq.c: events drained and counted, global errors. Callers hold smmu->lock. */
int smmu_evtq_init(struct arm_smmu_device *smmu, struct hyp_pool *pool);
void smmu_evtq_program(struct arm_smmu_device *smmu);
void smmu_evtq_drain(struct arm_smmu_device *smmu);
int smmu_gerror_check(struct arm_smmu_device *smmu);
const char *smmu_event_name(u8 id);

/* strtab.c: the stream table and the STE every stream ID gets. */
int smmu_strtab_init(struct arm_smmu_device *smmu, struct hyp_pool *pool,
		     const struct kvm_pgtable *pgt);
/* Rewrite every STE (and level-1 descriptor) and program the base registers. */
void smmu_strtab_write(struct arm_smmu_device *smmu, const struct kvm_pgtable *pgt);
void smmu_ste_s2(u64 *ste, const struct kvm_pgtable *pgt, u32 oas_bits, bool coherent);

/*
 * nested.c: an SMMU in nested mode. At registration (after the probe, before
 * the host runs): the host's view of it -- ID registers of a stage-1-only
 * SMMU, everything else at its reset value -- and its register window
 * routed to the emulation. 0, or -errno (the MMIO table is full).
 */
int smmu_nested_register(struct arm_smmu_device *smmu, u32 host_ia_bits);
/*
 * After the takeover (the real stream table exists): every stream's STE as
 * the host's reset state asks (GBPA). 0 or -errno.
 */
int smmu_nested_start(struct arm_smmu_device *smmu, struct hyp_pool *pool);

/* io_pgtable.c: the identity stage-2 every STE points at. */
extern struct kvm_pgtable smmu_idmap;
int smmu_idmap_init(u32 host_ia_bits);
int smmu_host_stage2_idmap(phys_addr_t start, phys_addr_t end, int prot);
int smmu_host_stage2_idmap_ranges(const struct kvm_pgtable_range *r, u32 nr, int prot);
void smmu_idmap_info(struct kvm_iommu_info *info);

#include <asm/io.h>

static inline u32 smmu_read(struct arm_smmu_device *smmu, u64 off)
{
	return readl_relaxed(smmu->base + off);
}

static inline void smmu_write(struct arm_smmu_device *smmu, u64 off, u32 v)
{
	writel(v, smmu->base + off);
}

static inline void smmu_write64(struct arm_smmu_device *smmu, u64 off, u64 v)
{
	writeq(v, smmu->base + off);
}

static inline u64 smmu_read64(struct arm_smmu_device *smmu, u64 off)
{
	return readq_relaxed(smmu->base + off);
}

/*
 * A non-coherent SMMU (ARCHITECTURE.md section 6) reads tables and queues
 * from the PoC with Non-cacheable attributes: what the CPU wrote for it is
 * cleaned there first, and what it wrote is read only after the CPU's copy is
 * invalidated. A coherent one needs neither.
 */
static inline void smmu_sync_for_device(const struct arm_smmu_device *smmu, const void *p,
					size_t size)
{
	if (!smmu->coherent)
		dcache_clean_poc(p, size);
}

static inline void smmu_sync_for_cpu(const struct arm_smmu_device *smmu, const void *p,
				     size_t size)
{
	if (!smmu->coherent)
		dcache_inval_poc(p, size);
}

/* Queues: PROD/CONS hold an index and, right above it, the wrap bit (3.5). */
static inline u32 q_idx(const struct arm_smmu_queue *q, u32 p)
{
	return p & (BIT(q->log2size) - 1);
}

static inline u32 q_wrp(const struct arm_smmu_queue *q, u32 p)
{
	return p & BIT(q->log2size);
}

static inline u32 q_inc(const struct arm_smmu_queue *q, u32 p)
{
	return (p + 1) & (BIT(q->log2size + 1) - 1);
}

static inline bool q_full(const struct arm_smmu_queue *q)
{
	return q_idx(q, q->prod) == q_idx(q, q->cons) && q_wrp(q, q->prod) != q_wrp(q, q->cons);
}

static inline bool q_empty(const struct arm_smmu_queue *q)
{
	return q->prod == q->cons;
}

static inline u64 smmu_queue_bytes(const struct arm_smmu_queue *q)
{
	return BIT(q->log2size) * q->dwords * sizeof(u64);
}

/* Program @q's base and make it empty (again, after the SMMU was reset). */
static inline void smmu_queue_program(struct arm_smmu_device *smmu, struct arm_smmu_queue *q)
{
	q->prod = q->cons = 0;
	smmu_write64(smmu, q->base_reg,
		     Q_BASE_RWA | FIELD_PREP(Q_BASE_ADDR, (u64)(uintptr_t)q->base >> 5) |
			     FIELD_PREP(Q_BASE_LOG2SIZE, q->log2size));
	smmu_write(smmu, q->prod_reg, 0);
	smmu_write(smmu, q->cons_reg, 0);
}

/*
 * A queue of 2^min(@log2size, what IDR1 allows: @idr_log2size) entries, in
 * whole pages aligned to its size as Q_BASE requires (6.3.23), programmed
 * empty.
 */
static inline int smmu_queue_init(struct arm_smmu_device *smmu, struct arm_smmu_queue *q,
				  struct hyp_pool *pool, u32 log2size, u32 idr_log2size, u32 dwords,
				  u64 base_reg, u64 prod_reg, u64 cons_reg)
{
	u64 bytes;

	q->log2size = idr_log2size < log2size ? idr_log2size : log2size;
	q->dwords = dwords;
	bytes = smmu_queue_bytes(q);
	q->base = hyp_alloc_pages_contig(pool, ALIGN_UP(bytes, SZ_4K) / SZ_4K);
	if (!q->base)
		return -ENOMEM;
	q->base_reg = base_reg;
	q->prod_reg = prod_reg;
	q->cons_reg = cons_reg;
	smmu_queue_program(smmu, q);
	return 0;
}

#endif /* ISOHYP_SMMUV3_H */
