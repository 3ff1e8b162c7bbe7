// SPDX-License-Identifier: GPL-2.0-only
/*
 * Nested mode's emulated register file (drivers/smmuv3/nested.c, issue 14):
 * the real SMMUv3 driver, mem_protect, pins and hyp/mmio regions, with the
 * software SMMU of lib/smmu_model.c as the hardware. The host's accesses go
 * through the region hyp_mmio_find() returns, as the trap path's would.
 * Expected values come from the spec and QEMU's ID registers
 * (ARCHITECTURE.md section 7), not from the driver.
 */
#include "harness.h"
#include "lib/smmu_machine.h"
#include <isohyp/errno.h>
#include <isohyp/iommu.h>
#include <isohyp/mem_protect.h>
#include <isohyp/mmio.h>
#include <uapi/isohyp.h>

/* Register offsets, from IHI 0070 6.3 (not the driver's header). */
#define IDR0 0x00
#define IDR1 0x04
#define IDR2 0x08
#define IDR3 0x0c
#define IDR4 0x10
#define IDR5 0x14
#define CR0 0x20
#define CR0ACK 0x24
#define CR1 0x28
#define CR2 0x2c
#define STATUSR 0x40
#define GBPA 0x44
#define IRQ_CTRL 0x50
#define IRQ_CTRLACK 0x54
#define GERROR 0x60
#define GERRORN 0x64
#define GERROR_IRQ_CFG0 0x68
#define STRTAB_BASE 0x80
#define STRTAB_BASE_CFG 0x88
#define CMDQ_BASE 0x90
#define CMDQ_PROD 0x98
#define CMDQ_CONS 0x9c
#define EVTQ_BASE 0xa0
#define EVTQ_IRQ_CFG0 0xb0
#define PRIQ_BASE 0xc0
#define EVTQ_PROD 0x100a8
#define EVTQ_CONS 0x100ac
#define PRIQ_PROD 0x100c8

#define SMMUEN 0x1u
#define EVTQEN 0x4u
#define CMDQEN 0x8u

/* Host pages for tables and queues (RAM0, below the carve-out). */
#define HOST_STRTAB (RAM0 + 0x100000)
#define HOST_CMDQ (RAM0 + 0x200000)
#define HOST_EVTQ (RAM0 + 0x300000)

static struct hyp_mmio_region *regs;

static u64 rd(u64 off, unsigned int size)
{
	u64 v = 0xdeadbeef;

	if (regs->ops->read(regs->priv, off, size, &v))
		return ~0ull;
	return v;
}

static int wr(u64 off, unsigned int size, u64 v)
{
	return regs->ops->write(regs->priv, off, size, v);
}

static u32 rd32(u64 off)
{
	return rd(off, 4);
}

static int page_state(u64 pa)
{
	return __pkvm_host_page_state(pa >> 12);
}

FIXTURE(nested)
{
	int unused;
};

FIXTURE_VARIANT(nested)
{
	bool dt_coherent;
};

FIXTURE_VARIANT_ADD(nested, coherent){ .dt_coherent = true };
FIXTURE_VARIANT_ADD(nested, noncoherent){ .dt_coherent = false };

static int boot(const struct smmu_cfg *cfg, u32 mode)
{
	struct boot_smmu b = {
		.base = SMMU_PA, .size = cfg->size, .coherent = cfg->coherent, .mode = mode,
	};
	int ret;

	machine_up(cfg);
	ret = machine_register_smmus(&b, 1);
	if (!ret)
		ret = kvm_iommu_init();
	regs = hyp_mmio_find(SMMU_PA);
	return ret;
}

FIXTURE_SETUP(nested)
{
	struct smmu_cfg cfg = qemu_cfg;

	cfg.coherent = variant->dt_coherent;
	ASSERT_EQ(0, boot(&cfg, BOOT_SMMU_NESTED));
	ASSERT_NE_NULL(regs);
}

FIXTURE_TEARDOWN(nested)
{
	/* Everything off: the pins go (mem_protect's pin table outlives a test). */
	if (regs) {
		wr(CR0, 4, 0);
		hyp_mmio_unregister(regs);
	}
	regs = NULL;
	machine_down();
}

