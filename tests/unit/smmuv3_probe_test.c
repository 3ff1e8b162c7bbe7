// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SMMUv3 driver's probe and bring-up on the host, against the software
 * SMMUv3 of lib/smmu_model.c on the machine of lib/smmu_machine.h: what it
 * refuses, how it decides on coherency, the stream-table formats, taking an
 * SMMU over from firmware and handing it back, timeouts, several SMMUs.
 */
#include "harness.h"
#include "lib/smmu_machine.h"
#include <isohyp/console.h>
#include <isohyp/errno.h>
#include <isohyp/iommu.h>
#include <smmuv3/arm_smmu_v3.h>
#include <isohyp/mem_protect.h>

/*
 * Table walks snoop the CPU's caches only when the SMMU can (IDR0.COHACC)
 * and the device tree says the system lets it ("dma-coherent"). Whichever
 * way the two disagree, the SMMU is driven as non-coherent -- with a warning
 * -- and the model, attached non-coherently, sees complete STEs, commands,
 * tables and Non-cacheable walk attributes. Only a coherent SMMU costs no
 * cache maintenance.
 */
TEST(coherency_needs_both_the_smmu_and_the_device_tree)
{
	static const struct {
		bool cohacc, dt;
	} cases[] = { { true, true }, { false, true }, { true, false }, { false, false } };
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct smmu_cfg cfg = qemu_cfg;
		unsigned long warns = hyp_test_log_count[LOG_WARN];
		bool coherent = cases[i].cohacc && cases[i].dt;
		u64 p = RAM0 + (5ull << 20);

		TH_LOG("IDR0.COHACC %d, dma-coherent %d", cases[i].cohacc, cases[i].dt);
		cfg.idr0 = cases[i].cohacc ? cfg.idr0 | IDR0_COHACC : cfg.idr0 & ~IDR0_COHACC;
		cfg.coherent = cases[i].dt;
		machine_up(&cfg);
		ASSERT_EQ(0, machine_register(&cfg));
		ASSERT_EQ(0, kvm_iommu_init());
		EXPECT_EQ(cases[i].cohacc != cases[i].dt, hyp_test_log_count[LOG_WARN] > warns);
		EXPECT_FALSE(model.bad_cr1);
		EXPECT_EQ(0u, model.missing_stes + model.bad_stes);
		EXPECT_DMA_OK(9, p, ATTR_NORMAL_WB);
		ASSERT_EQ(0, __pkvm_host_donate_hyp(p >> 12, 1));
		EXPECT_DMA_FAULT(9, p);
		EXPECT_EQ(EVT_TRANSLATION, dma(9, p, true).event);
		ASSERT_EQ(0, __pkvm_host_reclaim(p >> 12, 1));
		EXPECT_DMA_OK(9, p, ATTR_NORMAL_WB);
		EXPECT_EQ(coherent, poc_nr_cleans == 0);
		EXPECT_EQ(0u, model.nr_bad_cmds);
		machine_down();
	}
}

/* A small SIDSIZE without 2-level support: a linear stream table, all STEs valid. */
TEST(linear_stream_table)
{
	struct smmu_cfg cfg = qemu_cfg;

	cfg.idr0 &= ~(3u << 27); /* ST_LVL: linear only */
	cfg.idr1 = (cfg.idr1 & ~0x3fu) | 8; /* SIDSIZE 8 */
	machine_up(&cfg);
	ASSERT_EQ(0, machine_register(&cfg));
	ASSERT_EQ(0, kvm_iommu_init());
	EXPECT_EQ(0u, model.strtab_base_cfg >> 16 & 3);
	EXPECT_DMA_OK(0, RAM0, ATTR_NORMAL_WB);
	EXPECT_DMA_OK(255, RAM0, ATTR_NORMAL_WB);
	EXPECT_EQ(EVT_BAD_STREAMID, dma(256, RAM0, false).fault);
	machine_down();
}

