// SPDX-License-Identifier: GPL-2.0-only
/*
 * Install without a DMA gap (issue 13, section 3): a device keeps doing DMA
 * while the hypervisor takes its SMMU over -- firmware left it running (a
 * network boot, a USB controller). The real iommu core, SMMUv3 driver, host
 * stage-2 and pool on the machine of lib/smmu_machine.h; the software SMMU
 * calls back at every register write and every command the driver makes it
 * execute (smmu_model.h, on_step), and there the test drives DMA from several
 * streams to host RAM, host MMIO and hypervisor memory, and checks:
 *
 * - until the driver first makes the SMMU abort (GBPA.ABORT with SMMUEN 0),
 *   each DMA does what firmware's setting did before the takeover;
 * - from then until SMMUEN, every DMA is aborted by GBPA -- never a bypass
 *   again, never a translation through a half-built identity map;
 * - from SMMUEN on, every DMA to what the host owns translates to itself,
 *   and every DMA to hypervisor memory faults (nothing firmware's setting
 *   left cached survives): SMMUEN only after the identity map is complete.
 *
 * The same holds for the watchdog's takeover of an SMMU that lost power, and
 * an enable that fails leaves the SMMU handed back, never half enabled.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lib/smmu_machine.h"
#include <isohyp/errno.h>
#include <isohyp/iommu.h>
#include <isohyp/mem_protect.h>

#define CR0_SMMUEN 1u
#define GBPA_ABORT (1u << 20)
#define EVT_BYPASS_ABORT 0xff /* the model's mark for "GBPA aborted it" */

/* Where the probing device sends DMA; hyp: must fault once the SMMU translates. */
static const struct {
	u64 addr;
	bool hyp;
} probes[] = {
	{ RAM0, false },
	{ RAM0 + 0x123000, false },
	{ CARVE - 0x1000, false },
	{ CARVE + CARVE_SIZE, false },
	{ RAM0 + RAM0_SIZE - 0x1000, false },
	{ RAM1 + 0x5000, false },
	{ RAM1 + RAM1_SIZE - 0x1000, false },
	{ UART, false },
	{ CARVE, true },
	{ CARVE + CARVE_SIZE / 2, true },
	{ CARVE + CARVE_SIZE - 0x1000, true },
};

#define NR_PROBES (sizeof(probes) / sizeof(probes[0]))

static const u32 sids[] = { 0, 63, 0x1234, 0xffff };

#define NR_SIDS (sizeof(sids) / sizeof(sids[0]))

/* The driver's progress as the DMA sees it. */
enum phase { FIRMWARE, ABORTING, TRANSLATING };

static struct {
	enum phase phase;
	bool before[NR_SIDS][NR_PROBES]; /* firmware's setting: did it reach the address? */
	unsigned int steps, steps_in[3];
	char why[256]; /* the first violation, empty if none */
} g;

static void fail(const char *what, u32 sid, u64 addr, const struct smmu_dma *r, u64 reg)
{
	if (g.why[0])
		return;
	snprintf(g.why, sizeof(g.why),
		 "step %u (register %llx): %s: stream %x to %llx: ok %d pa %llx fault %x, "
		 "CR0 %x GBPA %x", g.steps, (unsigned long long)reg, what, sid,
		 (unsigned long long)addr, r->ok, (unsigned long long)r->pa, r->fault, model.cr0,
		 model.gbpa);
}

/* What firmware's setting does now: the reference for the FIRMWARE phase. */
static void record_before(void)
{
	unsigned int s, p;

	for (s = 0; s < NR_SIDS; s++)
		for (p = 0; p < NR_PROBES; p++)
			g.before[s][p] = dma(sids[s], probes[p].addr, true).ok;
	g.phase = FIRMWARE;
}

static void check_dma(struct smmu_model *m, u64 reg, u8 op)
{
	bool en = m->cr0 & CR0_SMMUEN, abort_all = !en && (m->gbpa & GBPA_ABORT);
	unsigned int s, p;

	g.steps++;
	if (abort_all) {
		if (g.phase == TRANSLATING)
			fail("translation turned off again", 0, 0, &(struct smmu_dma){ 0 }, reg);
		g.phase = ABORTING;
	} else if (g.phase == ABORTING) {
		if (!en)
			fail("bypass after the driver made it abort", 0, 0, &(struct smmu_dma){ 0 },
			     reg);
		g.phase = TRANSLATING;
	}
	g.steps_in[g.phase]++;
	for (s = 0; s < NR_SIDS; s++)
		for (p = 0; p < NR_PROBES; p++) {
			u64 addr = probes[p].addr;
			struct smmu_dma r = dma(sids[s], addr, true);

			switch (g.phase) {
			case FIRMWARE:
				if (r.ok != g.before[s][p] || (r.ok && r.pa != addr))
					fail("not as firmware left it", sids[s], addr, &r, reg);
				break;
			case ABORTING:
				if (r.ok || r.fault != EVT_BYPASS_ABORT)
					fail("not aborted by GBPA", sids[s], addr, &r, reg);
				break;
			case TRANSLATING:
				if (probes[p].hyp && r.ok)
					fail("hypervisor memory reached", sids[s], addr, &r, reg);
				if (!probes[p].hyp && (!r.ok || r.pa != addr))
					fail("host memory not reached", sids[s], addr, &r, reg);
				break;
			}
		}
}