/* Program the host's stream table and queues at host pages (LOG2SIZE 8 each). */
static void program_bases(void)
{
	wr(STRTAB_BASE, 8, HOST_STRTAB);
	wr(STRTAB_BASE_CFG, 4, 8); /* linear, 256 STEs: 16 KiB */
	wr(CMDQ_BASE, 8, HOST_CMDQ | 8); /* 256 x 16 bytes: 4 KiB */
	wr(EVTQ_BASE, 8, HOST_EVTQ | 7); /* 128 x 32 bytes: 4 KiB */
}

/* IDR0: QEMU's, less what the host may not use: S2P (bit 0) and VMID16 (bit 18). */
TEST_F(nested, idr0_is_stage1_only)
{
	u32 idr0 = rd32(IDR0);

	EXPECT_EQ(variant->dt_coherent ? 0x0D40101Au : 0x0D40100Au, idr0);
	EXPECT_EQ(0u, idr0 & 1); /* S2P */
	EXPECT_EQ(2u, idr0 & 2); /* S1P */
	/* Never ATS (10), MSI (13), PRI (16), HYP (9), VMID16 (18), SEV (14). */
	EXPECT_EQ(0u, idr0 & ((1u << 9) | (1u << 10) | (1u << 13) | (1u << 14) | (1u << 16) |
			      (1u << 18)));
}

/* IDR1: the SMMU's 16-bit stream IDs, no substreams, no PRI queue, queues capped at 2^10. */
TEST_F(nested, idr1_sidsize_and_queue_sizes)
{
	u32 idr1 = rd32(IDR1);

	EXPECT_EQ(16u, idr1 & 0x3f);
	EXPECT_EQ(0u, (idr1 >> 6) & 0x1f); /* SSIDSIZE */
	EXPECT_EQ(0u, (idr1 >> 11) & 0x1f); /* PRIQS */
	EXPECT_EQ(10u, (idr1 >> 16) & 0x1f); /* EVENTQS <= QEMU's 19 */
	EXPECT_EQ(10u, (idr1 >> 21) & 0x1f); /* CMDQS <= QEMU's 19 */
	EXPECT_EQ(0u, idr1 >> 26); /* no overrides, presets, ECMDQ */
}

/* IDR3 keeps HAD, RIL, BBML of QEMU's 0x1414 (XNX dropped); IDR5's OAS is the stage 2's 40 bits. */
TEST_F(nested, idr3_idr5)
{
	EXPECT_EQ(0x1404u, rd32(IDR3));
	EXPECT_EQ(0x72u, rd32(IDR5)); /* OAS 40 bits (2), granules 4K, 16K, 64K */
	EXPECT_EQ(0u, rd32(IDR2));
	EXPECT_EQ(0u, rd32(IDR4));
}

/* ID registers are read-only. */
TEST_F(nested, id_registers_ignore_writes)
{
	u32 idr0 = rd32(IDR0);

	EXPECT_EQ(0, wr(IDR0, 4, 0xffffffff));
	EXPECT_EQ(0, wr(IDR1, 4, 0));
	EXPECT_EQ(idr0, rd32(IDR0));
	EXPECT_EQ(16u, rd32(IDR1) & 0x3f);
}

/* Registers of features the host was not offered read as zero and ignore writes, at both widths. */
TEST_F(nested, unimplemented_registers_raz_wi)
{
	static const u64 offs[] = { STATUSR, GERROR_IRQ_CFG0, EVTQ_IRQ_CFG0, PRIQ_BASE, PRIQ_PROD,
				    0xa8, 0x1000, 0x1fffc };
	unsigned int i;

	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		EXPECT_EQ(0, wr(offs[i], 4, 0xffffffff));
		EXPECT_EQ(0ull, rd(offs[i], 4));
	}
	/* Linux clears the MSI address registers with 64-bit writes even without MSIs. */
	EXPECT_EQ(0, wr(GERROR_IRQ_CFG0, 8, ~0ull));
	EXPECT_EQ(0ull, rd(GERROR_IRQ_CFG0, 8));
	EXPECT_EQ(0, wr(EVTQ_IRQ_CFG0, 8, ~0ull));
}