/* Firmware left the SMMU translating and with errors pending: taken over cleanly. */
TEST(takeover_of_an_enabled_smmu)
{
	machine_up(&qemu_cfg);
	model.cr0 = model.cr0ack = 0xd; /* SMMUEN | EVTQEN | CMDQEN */
	model.gbpa = 0;
	model.gerror = 1u << 8;
	ASSERT_EQ(0, machine_register(&qemu_cfg));
	ASSERT_EQ(0, kvm_iommu_init());
	EXPECT_NE(0u, model.gbpa & (1u << 20)); /* abort while disabled */
	EXPECT_EQ(0xdu, model.cr0);
	EXPECT_EQ(model.gerror, model.gerrorn);
	EXPECT_NE(0u, model.strtab_base);
	EXPECT_DMA_OK(0, RAM0, ATTR_NORMAL_WB);
	EXPECT_DMA_FAULT(0, CARVE);
	machine_down();
}

/*
 * Out of memory half way -- while the SMMU's structures are built (queues,
 * stream table) or while the snapshot fills the identity map: the SMMU was
 * never enabled (it is only after the snapshot) and goes back to firmware's
 * settings. Every pool size up to the first that works.
 */
TEST(failed_init_hands_the_smmu_back)
{
	unsigned int before_snapshot = 0, in_snapshot = 0;
	int ret = -ENOMEM;

	for (pool_pages = 4; ret && pool_pages <= POOL_PAGES; pool_pages++) {
		machine_up(&qemu_cfg);
		ASSERT_EQ(0, machine_register(&qemu_cfg));
		ret = kvm_iommu_init();
		if (ret) {
			EXPECT_EQ(-ENOMEM, ret);
			EXPECT_EQ(0u, model.cr0);
			EXPECT_EQ(0x1000u, model.gbpa); /* firmware's bypass again */
			/* Never enabled: the model checks the STEs at CFGI_ALL and SMMUEN. */
			EXPECT_EQ(0u, model.ste_checks);
			/* The event queue is the last structure built before the snapshot. */
			*(model.evtq_base ? &in_snapshot : &before_snapshot) += 1;
		}
		machine_down();
	}
	TH_LOG("%u pool sizes failed before the snapshot, %u in it; %llu pages work",
	       before_snapshot, in_snapshot, (unsigned long long)pool_pages - 1);
	EXPECT_EQ(0, ret);
	EXPECT_GT(before_snapshot, 0u);
	EXPECT_GT(in_snapshot, 0u);
	pool_pages = POOL_PAGES;
}

/* CR0 never acknowledged: init fails with a timeout instead of hanging. */
TEST(cr0_never_acknowledged_times_out)
{
	machine_up(&qemu_cfg);
	model.cr0ack_stuck = true;
	model.cr0ack = 0x1;
	ASSERT_EQ(0, machine_register(&qemu_cfg));
	EXPECT_EQ(-ETIMEDOUT, kvm_iommu_init());
	machine_down();
}

/*
 * Two SMMUs share the identity map; every change is invalidated on both.
 * The second does not snoop: the shared tables are cleaned for it.
 */
TEST(every_smmu_follows_the_host)
{
	static struct smmu_model second;
	struct boot_smmu b[2] = {
		{ .base = SMMU_PA, .size = SMMU_SIZE, .coherent = 1 },
		{ .base = SMMU_PA + SMMU_SIZE, .size = SMMU_SIZE, .coherent = 0 },
	};
	u64 p = RAM0 + (21ull << 20);
	unsigned int mark1, mark2;
	struct kvm_iommu_info info;

	machine_up(&qemu_cfg);
	smmu_model_init(&second, SMMU_PA + SMMU_SIZE, SMMU_MODEL_IDR0_QEMU, SMMU_MODEL_IDR1_QEMU,
			SMMU_MODEL_IDR3_QEMU & ~(1u << 10), SMMU_MODEL_IDR5_QEMU);
	second.noncoherent = true;
	ASSERT_EQ(0, machine_register_smmus(b, 2));
	ASSERT_EQ(0, kvm_iommu_init());
	EXPECT_FALSE(model.bad_cr1 || second.bad_cr1);
	EXPECT_EQ(0u, model.bad_stes + second.bad_stes);
	kvm_iommu_info(&info);
	EXPECT_EQ(2u, info.nr_iommus);
	EXPECT_TRUE(smmu_model_dma(&second, 9, p, true).ok);
	EXPECT_TRUE(smmu_model_dma(&model, 9, p, true).ok);
	EXPECT_FALSE(smmu_model_dma(&second, 9, SMMU_PA + SMMU_SIZE, false).ok);
	mark1 = model.nr_log, mark2 = second.nr_log;
	ASSERT_EQ(0, __pkvm_host_donate_hyp(p >> 12, 1));
	EXPECT_TRUE(smmu_model_invalidated(&model, mark1, p));
	EXPECT_TRUE(smmu_model_invalidated(&second, mark2, p));
	EXPECT_FALSE(smmu_model_dma(&model, 9, p, true).ok);
	EXPECT_FALSE(smmu_model_dma(&second, 9, p, true).ok);
	EXPECT_EQ(0u, model.nr_bad_cmds + second.nr_bad_cmds);
	smmu_model_remove(&second);
	machine_down();
}

