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
 *
 * STE.Config (5.2): abort (0b000), bypass (0b100), stage 1 only (0b101),
 * stage 2 only (0b110) and nested (0b111); a stage the SMMU does not
 * implement (IDR0.S1P/S2P) makes the STE ILLEGAL (C_BAD_STE). Stage 1 reads
 * the context descriptor (linear or 2-level CD table, SubstreamIDs up to
 * IDR1.SSIDSIZE) and walks AArch64 4 KiB-granule tables; in a nested STE the
 * CD table, every stage-1 table and the output address are IPAs, each
 * translated through stage 2 (a stage-2 fault there is recorded with S2 = 1
 * and CLASS = CD, TT or IN). smmu_model_s1.c has the stage-1 half; the rules
 * the model enforces beyond the spec are listed at smmu_ste_s1_ok() and
 * cd_ok() there.
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
#define SMMU_MODEL_CFG_CACHE 16

/* Event numbers (IHI 0070 7.3) the model records. */
#define SMMU_MODEL_EVT_C_BAD_STREAMID 0x02
#define SMMU_MODEL_EVT_C_BAD_STE 0x04
#define SMMU_MODEL_EVT_F_STREAM_DISABLED 0x06
#define SMMU_MODEL_EVT_C_BAD_SUBSTREAMID 0x08
#define SMMU_MODEL_EVT_C_BAD_CD 0x0a
#define SMMU_MODEL_EVT_F_TRANSLATION 0x10
#define SMMU_MODEL_EVT_F_ADDR_SIZE 0x11
#define SMMU_MODEL_EVT_F_ACCESS 0x12
#define SMMU_MODEL_EVT_F_PERMISSION 0x13
/* Not events: why a transaction ended without one (smmu_dma.fault only). */
#define SMMU_MODEL_GBPA_ABORT 0xff /* SMMUEN = 0 and GBPA.ABORT */
#define SMMU_MODEL_STE_ABORT 0xfe /* STE.Config = abort: no event (5.2) */

/* Event record CLASS (7.3, F_TRANSLATION and the like): what a stage-2 fault was for. */
#define SMMU_MODEL_CLASS_CD 0
#define SMMU_MODEL_CLASS_TT 1
#define SMMU_MODEL_CLASS_IN 2

/* What a DMA got: a translation, or the event the SMMU recorded. */
struct smmu_dma {
	bool ok;
	u8 event; /* 0 if none was recorded (or the queue was off/full) */
	u8 fault; /* the fault/event kind even if not recorded */
	u64 pa;
	unsigned int memattr, sh; /* stage-2 MemAttr[3:0] and SH of the leaf */
	/* Stage 1 enabled: its output (an IPA when nested, the PA when S1 only). */
	u64 ipa;
	/* A translation/address-size/access/permission fault: at stage 2?, its CLASS. */
	bool s2;
	u8 class;
};

/* An event record (7.3, 32 bytes) decoded: the fields the model writes. */
struct smmu_model_event {
	u8 type;
	bool ssv, rnw, s2;
	u8 class;
	u32 ssid, sid;
	u64 input_addr, ipa; /* ipa: IPA[51:12] of a stage-2 fault, else 0 */
};