/* ---- firmware's own translation, for the "left enabled" case --------------- */

/*
 * Written here from the spec (5.2 STE, D8.3 descriptors), not by the driver:
 * a linear stream table of 2^16 stage-2 STEs, VMID 0, over one 40-bit table
 * that maps each gigabyte of RAM0 and RAM1 as a block, carve-out included.
 */
static u64 *fw_strtab, *fw_tables;

static void firmware_left_it_translating(void)
{
	u64 *l0, *l1, ste2, i;

	fw_tables = aligned_alloc(4096, 2 * 4096);
	memset(fw_tables, 0, 2 * 4096);
	l0 = fw_tables, l1 = fw_tables + 512;
	l0[0] = (u64)(uintptr_t)l1 | 3;
	/* Block, AF, SH inner, S2AP RW, MemAttr Normal WB. */
	l1[RAM0 >> 30] = RAM0 | 1ull << 10 | 3ull << 8 | 3ull << 6 | 0xfull << 2 | 1;
	l1[RAM1 >> 30] = RAM1 | 1ull << 10 | 3ull << 8 | 3ull << 6 | 0xfull << 2 | 1;
	fw_strtab = aligned_alloc(1 << 22, 1 << 22);
	/* T0SZ 24, SL0 2 (level 0), IR0/OR0 WBWA, SH0 inner, PS = IDR5.OAS, S2AA64, S2R. */
	ste2 = 24ull << 32 | 2ull << 38 | 1ull << 40 | 1ull << 42 | 3ull << 44 |
	       (u64)(model.idr[5] & 7) << 48 | 1ull << 51 | 1ull << 58;
	for (i = 0; i < 1 << 16; i++) {
		u64 *ste = fw_strtab + 8 * i;

		memset(ste, 0, 64);
		ste[0] = 6ull << 1 | 1;
		ste[2] = ste2;
		ste[3] = (u64)(uintptr_t)l0;
	}
	model.strtab_base = (u64)(uintptr_t)fw_strtab;
	model.strtab_base_cfg = 16;
	model.cr0 = model.cr0ack = CR0_SMMUEN;
	model.gbpa = 0;
}

/* ---- the tests ----------------------------------------------------------- */

enum firmware { FW_BYPASS, FW_ABORT, FW_TRANSLATING };

FIXTURE(install)
{
	int unused;
};

FIXTURE_VARIANT(install)
{
	enum firmware fw;
	bool dt_coherent;
};

FIXTURE_VARIANT_ADD(install, bypass){ .fw = FW_BYPASS, .dt_coherent = true };
FIXTURE_VARIANT_ADD(install, bypass_noncoherent){ .fw = FW_BYPASS, .dt_coherent = false };
FIXTURE_VARIANT_ADD(install, abort){ .fw = FW_ABORT, .dt_coherent = true };
FIXTURE_VARIANT_ADD(install, translating){ .fw = FW_TRANSLATING, .dt_coherent = true };

FIXTURE_SETUP(install)
{
	struct smmu_cfg cfg = qemu_cfg;

	cfg.coherent = variant->dt_coherent;
	memset(&g, 0, sizeof(g));
	machine_up(&cfg);
	if (variant->fw == FW_ABORT)
		model.gbpa = GBPA_ABORT;
	if (variant->fw == FW_TRANSLATING)
		firmware_left_it_translating();
	ASSERT_EQ(0, machine_register(&cfg));
	record_before();
}

FIXTURE_TEARDOWN(install)
{
	machine_down();
	free(fw_strtab);
	free(fw_tables);
	fw_strtab = fw_tables = NULL;
}

/*
 * At every step of the takeover: firmware's setting, then GBPA abort, then
 * translation through the complete identity map -- in that order only.
 */
