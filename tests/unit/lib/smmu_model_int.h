/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The software SMMUv3's insides, shared by smmu_model.c (registers, command
 * queue, stream table, stage 2, TLB) and smmu_model_s1.c (context
 * descriptors, stage 1, nesting). Not for tests: they use smmu_model.h.
 * Field positions are IHI 0070's, written here independently of
 * drivers/smmuv3.
 */
#ifndef ISOHYP_TEST_SMMU_MODEL_INT_H
#define ISOHYP_TEST_SMMU_MODEL_INT_H

#include "smmu_model.h"

#define MASK(h, l) ((~0ull >> (63 - (h))) & (~0ull << (l)))
#define GET(v, h, l) (((v) & MASK(h, l)) >> (l))

/* IDR0 (6.3.1) bits the model looks at. */
#define IDR0_S2P (1u << 0)
#define IDR0_S1P (1u << 1)
#define IDR0_HYP (1u << 9)
#define IDR0_ATS (1u << 10)
#define IDR0_ASID16 (1u << 12)
#define IDR0_CD2L (1u << 19)

/* Event numbers (7.3). */
#define EVT_BAD_STREAMID SMMU_MODEL_EVT_C_BAD_STREAMID
#define EVT_BAD_STE SMMU_MODEL_EVT_C_BAD_STE
#define EVT_STREAM_DISABLED SMMU_MODEL_EVT_F_STREAM_DISABLED
#define EVT_BAD_SUBSTREAMID SMMU_MODEL_EVT_C_BAD_SUBSTREAMID
#define EVT_BAD_CD SMMU_MODEL_EVT_C_BAD_CD
#define EVT_TRANSLATION SMMU_MODEL_EVT_F_TRANSLATION
#define EVT_ADDR_SIZE SMMU_MODEL_EVT_F_ADDR_SIZE
#define EVT_ACCESS SMMU_MODEL_EVT_F_ACCESS
#define EVT_PERMISSION SMMU_MODEL_EVT_F_PERMISSION

/* TLB entry kinds: what a cached translation went through. */
enum tlb_kind { TLB_S2, TLB_S1, TLB_S12 };

/* One transaction in flight. */
struct xlate {
	u32 sid, ssid;
	bool ssv, write;
	u64 addr;
	bool use_tlb; /* TLB, walk cache and configuration caches */
	bool record; /* faults go to the event queue */
};

/* The stage-2 half of an STE, decoded (Config[1] == 1). */
struct ste_s2 {
	u16 vmid;
	unsigned int level, ia_bits;
	u64 ttb;
};

/* What a stage-2 walk found for an IPA. */
struct s2_out {
	u64 pa;
	unsigned int memattr, sh, s2ap;
};

extern const unsigned int smmu_model_ps_bits[8];

u64 smmu_mem_rd(const struct smmu_model *m, u64 addr);
bool smmu_attrs_ok(const struct smmu_model *m, u32 irgn, u32 orgn, u32 sh);
unsigned int smmu_oas_bits(const struct smmu_model *m);
/*
 * Terminate @x with event @id (stage 2 if @s2, of class @cls; @ipa for stage-2
 * faults) in @r, and write the record if @x records and @rec (R / S2R) allows.
 */
void smmu_fault(struct smmu_model *m, const struct xlate *x, u8 id, bool s2, u8 cls, u64 ipa,
		bool rec, struct smmu_dma *r);
/* Translate @ipa at stage 2 for @x's access (@write); 0 or the fault's event number. */
u8 smmu_s2_walk(struct smmu_model *m, const struct xlate *x, const struct ste_s2 *s2, u64 ipa,
		bool write, struct s2_out *o);
/* The caches and invalidation commands (smmu_model_cache.c). */
u64 smmu_walk_find(struct smmu_model *m, u16 vmid, u64 addr, unsigned int *level);
void smmu_walk_add(struct smmu_model *m, u16 vmid, u64 addr, unsigned int level, u64 table);
/* The stage-1 walk cache: the deepest entry for @va from @level (index, or -1). */
int smmu_s1walk_find(struct smmu_model *m, u16 vmid, u16 asid, u64 va, unsigned int level);
void smmu_s1walk_add(struct smmu_model *m, u16 vmid, u16 asid, u64 va, unsigned int level,
		     u64 table, bool no_write, bool no_user);
bool smmu_exec_inval(struct smmu_model *m, const u64 *c, struct smmu_cmd_log *l);
int smmu_tlb_find(struct smmu_model *m, enum tlb_kind kind, u16 vmid, u16 asid, u64 addr);
unsigned int smmu_tlb_add(struct smmu_model *m, enum tlb_kind kind, u16 vmid, u16 asid,
			  u64 addr, u64 pa);

/* smmu_model_s1.c: STE stage-1 fields, and a translation with stage 1 enabled. */
bool smmu_ste_s1_ok(const struct smmu_model *m, const u64 *ste, u32 config);
u16 smmu_ste_tag_vmid(const struct smmu_model *m, const u64 *ste);
struct smmu_dma smmu_s1_translate(struct smmu_model *m, const struct xlate *x, const u64 *ste,
				  const struct ste_s2 *s2);
void smmu_cd_cache_drop(struct smmu_model *m, u32 sid_lo, u32 sid_hi, bool all_ssids, u32 ssid);

#endif