/* 32-bit registers take 32-bit accesses only; 64-bit ones 64-bit or a 32-bit half. */
TEST_F(nested, access_sizes)
{
	u64 v;

	EXPECT_EQ(-EINVAL, regs->ops->read(regs->priv, IDR0, 1, &v));
	EXPECT_EQ(-EINVAL, regs->ops->read(regs->priv, IDR0, 2, &v));
	EXPECT_EQ(-EINVAL, regs->ops->read(regs->priv, IDR0, 8, &v));
	EXPECT_EQ(-EINVAL, wr(CR0, 8, SMMUEN));
	EXPECT_EQ(0u, rd32(CR0ACK));
	EXPECT_EQ(0, wr(STRTAB_BASE, 4, 0x40001040));
	EXPECT_EQ(0, wr(STRTAB_BASE + 4, 4, 0x4000000f)); /* RA, and ADDR[51:32] */
	EXPECT_EQ(0x4000000f40001040ull, rd(STRTAB_BASE, 8));
	EXPECT_EQ(0x4000000full, rd(STRTAB_BASE + 4, 4));
	/* Reserved bits (ADDR above 51, below 6) are RES0. */
	EXPECT_EQ(0, wr(STRTAB_BASE, 8, ~0ull));
	EXPECT_EQ(0x400fffffffffffc0ull, rd(STRTAB_BASE, 8));
	EXPECT_EQ(0, wr(CMDQ_BASE, 8, ~0ull));
	EXPECT_EQ(0x400fffffffffffffull, rd(CMDQ_BASE, 8));
}

/* GBPA starts as firmware left it (QEMU: 0x1000, bypass); fields change only with UPDATE, which reads 0. */
TEST_F(nested, gbpa_update_handshake)
{
	EXPECT_EQ(0x1000u, rd32(GBPA));
	EXPECT_EQ(0, wr(GBPA, 4, 1u << 20));
	EXPECT_EQ(0x1000u, rd32(GBPA));
	EXPECT_EQ(0, wr(GBPA, 4, (1u << 31) | (1u << 20) | 0x1000));
	EXPECT_EQ(0x101000u, rd32(GBPA));
	/* Reserved bits are RES0. */
	EXPECT_EQ(0, wr(GBPA, 4, 0xffffffff));
	EXPECT_EQ(0x001f3f1fu, rd32(GBPA));
}

/* Enables with host-RAM tables and queues are acknowledged at once; their pages are pinned. */
TEST_F(nested, enables_acknowledged_and_pinned)
{
	program_bases();
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(HOST_CMDQ));
	EXPECT_EQ(0, wr(CR0, 4, CMDQEN));
	EXPECT_EQ(CMDQEN, rd32(CR0ACK));
	EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, page_state(HOST_CMDQ));
	EXPECT_EQ(0, wr(CR0, 4, CMDQEN | EVTQEN));
	EXPECT_EQ(0, wr(CR0, 4, CMDQEN | EVTQEN | SMMUEN));
	EXPECT_EQ(CMDQEN | EVTQEN | SMMUEN, rd32(CR0ACK));
	EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, page_state(HOST_EVTQ));
	EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, page_state(HOST_STRTAB));
	EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, page_state(HOST_STRTAB + 0x3000));
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(HOST_STRTAB + 0x4000));
	/* A pinned page cannot be donated; the others can. */
	EXPECT_EQ(-EBUSY, __pkvm_host_donate_hyp(HOST_EVTQ >> 12, 1));
	EXPECT_EQ(-EBUSY, __pkvm_host_donate_hyp((HOST_STRTAB >> 12) + 3, 1));
	EXPECT_EQ(0, __pkvm_host_donate_hyp((HOST_STRTAB >> 12) + 4, 1));
	EXPECT_EQ(0, __pkvm_host_reclaim((HOST_STRTAB >> 12) + 4, 1));
	/* Each enable cleared lets go of its own table or queue only. */
	EXPECT_EQ(0, wr(CR0, 4, CMDQEN | SMMUEN));
	EXPECT_EQ(CMDQEN | SMMUEN, rd32(CR0ACK));
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(HOST_EVTQ));
	EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, page_state(HOST_CMDQ));
	EXPECT_EQ(0, __pkvm_host_donate_hyp(HOST_EVTQ >> 12, 1));
	EXPECT_EQ(0, __pkvm_host_reclaim(HOST_EVTQ >> 12, 1));
	EXPECT_EQ(0, wr(CR0, 4, 0));
	EXPECT_EQ(0u, rd32(CR0ACK));
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(HOST_CMDQ));
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(HOST_STRTAB));
}

