// SPDX-License-Identifier: GPL-2.0-only
/* The SMMU model tests' rig (see smmu_rig.h). */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "smmu_rig.h"
#include <asm/io.h>

u64 arena;
static u64 next_page;
struct smmu_model smmu;
bool nested; /* tables and CD pointers are IPAs */
static u64 s2_root;
static u64 cmdq_prod;

u64 *ptr(u64 pa)
{
	return (u64 *)(uintptr_t)pa;
}

static void arena_map(void)
{
	u64 at;

	for (at = 0x40000000; !arena && at < 0x78000000; at += 0x8000000) {
		void *p = mmap((void *)(uintptr_t)at, ARENA_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

		if (p == (void *)(uintptr_t)at)
			arena = at;
		else if (p != MAP_FAILED)
			munmap(p, ARENA_SIZE);
	}
	if (!arena)
		abort();
}

u64 page(void)
{
	u64 pa = next_page;

	next_page += 4096;
	if (next_page > arena + ARENA_SIZE)
		abort();
	memset(ptr(pa), 0, 4096);
	return pa;
}

u64 ipa_of(u64 pa)
{
	return pa + IPA_OFF;
}

/* A table or CD pointer as stage 1 names it: an IPA when nested. */
u64 s1_addr(u64 pa)
{
	return nested ? ipa_of(pa) : pa;
}

/* ---- stage 2: 40-bit IPA, start level 0, 4 KiB (VMSAv8-64 stage-2 descriptors) ---- */

u64 *s2_pte(u64 ipa)
{
	u64 table = s2_root;
	unsigned int level;

	for (level = 0; level < 3; level++) {
		u64 *d = ptr(table) + ((ipa >> (39 - 9 * level)) & 511);

		if (!(*d & 1))
			*d = page() | 3;
		table = *d & 0xfffffffff000ull;
	}
	return ptr(table) + ((ipa >> 12) & 511);
}

void s2_map(u64 ipa, u64 pa, u64 attrs)
{
	*s2_pte(ipa) = pa | attrs;
}

/* ---- stage 1: 39-bit VA (T0SZ 25), start level 1, 4 KiB ------------------------ */

/* The level-@leaf descriptor of @va under @root (a PA) from level @start, making tables. */
u64 *s1_desc(u64 root, u64 va, unsigned int start, unsigned int leaf)
{
	u64 table = root;
	unsigned int level;

	for (level = start; level < leaf; level++) {
		u64 *d = ptr(table) + ((va >> (39 - 9 * level)) & 511);

		if (!(*d & 1))
			*d = s1_addr(page()) | 3;
		table = (*d & 0xfffffffff000ull) - (nested ? IPA_OFF : 0);
	}
	return ptr(table) + ((va >> (39 - 9 * leaf)) & 511);
}

/* The level-3 descriptor of @va in a T0SZ 25 (start level 1) table. */
u64 *s1_pte(u64 root, u64 va)
{
	return s1_desc(root, va, 1, 3);
}

/* ---- STEs and CDs (5.2, 5.4) ----------------------------------------------------- */

u64 *ste(u32 sid)
{
	return ptr(arena) + sid * 8;
}

static void ste_s2_fields(u64 *s, u16 vmid)
{
	/* VMID, S2T0SZ 24, S2SL0 2, S2IR0/S2OR0 WBRA, S2SH0 inner, S2PS 44 bits, S2AA64, S2R */
	s[2] = vmid | 24ull << 32 | 2ull << 38 | 1ull << 40 | 1ull << 42 | 3ull << 44 | 4ull << 48 |
	       BIT(51) | BIT(58);
	s[3] = s2_root;
}

/* Stream @sid: Config @config; stage 1 at CD table @ctx (a PA) with S1CDMax, S1Fmt, S1DSS. */
void ste_set(u32 sid, u32 config, u64 ctx, u32 cdmax, u32 fmt, u32 dss)
{
	u64 *s = ste(sid);

	memset(s, 0, 64);
	if (config & 2)
		ste_s2_fields(s, VMID);
	if (config & 1) {
		s[0] = s1_addr(ctx) | (u64)fmt << 4 | (u64)cdmax << 59;
		s[1] = dss | 1ull << 2 | 1ull << 4 | 3ull << 6; /* S1CIR/S1COR WBRA, S1CSH inner */
		if (!(config & 2))
			s[2] = VMID; /* S2VMID tags stage-1 TLB entries */
	}
	s[0] |= 1 | (u64)config << 1;
}

/* A valid AArch64 CD: T0SZ 25, TG0 4 KiB, WBRA inner, EPD1, IPS 44 bits, R, A. */
void cd_set(u64 cd_pa, u16 asid, u64 ttb_pa)
{
	u64 *cd = ptr(cd_pa);

	memset(cd, 0, 64);
	cd[0] = 25 | 1ull << 8 | 1ull << 10 | 3ull << 12 | BIT(30) | BIT(31) | 4ull << 32 |
		BIT(41) | BIT(45) | BIT(46) | (u64)asid << 48;
	cd[1] = s1_addr(ttb_pa);
}

/* ---- the queues ------------------------------------------------------------------ */

/* The event record at queue index @i, decoded with this file's own field positions (7.3). */
struct smmu_model_event evt_at(u32 i)
{
	const u64 *r = ptr(arena + 0x1000) + (i & 31) * 4;
	struct smmu_model_event e = {
		.type = r[0] & 0xff,
		.ssv = (r[0] >> 11) & 1,
		.ssid = (r[0] >> 12) & 0xfffff,
		.sid = r[0] >> 32,
		.rnw = (r[1] >> 35) & 1,
		.s2 = (r[1] >> 39) & 1,
		.class = (r[1] >> 40) & 3,
		.input_addr = r[2],
		.ipa = r[3] & 0xffffffffff000ull,
	};

	return e;
}

u32 nr_events(void)
{
	return smmu.evtq_prod & 0xfffff;
}

/* Issue one command and check the SMMU consumed it without error. */
bool cmd(u64 c0, u64 c1)
{
	u64 *e = ptr(arena + 0x2000) + (cmdq_prod & 63) * 2;

	e[0] = c0, e[1] = c1;
	cmdq_prod = (cmdq_prod + 1) & 127;
	writel_relaxed((u32)cmdq_prod, (void *)(uintptr_t)(SMMU + CMDQ_PROD));
	return smmu.cmdq_cons == cmdq_prod && !(smmu.cmdq_cons & (0x7fu << 24));
}

bool cmd_sync(void)
{
	return cmd(0x46, 0);
}

void rig_up(enum smmu_model_stages stages, unsigned int ssidsize, bool cd2l)
{
	arena_map();
	memset(ptr(arena), 0, ARENA_SIZE);
	next_page = arena + 0x10000;
	smmu_model_init_qemu(&smmu, SMMU, stages, ssidsize, cd2l);
	smmu.strtab_base = arena;
	smmu.strtab_base_cfg = 6; /* linear, 64 STEs */
	smmu.evtq_base = (arena + 0x1000) | 5;
	smmu.cmdq_base = (arena + 0x2000) | 6;
	cmdq_prod = 0;
	nested = false;
	s2_root = page();
	writel_relaxed(CR0_ON, (void *)(uintptr_t)(SMMU + CR0));
}

/* Stage 2 maps every arena page at ipa_of(pa), read-write. */
void s2_map_arena(void)
{
	u64 pa;

	for (pa = arena; pa < arena + ARENA_SIZE; pa += 4096)
		s2_map(ipa_of(pa), pa, S2_PAGE_RW);
}

void rig_s1_setup(u64 cd, u64 *root, u64 data)
{
	*root = page();
	cd_set(cd, ASID, *root);
	*s1_pte(*root, VA) = data | S1_PAGE;
	ste_set(1, 5, cd, 0, 0, 0);
}

void rig_nested_setup(u64 cd, u64 *root, u64 data)
{
	nested = true;
	s2_map_arena();
	*root = page();
	cd_set(cd, ASID, *root);
	*s1_pte(*root, VA) = ipa_of(data) | S1_PAGE;
	ste_set(1, 7, cd, 0, 0, 0);
}
