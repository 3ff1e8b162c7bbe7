/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host unit tests of the software SMMUv3 itself (smmu_model_test,
 * smmu_model_inval_test): a model brought up without any driver, and STEs,
 * CDs, stage-1 and stage-2 tables, commands and event records written and
 * read with this file's own encodings of IHI 0070 and VMSAv8-64 -- never
 * with drivers/smmuv3 or the model's own field macros.
 *
 * Memory: the model reads "physical" memory as host pointers, and its OAS is
 * 44 bits, so everything lives in an arena mapped below 2 GiB (under ASan's
 * shadow). IPAs are PAs + IPA_OFF, so an IPA used as a PA (or the reverse)
 * reads the wrong memory and fails.
 */
#ifndef ISOHYP_TEST_SMMU_RIG_H
#define ISOHYP_TEST_SMMU_RIG_H

#include "smmu_model.h"

#define SMMU 0x9050000ull
#define ARENA_SIZE (4ull << 20)
#define IPA_OFF 0x100000000ull
#define VMID 5
#define ASID 0x42
#define VA 0x12345000ull

/* Register offsets (6.3). */
#define CR0 0x20
#define CMDQ_PROD 0x98
#define CR0_ON 0xdu /* SMMUEN | EVTQEN | CMDQEN */

#define BIT(n) (1ull << (n))

#define S2_PAGE_RW (3ull | 0xfull << 2 | 3ull << 6 | 3ull << 8 | BIT(10))
#define S2_PAGE_RO (3ull | 0xfull << 2 | 1ull << 6 | 3ull << 8 | BIT(10))
#define S1_PAGE (3ull | BIT(6) | BIT(10) | BIT(11)) /* EL0 access, AF, nG */
#define S1_RO BIT(7)

#define EXPECT_EVENT(e, typ, s2_, cls)                                   \
	do {                                                             \
		EXPECT_EQ((unsigned int)(typ), (unsigned int)(e).type);  \
		EXPECT_EQ((unsigned int)(s2_), (unsigned int)(e).s2);    \
		EXPECT_EQ((unsigned int)(cls), (unsigned int)(e).class); \
	} while (0)

extern struct smmu_model smmu;
extern u64 arena;
extern bool nested; /* tables and CD pointers are IPAs */

/* A PA as a pointer; a zeroed arena page; a PA's IPA; a table address as stage 1 names it. */
u64 *ptr(u64 pa);
u64 page(void);
u64 ipa_of(u64 pa);
u64 s1_addr(u64 pa);
/* Stage 2 (40-bit IPA, start level 0): the leaf of @ipa (tables made), map, map the arena. */
u64 *s2_pte(u64 ipa);
void s2_map(u64 ipa, u64 pa, u64 attrs);
void s2_map_arena(void);
/* Stage 1: the level-@leaf descriptor of @va from level @start; the level-3 one at T0SZ 25. */
u64 *s1_desc(u64 root, u64 va, unsigned int start, unsigned int leaf);
u64 *s1_pte(u64 root, u64 va);
/* STEs (linear table of 64) and CDs. */
u64 *ste(u32 sid);
void ste_set(u32 sid, u32 config, u64 ctx, u32 cdmax, u32 fmt, u32 dss);
void cd_set(u64 cd_pa, u16 asid, u64 ttb_pa);
/* The event queue (32 entries) and the command queue (64). */
struct smmu_model_event evt_at(u32 i);
u32 nr_events(void);
bool cmd(u64 c0, u64 c1);
bool cmd_sync(void);
/* A fresh model (QEMU's IDRs with @stages, @ssidsize, @cd2l) over a zeroed arena, enabled. */
void rig_up(enum smmu_model_stages stages, unsigned int ssidsize, bool cd2l);
/* Stream 1 with one CD (ASID) at @cd mapping VA -> @data: stage 1 only. */
void rig_s1_setup(u64 cd, u64 *root, u64 data);
/* The same nested: stage 1 maps VA -> ipa_of(@data), stage 2 the whole arena. */
void rig_nested_setup(u64 cd, u64 *root, u64 data);

#endif