/* Bases the hypervisor owns, or outside RAM: the enable is refused, nothing pinned, others unaffected. */
TEST_F(nested, enables_refused_outside_host_ram)
{
	static const u64 bad[] = { CARVE, CARVE + CARVE_SIZE - 4096, SMMU_PA, 0x10000000 };
	unsigned int i;

	program_bases();
	for (i = 0; i < 4; i++) {
		TH_LOG("base %llx", (unsigned long long)bad[i]);
		EXPECT_EQ(0, wr(CMDQ_BASE, 8, bad[i] | 8));
		EXPECT_EQ(0, wr(CR0, 4, CMDQEN | EVTQEN));
		EXPECT_EQ(EVTQEN, rd32(CR0ACK));
		EXPECT_EQ(CMDQEN | EVTQEN, rd32(CR0));
		EXPECT_EQ(0, wr(CR0, 4, 0));
	}
	/* A queue that ends where RAM ends is fine (2^10 entries, 16 KiB). */
	EXPECT_EQ(0, wr(CMDQ_BASE, 8, (RAM0 + RAM0_SIZE - 0x4000) | 10));
	EXPECT_EQ(0, wr(CR0, 4, CMDQEN));
	EXPECT_EQ(CMDQEN, rd32(CR0ACK));
	EXPECT_EQ(0, wr(CR0, 4, 0));
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(RAM0 + RAM0_SIZE - 0x4000));
	/* A donated page is the hypervisor's: refused too, and the donation stands. */
	ASSERT_EQ(0, __pkvm_host_donate_hyp(HOST_STRTAB >> 12, 1));
	EXPECT_EQ(0, wr(CR0, 4, SMMUEN));
	EXPECT_EQ(0u, rd32(CR0ACK));
	EXPECT_EQ(ISOHYP_PAGE_HYP_OWNED, page_state(HOST_STRTAB));
	EXPECT_EQ(0, wr(CR0, 4, 0));
	EXPECT_EQ(0, __pkvm_host_reclaim(HOST_STRTAB >> 12, 1));
	/* The event queue at the carve-out. */
	EXPECT_EQ(0, wr(EVTQ_BASE, 8, CARVE | 7));
	EXPECT_EQ(0, wr(CR0, 4, EVTQEN));
	EXPECT_EQ(0u, rd32(CR0ACK));
	EXPECT_EQ(0, wr(CR0, 4, 0));
	/* And the control: the same registers at host pages work. */
	program_bases();
	EXPECT_EQ(0, wr(CR0, 4, CMDQEN | EVTQEN | SMMUEN));
	EXPECT_EQ(CMDQEN | EVTQEN | SMMUEN, rd32(CR0ACK));
}

/* A queue's LOG2SIZE beyond IDR1's acts as IDR1's: 2^10 commands pin 16 KiB, not more. */
TEST_F(nested, queue_log2size_capped)
{
	program_bases();
	EXPECT_EQ(0, wr(CMDQ_BASE, 8, HOST_CMDQ | 19));
	EXPECT_EQ(0, wr(CR0, 4, CMDQEN));
	EXPECT_EQ(CMDQEN, rd32(CR0ACK));
	EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, page_state(HOST_CMDQ + 0x3000));
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(HOST_CMDQ + 0x4000));
	/* PROD keeps index and wrap bit of a 2^10 queue. */
	EXPECT_EQ(0, wr(CMDQ_PROD, 4, 0xffffffff));
	EXPECT_EQ(0x7ffu, rd32(CMDQ_PROD));
}

/* Bases below the table's size are treated as zero (6.3.23-6.3.25): the aligned range is pinned. */
TEST_F(nested, unaligned_bases_act_aligned)
{
	program_bases();
	EXPECT_EQ(0, wr(CMDQ_BASE, 8, (HOST_CMDQ + 0x2fe0) | 10)); /* 16 KiB queue */
	EXPECT_EQ(0, wr(CR0, 4, CMDQEN));
	EXPECT_EQ(CMDQEN, rd32(CR0ACK));
	EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, page_state(HOST_CMDQ));
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(HOST_CMDQ + 0x4000));
}

