/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host unit tests: a software SMMUv3 (IHI 0070), written from the spec for
 * the tests and sharing nothing with drivers/smmuv3. It keeps its own
 * registers behind the fake MMIO accessors, consumes the command queue when
 * PROD is written (validating every command), walks the stream table and the
 * stage-2 tables itself for a DMA, caches translations in a small TLB and
 * table descriptors in a walk cache that only invalidation commands empty (a
 * TLBI_S2_IPA with Leaf = 1 keeps the walk cache, as the spec allows), and
 * records faults in the event queue.
 * Knobs make it misbehave: a command queue that never drains, CMD_SYNCs that
 * complete late, a CR0ACK that never follows, commands it calls illegal, a
 * loss of power -- or make it non-coherent.
 */
#ifndef ISOHYP_TEST_SMMU_MODEL_H
#define ISOHYP_TEST_SMMU_MODEL_H

#include <isohyp/types.h>

#define SMMU_MODEL_TLB 64
#define SMMU_MODEL_WALK_CACHE 64
#define SMMU_MODEL_LOG 8192

/* What a DMA got: a translation, or the event the SMMU recorded. */
struct smmu_dma {
	bool ok;
	u8 event; /* 0 if none was recorded (or the queue was off/full) */
	u8 fault; /* the fault/event kind even if not recorded */
	u64 pa;
	unsigned int memattr, sh; /* stage-2 MemAttr[3:0] and SH of the leaf */
};

struct smmu_cmd_log {
	u8 op;
	u16 vmid;
	u64 start, end; /* TLBI_S2_IPA: the IPA range it covers */
	bool all; /* invalidates everything of VMID 0 */
	bool leaf; /* TLBI_S2_IPA with Leaf = 1: walk caches kept */
};

struct smmu_model {
	u64 pa; /* register window [pa, pa + 0x20000) */
	u32 idr[6];
	u32 cr0, cr0ack, cr1, cr2, gbpa, gerror, gerrorn, irq_ctrl, irq_ctrlack;
	u32 strtab_base_cfg;
	u64 strtab_base, cmdq_base, evtq_base;
	u32 cmdq_prod, cmdq_cons, evtq_prod, evtq_cons;
	/* Knobs. */
	bool cmdq_stuck, cr0ack_stuck;
	/*
	 * The next @late_syncs CMD_SYNCs complete late: the SMMU stops in
	 * front of each until software writes CMDQ_PROD again (by then the
	 * driver's wait for it has given up), then executes it and goes on.
	 */
	unsigned int late_syncs;
	bool holding_sync;
	/* GBPA ignores every write (an SMMU that cannot be made to abort). */
	bool gbpa_stuck;
	/*
	 * Not coherent: tables and queues are read, and events written, at the
	 * PoC (lib/poc_memory.c), and walks must be asked for Non-cacheable.
	 * Coherent (default): they must be asked for write-back and shareable.
	 */
	bool noncoherent;
	u8 illegal_op; /* treat this opcode as illegal (0: none) */
	/* Observations. */
	struct smmu_cmd_log log[SMMU_MODEL_LOG];
	unsigned int nr_log, nr_sync, nr_tlbi, nr_bad_cmds;
	/*
	 * Every stream ID's STE is checked when the SMMU is enabled and at each
	 * CFGI_ALL: valid but not a complete stage-2 STE (half written, wrong
	 * field) counts in bad_stes; missing ones in missing_stes.
	 */
	unsigned int ste_checks, bad_stes, missing_stes;
	/* CR1 at enable asked for table/queue attributes that do not fit coherency. */
	bool bad_cr1;
	/*
	 * Register writes software made while the SMMU let every transaction
	 * through untranslated (SMMUEN = 0 and GBPA.ABORT = 0), other than the
	 * GBPA write that ends that: after a loss of power, a driver that fails
	 * closed makes none. And how often power was lost.
	 */
	unsigned int writes_in_bypass, nr_power_losses;
	struct {
		bool valid;
		u64 page, pa;
		unsigned int memattr, sh, s2ap;
	} tlb[SMMU_MODEL_TLB];
	unsigned int tlb_next;
	/*
	 * The walk cache: the table a table descriptor at @level pointed to
	 * for the @level-granule region at @ipa. A DMA that misses the TLB
	 * starts its walk at the deepest cached table; TLBI_S2_IPA with Leaf
	 * = 0 drops the entries of regions it overlaps, with Leaf = 1 none.
	 */
	struct {
		bool valid;
		unsigned int level;
		u64 ipa, table;
	} walk[SMMU_MODEL_WALK_CACHE];
	unsigned int walk_next, walk_hits;
	/*
	 * Addresses a device keeps using: each is translated afresh (no TLB)
	 * whenever the SMMU consumes a command, and a failure is counted -- an
	 * invalid window of break-before-make shows up here.
	 */
	u64 watch[16];
	unsigned int nr_watch, transient_faults;
	/*
	 * Called at every step software makes the SMMU take: after each
	 * register write took effect (@reg its offset) and after each command
	 * it executed (@reg SMMU_MODEL_STEP_CMD, @op its opcode) -- so a test
	 * can drive DMA at every point of the driver's work.
	 */
	void (*on_step)(struct smmu_model *m, u64 reg, u8 op);
};

#define SMMU_MODEL_STEP_CMD (~0ull)

/* QEMU 10's virt SMMU, as ARCHITECTURE.md section 7 reads it. */
#define SMMU_MODEL_IDR0_QEMU 0x0D44101BU
#define SMMU_MODEL_IDR1_QEMU 0x02730010U
#define SMMU_MODEL_IDR3_QEMU 0x1414U
#define SMMU_MODEL_IDR5_QEMU 0x74U

void smmu_model_init(struct smmu_model *m, u64 pa, u32 idr0, u32 idr1, u32 idr3, u32 idr5);
void smmu_model_remove(struct smmu_model *m);
/*
 * Lose power (or be reset behind the driver's back): every register back to
 * its architectural reset value -- CR0/CR0ACK 0, queues and stream table
 * base 0, GBPA as this model resets it (0x1000: bypass, like QEMU's) -- and
 * every cached translation and configuration gone. Memory is untouched.
 */
void smmu_model_power_loss(struct smmu_model *m);
/* A transaction from stream @sid to @addr; records an event on a fault. */
struct smmu_dma smmu_model_dma(struct smmu_model *m, u32 sid, u64 addr, bool write);
/* Did log entries [from, nr_log) invalidate @addr's page and then sync? */
bool smmu_model_invalidated(const struct smmu_model *m, unsigned int from, u64 addr);
bool smmu_model_tlb_has(const struct smmu_model *m, u64 addr);

#endif