struct smmu_cmd_log {
	u8 op;
	u16 vmid, asid;
	u32 sid, ssid; /* CFGI_*: the stream (and substream) named */
	u64 start, end; /* TLBI_S2_IPA, TLBI_NH_VA(A): the range it covers */
	bool all; /* TLBI_S12_VMALL, TLBI_NSNH_ALL: every stage-2 entry of VMID */
	bool leaf; /* TLBI_S2_IPA, TLBI_NH_VA(A) with Leaf = 1 */
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
	/*
	 * Cache configuration (STEs and CDs, up to SMMU_MODEL_CFG_CACHE each)
	 * until a CFGI_* empties it, as hardware may. Off (default, and the
	 * hidden-mode tests' setting): every DMA reads its STE and CD afresh.
	 */
	bool cache_config;
	/* Observations. */
	struct smmu_cmd_log log[SMMU_MODEL_LOG];
	unsigned int nr_log, nr_sync, nr_tlbi, nr_bad_cmds;
	/*
	 * Every stream ID's STE is checked when the SMMU is enabled and at each
	 * CFGI_ALL: V = 1 but C_BAD_STE for a DMA (half written, wrong field),
	 * or letting DMA past stage 2 (bypass, stage 1 only), counts in
	 * bad_stes; V = 0 or none in missing_stes. Abort and nested are fine.
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
	/*
	 * Leaf translations per 4 KiB page: stage 2 only (IPA -> PA, tagged by
	 * VMID), stage 1 only (VA -> PA) and nested (VA -> PA through both,
	 * s12), both tagged by VMID and ASID unless global (nG = 0). TLBI_S2_IPA
	 * drops stage-2 entries only: the spec does not make it drop combined
	 * ones (4.4.3; TLBI_S12_VMALL or TLBI_NH_* must), so the model keeps them.
	 */
	struct smmu_tlb_entry {
		bool valid, global;
		u8 kind; /* 0 stage 2, 1 stage 1, 2 nested */
		u16 vmid, asid;
		u64 page, pa, ipa; /* ipa: stage 1's output (stage 1 and nested) */
		unsigned int memattr, sh, s2ap, s1perm; /* s1perm: 1 read, 2 write */
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
		u16 vmid;
		unsigned int level;
		u64 ipa, table;
	} walk[SMMU_MODEL_WALK_CACHE];
	unsigned int walk_next, walk_hits;
	/*
	 * The stage-1 walk cache: the next table (an IPA when nested) that a
	 * table descriptor at @level gave for the @level-granule region at @va of
	 * (VMID, ASID), with the APTable limits gathered down to it. TLBI_NH_*
	 * empty it unless Leaf = 1; TLBI_S2_IPA does not (4.4).
	 */
	struct smmu_s1walk_entry {
		bool valid, no_write, no_user;
		u16 vmid, asid;
		unsigned int level;
		u64 va, table;
	} s1walk[SMMU_MODEL_WALK_CACHE];
	unsigned int s1walk_next, s1walk_hits;
	/* Configuration caches (cache_config), and how often each was hit. */
	struct {
		bool valid;
		u32 sid;
		u64 ste[8];
	} ste_cache[SMMU_MODEL_CFG_CACHE];
	struct {
		bool valid;
		u32 sid, ssid;
		u64 cd[8];
	} cd_cache[SMMU_MODEL_CFG_CACHE];
	unsigned int ste_cache_next, cd_cache_next, ste_cache_hits, cd_cache_hits;
	/* The last event record written to the queue (has_last_evt). */
	u64 last_evt[4];
	bool has_last_evt;
	/*
	 * Addresses a device keeps using: each is translated afresh (no TLB)
	 * whenever the SMMU consumes a command, and a failure is counted -- an
	 * invalid window of break-before-make shows up here. transient_bad
	 * counts the failures other than an abort STE's (a half-written STE,
	 * a wrong CD or table): none is allowed even where an update goes
	 * through abort.
	 */
	u64 watch[16];
	u32 watch_sid[16]; /* the stream of each (0 unless set) */
	unsigned int nr_watch, transient_faults, transient_bad;
	/*
	 * Called at every step software makes the SMMU take: after each
	 * register write took effect (@reg its offset) and after each command
	 * it executed (@reg SMMU_MODEL_STEP_CMD, @op its opcode) -- so a test
	 * can drive DMA at every point of the driver's work.
	 */
	void (*on_step)(struct smmu_model *m, u64 reg, u8 op);
	/*
	 * Optional, for a fuzz target whose tables hold any address: which
	 * physical addresses are memory. A read of anything else returns 0 (an
	 * empty bus, not a wild host pointer), a write there is dropped.
	 */
	bool (*mem_backed)(u64 addr);
	/*
	 * Optional: called with the PA of each read the SMMU makes for a
	 * stream's stage 1 -- L1CD, CD, stage-1 table descriptor -- after stage
	 * 2 when nested: the memory a DMA reaches besides its output address.
	 */
	void (*on_s1_read)(struct smmu_model *m, u64 pa);
};

#define SMMU_MODEL_STEP_CMD (~0ull)

/*
 * QEMU 10's virt SMMU with arm-smmuv3.stage=nested, as ARCHITECTURE.md
 * section 7 reads it: IDR0 has S1P and S2P (and VMID16, ASID16; no CD2L,
 * no HYP, no ATS), IDR1 SSIDSIZE 0 (no substreams).
 */
#define SMMU_MODEL_IDR0_QEMU 0x0D44101BU
#define SMMU_MODEL_IDR1_QEMU 0x02730010U
#define SMMU_MODEL_IDR3_QEMU 0x1414U
#define SMMU_MODEL_IDR5_QEMU 0x74U

/* The same SMMU with arm-smmuv3.stage=2 (S1P = 0) or stage=1 (S2P = 0, no VMID16). */
#define SMMU_MODEL_IDR0_QEMU_S2 (SMMU_MODEL_IDR0_QEMU & ~0x2U)
#define SMMU_MODEL_IDR0_QEMU_S1 (SMMU_MODEL_IDR0_QEMU & ~0x1U & ~(1U << 18))

enum smmu_model_stages { SMMU_MODEL_NESTED, SMMU_MODEL_S2_ONLY, SMMU_MODEL_S1_ONLY };

void smmu_model_init(struct smmu_model *m, u64 pa, u32 idr0, u32 idr1, u32 idr3, u32 idr5);
/*
 * QEMU 10's SMMU (IDR1/3/5 above) with the stages of @stages; @ssidsize sets
 * IDR1.SSIDSIZE (QEMU's is 0), @cd2l IDR0.CD2L (QEMU's is 0).
 */
void smmu_model_init_qemu(struct smmu_model *m, u64 pa, enum smmu_model_stages stages,
			  unsigned int ssidsize, bool cd2l);
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
/* The same with a SubstreamID (SSV = 1, PCIe PASID): @ssid selects the CD. */
struct smmu_dma smmu_model_dma_ssid(struct smmu_model *m, u32 sid, u32 ssid, u64 addr,
				    bool write);
/* Decode the event record @rec (as the model writes it, 7.3). */
void smmu_model_event_decode(const u64 rec[4], struct smmu_model_event *e);
/* The last record the model wrote to its event queue; false if none since init. */
bool smmu_model_last_event(const struct smmu_model *m, struct smmu_model_event *e);
/* Is there a stage-1/nested TLB entry of (VMID, ASID) for @va (global ones match any ASID)? */
bool smmu_model_tlb_has_s1(const struct smmu_model *m, u16 vmid, u16 asid, u64 va);
/* Did log entries [from, nr_log) invalidate @addr's page and then sync? */
bool smmu_model_invalidated(const struct smmu_model *m, unsigned int from, u64 addr);
/* Is there a stage-2-only TLB entry for IPA @addr (any VMID)? */
bool smmu_model_tlb_has(const struct smmu_model *m, u64 addr);

#endif