/* Stream table formats: linear, 2-level with SPLIT 6/8/10; other splits and formats refused. */
TEST_F(nested, strtab_cfg_checked)
{
	program_bases();
	EXPECT_EQ(0, wr(STRTAB_BASE_CFG, 4, (1u << 16) | (7u << 6) | 16));
	EXPECT_EQ(0, wr(CR0, 4, SMMUEN));
	EXPECT_EQ(0u, rd32(CR0ACK));
	EXPECT_EQ(0, wr(CR0, 4, 0));
	EXPECT_EQ(0, wr(STRTAB_BASE_CFG, 4, (2u << 16) | 8));
	EXPECT_EQ(0, wr(CR0, 4, SMMUEN));
	EXPECT_EQ(0u, rd32(CR0ACK));
	EXPECT_EQ(0, wr(CR0, 4, 0));
	/* 2-level, SPLIT 8, 16-bit: 256 level-1 descriptors, 2 KiB. */
	EXPECT_EQ(0, wr(STRTAB_BASE_CFG, 4, (1u << 16) | (8u << 6) | 16));
	EXPECT_EQ(0, wr(CR0, 4, SMMUEN));
	EXPECT_EQ(SMMUEN, rd32(CR0ACK));
	EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, page_state(HOST_STRTAB));
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(HOST_STRTAB + 0x1000));
	EXPECT_EQ(0, wr(CR0, 4, 0));
	/* Linear with LOG2SIZE 20 > SIDSIZE 16 acts as 16: 4 MiB pinned. */
	EXPECT_EQ(0, wr(STRTAB_BASE_CFG, 4, 20));
	EXPECT_EQ(0, wr(CR0, 4, SMMUEN));
	EXPECT_EQ(SMMUEN, rd32(CR0ACK));
	EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, page_state(RAM0 + 0x3ff000));
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(RAM0 + 0x400000));
}

/* While enabled, bases (and CR1, CR2, STRTAB_BASE_CFG, CMDQ_CONS, EVTQ_PROD) ignore writes. */
TEST_F(nested, registers_read_only_while_enabled)
{
	program_bases();
	EXPECT_EQ(0, wr(CR1, 4, 0x5d5));
	EXPECT_EQ(0, wr(CR2, 4, 0x7));
	EXPECT_EQ(0x5d5u, rd32(CR1));
	EXPECT_EQ(0x6u, rd32(CR2)); /* E2H is RES0 without HYP */
	EXPECT_EQ(0, wr(CMDQ_CONS, 4, 5));
	EXPECT_EQ(0, wr(EVTQ_PROD, 4, 3));
	EXPECT_EQ(5u, rd32(CMDQ_CONS));
	EXPECT_EQ(3u, rd32(EVTQ_PROD));
	EXPECT_EQ(0, wr(CMDQ_CONS, 4, 0));
	EXPECT_EQ(0, wr(EVTQ_PROD, 4, 0));
	EXPECT_EQ(0, wr(CR0, 4, CMDQEN | EVTQEN | SMMUEN));
	EXPECT_EQ(0, wr(STRTAB_BASE, 8, HOST_EVTQ));
	EXPECT_EQ(0, wr(CMDQ_BASE, 8, HOST_EVTQ | 8));
	EXPECT_EQ(0, wr(EVTQ_BASE, 8, HOST_CMDQ | 7));
	EXPECT_EQ(0, wr(STRTAB_BASE_CFG, 4, 4));
	EXPECT_EQ(0, wr(CR1, 4, 0));
	EXPECT_EQ(0, wr(CR2, 4, 0));
	EXPECT_EQ(0, wr(CMDQ_CONS, 4, 7));
	EXPECT_EQ(0, wr(EVTQ_PROD, 4, 7));
	EXPECT_EQ(HOST_STRTAB, rd(STRTAB_BASE, 8));
	EXPECT_EQ(HOST_CMDQ | 8, rd(CMDQ_BASE, 8));
	EXPECT_EQ(HOST_EVTQ | 7, rd(EVTQ_BASE, 8));
	EXPECT_EQ(8u, rd32(STRTAB_BASE_CFG));
	EXPECT_EQ(0x5d5u, rd32(CR1));
	EXPECT_EQ(0x6u, rd32(CR2));
	EXPECT_EQ(0u, rd32(CMDQ_CONS));
	EXPECT_EQ(0u, rd32(EVTQ_PROD));
	/* EVTQ_CONS is the host's to write at any time, with OVACKFLG. */
	EXPECT_EQ(0, wr(EVTQ_CONS, 4, 0x80000003));
	EXPECT_EQ(0x80000003u, rd32(EVTQ_CONS));
}