TEST_F(install, dma_at_every_step_of_the_takeover)
{
	model.on_step = check_dma;
	ASSERT_EQ(0, kvm_iommu_init());
	model.on_step = NULL;
	check_dma(&model, 0, 0);
	if (g.why[0])
		TH_LOG("%s", g.why);
	EXPECT_EQ(0, g.why[0]);
	TH_LOG("%u steps: %u as firmware left it, %u aborting, %u translating", g.steps,
	       g.steps_in[FIRMWARE], g.steps_in[ABORTING], g.steps_in[TRANSLATING]);
	EXPECT_EQ(TRANSLATING, g.phase);
	EXPECT_GE(g.steps_in[ABORTING], 10u); /* the tables, queues and the invalidation */
	EXPECT_GE(g.steps_in[TRANSLATING], 2u);
	EXPECT_EQ(0u, model.writes_in_bypass);
}

/*
 * The watchdog's takeover of an SMMU that lost power (reset: bypass) keeps
 * the same order, and a page donated before still faults afterwards.
 */
TEST_F(install, dma_at_every_step_of_a_takeover_after_power_loss)
{
	u64 donated = RAM0 + 0x345000;

	ASSERT_EQ(0, kvm_iommu_init());
	ASSERT_EQ(0, __pkvm_host_donate_hyp(donated >> 12, 1));
	EXPECT_DMA_FAULT(0, donated);
	smmu_model_power_loss(&model);
	record_before();
	model.on_step = check_dma;
	kvm_iommu_poll();
	model.on_step = NULL;
	check_dma(&model, 0, 0);
	if (g.why[0])
		TH_LOG("%s", g.why);
	EXPECT_EQ(0, g.why[0]);
	EXPECT_EQ(TRANSLATING, g.phase);
	EXPECT_GE(g.steps_in[ABORTING], 5u);
	EXPECT_DMA_FAULT(0, donated);
	EXPECT_DMA_OK(0, donated + 0x1000, ATTR_NORMAL_WB);
}

/* The driver's stream table in use: SMMUEN with a base firmware did not set. */
static u64 fw_strtab_base;
static unsigned int steps_translating_ours;

static void check_never_ours(struct smmu_model *m, u64 reg, u8 op)
{
	if ((m->cr0 & CR0_SMMUEN) && m->strtab_base != fw_strtab_base)
		steps_translating_ours++;
}

/*
 * An SMMU that never acknowledges CR0: init fails and the SMMU goes back to
 * firmware's setting -- it never translated through the driver's tables,
 * ownership changes do not reach it, and nothing waits on it again.
 */
TEST_F(install, a_failed_enable_hands_the_smmu_back)
{
	unsigned int cmds;

	fw_strtab_base = model.strtab_base;
	steps_translating_ours = 0;
	model.on_step = check_never_ours;
	model.cr0ack_stuck = true; /* CR0ACK stays at firmware's value */
	EXPECT_EQ(-ETIMEDOUT, kvm_iommu_init());
	model.on_step = NULL;
	EXPECT_EQ(0u, steps_translating_ours);
	EXPECT_EQ(0u, model.cr0 & CR0_SMMUEN);
	if (variant->fw != FW_TRANSLATING)
		EXPECT_EQ(variant->fw == FW_ABORT ? GBPA_ABORT : 0x1000u, model.gbpa);
	cmds = model.nr_log;
	EXPECT_EQ(0, __pkvm_host_donate_hyp((RAM0 + 0x200000) >> 12, 1));
	EXPECT_EQ(cmds, model.nr_log);
}

/* A global error the moment SMMUEN is set: the enable fails after translating. */
static void gerror_at_smmuen(struct smmu_model *m, u64 reg, u8 op)
{
	if (reg == 0x20 && (m->cr0 & CR0_SMMUEN) && m->strtab_base != fw_strtab_base)
		m->gerror ^= 1u << 2; /* EVTQ_ABT_ERR */
}

/*
 * An enable that fails after SMMUEN (a global error): the SMMU is disabled
 * again and handed back -- it does not keep translating through tables the
 * hypervisor, which will not run, no longer keeps.
 */
TEST_F(install, an_enable_failing_after_smmuen_disables_it_again)
{
	fw_strtab_base = model.strtab_base;
	model.on_step = gerror_at_smmuen;
	EXPECT_EQ(-EIO, kvm_iommu_init());
	model.on_step = NULL;
	EXPECT_EQ(0u, model.cr0);
	EXPECT_EQ(0u, model.cr0ack);
	if (variant->fw != FW_TRANSLATING)
		EXPECT_EQ(variant->fw == FW_ABORT ? GBPA_ABORT : 0x1000u, model.gbpa);
}

TEST_HARNESS_MAIN