/* What the driver cannot drive safely is refused at probe, before any write. */
FIXTURE(refuse)
{
	int unused;
};

FIXTURE_VARIANT(refuse)
{
	struct smmu_cfg cfg;
	int err;
};

FIXTURE_VARIANT_ADD(refuse, no_stage2){
	.cfg = { SMMU_MODEL_IDR0_QEMU & ~1u, SMMU_MODEL_IDR1_QEMU, SMMU_MODEL_IDR3_QEMU,
		 SMMU_MODEL_IDR5_QEMU, true, SMMU_SIZE }, .err = -EOPNOTSUPP,
};
FIXTURE_VARIANT_ADD(refuse, aarch32_tables_only){
	.cfg = { (SMMU_MODEL_IDR0_QEMU & ~0xcu) | 0x4, SMMU_MODEL_IDR1_QEMU, SMMU_MODEL_IDR3_QEMU,
		 SMMU_MODEL_IDR5_QEMU, true, SMMU_SIZE }, .err = -EOPNOTSUPP,
};
FIXTURE_VARIANT_ADD(refuse, preset_tables){
	.cfg = { SMMU_MODEL_IDR0_QEMU, SMMU_MODEL_IDR1_QEMU | (1u << 30), SMMU_MODEL_IDR3_QEMU,
		 SMMU_MODEL_IDR5_QEMU, true, SMMU_SIZE }, .err = -EOPNOTSUPP,
};
FIXTURE_VARIANT_ADD(refuse, no_4k_granule){
	.cfg = { SMMU_MODEL_IDR0_QEMU, SMMU_MODEL_IDR1_QEMU, SMMU_MODEL_IDR3_QEMU,
		 SMMU_MODEL_IDR5_QEMU & ~0x10u, true, SMMU_SIZE }, .err = -EOPNOTSUPP,
};
FIXTURE_VARIANT_ADD(refuse, register_window_too_small){
	.cfg = { SMMU_MODEL_IDR0_QEMU, SMMU_MODEL_IDR1_QEMU, SMMU_MODEL_IDR3_QEMU,
		 SMMU_MODEL_IDR5_QEMU, true, 0x10000 }, .err = -EINVAL,
};

FIXTURE_SETUP(refuse)
{
	machine_up(&variant->cfg);
}

FIXTURE_TEARDOWN(refuse)
{
	machine_down();
}

TEST_F(refuse, probe)
{
	unsigned long errors = hyp_test_log_count[LOG_ERROR];

	EXPECT_EQ(variant->err, machine_register(&variant->cfg));
	EXPECT_NULL(kvm_iommu_ops);
	EXPECT_EQ(-ENODEV, kvm_iommu_init());
	EXPECT_GT(hyp_test_log_count[LOG_ERROR], errors); /* said why */
	/* Nothing written: still bypassing, as firmware left it. */
	EXPECT_EQ(0u, model.cr0);
	EXPECT_EQ(0x1000u, model.gbpa);
	EXPECT_EQ(0u, model.strtab_base);
}

TEST_HARNESS_MAIN