/* IRQ_CTRL reaches the real SMMU (its wired interrupts are the host's); no PRI interrupt. */
TEST_F(nested, irq_ctrl_passed_through)
{
	EXPECT_EQ(0, wr(IRQ_CTRL, 4, 0x7));
	EXPECT_EQ(0x5u, rd32(IRQ_CTRL));
	EXPECT_EQ(0x5u, rd32(IRQ_CTRLACK));
	EXPECT_EQ(0x5u, model.irq_ctrl);
	EXPECT_EQ(0, wr(IRQ_CTRL, 4, 0));
	EXPECT_EQ(0u, rd32(IRQ_CTRLACK));
	EXPECT_EQ(0u, model.irq_ctrl);
}

/* GERROR is read-only; GERRORN is the host's. */
TEST_F(nested, gerror_read_only)
{
	EXPECT_EQ(0, wr(GERROR, 4, 0x1ff));
	EXPECT_EQ(0u, rd32(GERROR));
	EXPECT_EQ(0, wr(GERRORN, 4, 0xffffffff));
	EXPECT_EQ(0x1ffu, rd32(GERRORN));
}

/* Whatever the host programs, the real SMMU keeps every stream on the identity stage 2 (for now). */
TEST_F(nested, real_smmu_keeps_identity_stage2)
{
	program_bases();
	EXPECT_EQ(0, wr(CR0, 4, CMDQEN | EVTQEN | SMMUEN));
	EXPECT_DMA_OK(0, RAM0, ATTR_NORMAL_WB);
	EXPECT_DMA_OK(0x1234, RAM1, ATTR_NORMAL_WB);
	EXPECT_DMA_FAULT(0, CARVE);
	EXPECT_EQ(CMDQEN | EVTQEN | SMMUEN, model.cr0);
	EXPECT_TRUE(model.gbpa & (1u << 20));
	EXPECT_EQ(0u, model.bad_stes + model.missing_stes);
}

FIXTURE(modes)
{
	int unused;
};

FIXTURE_SETUP(modes)
{
}

FIXTURE_TEARDOWN(modes)
{
	if (regs)
		hyp_mmio_unregister(regs);
	regs = NULL;
	machine_down();
}

/* Hidden mode emulates nothing: the registers stay the hypervisor's, unrouted (an abort). */
TEST_F(modes, hidden_mode_has_no_register_file)
{
	ASSERT_EQ(0, boot(&qemu_cfg, BOOT_SMMU_HIDDEN));
	EXPECT_NULL(regs);
	EXPECT_EQ(ISOHYP_PAGE_MMIO_HYP, page_state(SMMU_PA));
	EXPECT_EQ(ISOHYP_PAGE_MMIO_HYP, page_state(SMMU_PA + 0x10000));
}

/* Nested mode traps both register pages; they stay the hypervisor's (state 4). */
TEST_F(nested, both_pages_emulated)
{
	EXPECT_TRUE(regs == hyp_mmio_find(SMMU_PA + 0x1ffff));
	EXPECT_EQ(0x20000ull, regs->size);
	EXPECT_EQ(ISOHYP_PAGE_MMIO_HYP, page_state(SMMU_PA + 0x10000));
}

/* Nested mode needs stage 1: an SMMU without IDR0.S1P is refused, nothing emulated. */
TEST_F(modes, nested_refused_without_stage1)
{
	struct smmu_cfg cfg = qemu_cfg;

	cfg.idr0 &= ~2u;
	EXPECT_EQ(-EOPNOTSUPP, boot(&cfg, BOOT_SMMU_NESTED));
	EXPECT_NULL(regs);
}

/* An unknown mode from the loader is refused. */
TEST_F(modes, unknown_mode_refused)
{
	EXPECT_EQ(-EINVAL, boot(&qemu_cfg, 2));
	EXPECT_NULL(regs);
}

TEST_HARNESS_MAIN
