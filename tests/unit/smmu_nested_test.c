// SPDX-License-Identifier: GPL-2.0-only
/*
 * Nested mode's emulated register file (drivers/smmuv3/nested.c, issue 14):
 * the real SMMUv3 driver, mem_protect, pins and hyp/mmio regions, with the
 * software SMMU of lib/smmu_model.c as the hardware. The host's accesses go
 * through the region hyp_mmio_find() returns, as the trap path's would.
 * Expected values come from the spec and QEMU's ID registers
 * (ARCHITECTURE.md section 7), not from the driver.
 */
#define _GNU_SOURCE /* MAP_FIXED_NOREPLACE */
#include <string.h>
#include <sys/mman.h>

#include "harness.h"
#include <isohyp/errno.h>
/* The driver's internals: its STE update counters and re-shadow entry point. */
#include <smmuv3/nested.h>
#undef IDR0_COHACC /* smmu_machine.h's, as a plain mask */
#include "lib/smmu_machine.h"
#include <isohyp/iommu.h>
#include <isohyp/mem_protect.h>
#include <isohyp/mmio.h>
#include <uapi/isohyp.h>
#include <asm/cache.h>

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
#define HOST_L2 (RAM0 + 0x500000)
#define HOST_CD (RAM0 + 0x600000)
/* The part of RAM0 the host's tables live in: real memory at its address. */
#define HOST_MEM_SIZE (8ull << 20)

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

/* Back [RAM0, RAM0 + HOST_MEM_SIZE) with memory once; zero it for each test. */
static bool host_mem_up(void)
{
	static bool mapped;
	void *p;

	if (!mapped) {
		p = mmap((void *)(uintptr_t)RAM0, HOST_MEM_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		mapped = p == (void *)(uintptr_t)RAM0;
	}
	if (mapped)
		memset((void *)(uintptr_t)RAM0, 0, HOST_MEM_SIZE);
	return mapped;
}

FIXTURE_SETUP(nested)
{
	struct smmu_cfg cfg = qemu_cfg;

	ASSERT_TRUE(host_mem_up());
	cfg.coherent = variant->dt_coherent;
	ASSERT_EQ(0, boot(&cfg, BOOT_SMMU_NESTED));
	ASSERT_NE_NULL(regs);
}

/* Everything off: the pins go (mem_protect's pin table outlives a test). */
static void nested_down(void)
{
	if (regs) {
		wr(CR0, 4, 0);
		hyp_mmio_unregister(regs);
	}
	regs = NULL;
	machine_down();
}

FIXTURE_TEARDOWN(nested)
{
	nested_down();
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

/* GBPA starts as firmware left it (QEMU: 0x1000, bypass); fields change only with UPDATE. */
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

/* Bases the hypervisor owns, or not RAM: the enable refused, nothing pinned, others unaffected. */
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

/* The real SMMU stays enabled and aborting while disabled whatever the host programs. */
TEST_F(nested, real_smmu_stays_the_hypervisors)
{
	program_bases();
	EXPECT_EQ(0, wr(CR0, 4, CMDQEN | EVTQEN | SMMUEN));
	EXPECT_EQ(0, wr(CR0, 4, 0));
	EXPECT_EQ(0, wr(GBPA, 4, (1u << 31)));
	EXPECT_EQ(CMDQEN | EVTQEN | SMMUEN, model.cr0);
	EXPECT_TRUE(model.gbpa & (1u << 20));
	EXPECT_DMA_OK(0, RAM0, ATTR_NORMAL_WB);
	EXPECT_DMA_FAULT(0, CARVE);
}

/* ---- the stream table shadow (nested_ste.c) ------------------------------------ */

/* STE fields, from IHI 0070 5.2 (not the driver's header). */
#define V 1ull
#define CFG(c) ((u64)(c) << 1)
#define CFG_OF(d0) (((d0) >> 1) & 7)
#define CFG_ABORT 0
#define CFG_BYPASS 4
#define CFG_S1 5
#define CFG_S2 6
#define CFG_S12 7
#define S1CTXPTR_MASK 0x000fffffffffffc0ull

/* The real STE of @sid, found as the SMMU finds it: from the model's registers. */
static const u64 *real_ste(u32 sid)
{
	u64 base = model.strtab_base & 0x000fffffffffffc0ull, l1, l2;
	u32 cfg = model.strtab_base_cfg, split = (cfg >> 6) & 0x1f;

	if (((cfg >> 16) & 3) == 0)
		return (const u64 *)(uintptr_t)(base + (u64)sid * 64);
	l1 = *(const u64 *)(uintptr_t)(base + (u64)(sid >> split) * 8);
	l2 = l1 & 0x000fffffffffffc0ull;
	return (const u64 *)(uintptr_t)(l2 + (u64)(sid & ((1u << split) - 1)) * 64);
}

/* The level-2 table the SMMU uses for @sid (2-level only). */
static u64 real_l2(u32 sid)
{
	u64 base = model.strtab_base & 0x000fffffffffffc0ull;
	u32 split = (model.strtab_base_cfg >> 6) & 0x1f;

	return *(const u64 *)(uintptr_t)(base + (u64)(sid >> split) * 8) & 0x000fffffffffffc0ull;
}

/* The real queue's last @back-th command (1: the latest), as the SMMU holds it. */
static const u64 *real_cmd(unsigned int back)
{
	u32 log2 = model.cmdq_base & 0x1f, idx = (model.cmdq_prod - back) & ((1u << log2) - 1);

	return (const u64 *)(uintptr_t)((model.cmdq_base & 0x000fffffffffffe0ull) + idx * 16ull);
}

static u64 *host_ste(u32 sid)
{
	return (u64 *)(uintptr_t)(HOST_STRTAB + (u64)sid * 64);
}

/*
 * Every one of the 2^16 stream IDs has an STE the hypervisor may write:
 * abort, stage 2, stage 1 + 2 -- or V = 0, which the SMMU treats as
 * C_BAD_STE and aborts (for an invalid host configuration). Those with
 * V = 0 are counted in *@invalid if asked.
 */
static unsigned int count_bad_real_stes_inval(unsigned int *invalid)
{
	unsigned int sid, bad = 0;

	if (invalid)
		*invalid = 0;
	for (sid = 0; sid < 0x10000; sid++) {
		const u64 *ste = real_ste(sid);
		u32 c = CFG_OF(ste[0]);

		if (!(ste[0] & V)) {
			if (invalid)
				(*invalid)++;
			continue;
		}
		if (c != CFG_ABORT && c != CFG_S2 && c != CFG_S12)
			bad++;
	}
	return bad;
}

static unsigned int count_bad_real_stes(void)
{
	return count_bad_real_stes_inval(NULL);
}

/* Host SMMUEN = 0: GBPA.ABORT aborts every stream; bypass is the identity stage 2 again. */
TEST_F(nested, gbpa_abort_while_disabled)
{
	EXPECT_DMA_OK(0x1234, RAM0, ATTR_NORMAL_WB);
	EXPECT_EQ(0, wr(GBPA, 4, (1u << 31) | (1u << 20)));
	EXPECT_DMA_FAULT(0, RAM0);
	EXPECT_DMA_FAULT(0x1234, RAM1);
	EXPECT_DMA_FAULT(0xffff, RAM0);
	EXPECT_EQ((u64)CFG(CFG_ABORT) | V, real_ste(0x1234)[0]);
	{
		unsigned int invalid;

		EXPECT_EQ(0u, count_bad_real_stes_inval(&invalid));
		EXPECT_EQ(0u, invalid); /* abort: no C_BAD_STE for the SMMU to record */
	}
	/* The control: bypass again, DMA reaches host RAM (not the carve-out). */
	EXPECT_EQ(0, wr(GBPA, 4, (1u << 31)));
	EXPECT_DMA_OK(0x1234, RAM0, ATTR_NORMAL_WB);
	EXPECT_DMA_OK(0, RAM1, ATTR_NORMAL_WB);
	EXPECT_DMA_FAULT(0, CARVE);
	EXPECT_EQ((u64)CFG(CFG_S2) | V, real_ste(0x1234)[0]);
}

/* STE dword 1's attribute overrides (5.2) and GBPA's fields (6.3.14), from the spec. */
#define STE1_MEMATTR(a) ((u64)(a) << 32)
#define STE1_MTCFG (1ull << 36)
#define STE1_ALLOCCFG(a) ((u64)(a) << 37)
#define STE1_SHCFG(a) ((u64)(a) << 44)
#define STE1_PRIVCFG(a) ((u64)(a) << 48)
#define STE1_INSTCFG(a) ((u64)(a) << 50)
#define G_UPD (1u << 31)
#define G_MEMATTR(a) ((u32)(a))
#define G_MTCFG (1u << 4)
#define G_ALLOCCFG(a) ((u32)(a) << 8)
#define G_SHCFG(a) ((u32)(a) << 12)
#define G_PRIVCFG(a) ((u32)(a) << 16)
#define G_INSTCFG(a) ((u32)(a) << 18)

/*
 * Host SMMUEN = 0, GBPA bypass: GBPA's attributes reach every stream as its
 * STE's overrides of the incoming attributes, over the same stage 2 (which
 * they cannot weaken: the carve-out still faults). Uniform spans still share
 * one table, changed without a fault on a stream in use; reserved values and
 * INSTCFG "instruction" become "incoming". Back to the reset GBPA, back to
 * the driver's own table.
 */
TEST_F(nested, gbpa_attributes_reach_bypass_stes)
{
	u64 free_before = pool.nr_free, s2_d2 = real_ste(0)[2], s2_d3 = real_ste(0)[3];
	u64 l2_reset = real_l2(0);

	model.watch[0] = RAM0;
	model.watch_sid[0] = 0x1234;
	model.nr_watch = 1;
	EXPECT_EQ(0, wr(GBPA, 4,
			G_UPD | G_MTCFG | G_MEMATTR(0x5) | G_SHCFG(3) | G_ALLOCCFG(0xe) |
				G_PRIVCFG(2) | G_INSTCFG(2)));
	EXPECT_EQ(STE1_MTCFG | STE1_MEMATTR(0x5) | STE1_SHCFG(3) | STE1_ALLOCCFG(0xe) |
			  STE1_PRIVCFG(2) | STE1_INSTCFG(2),
		  real_ste(0x1234)[1]);
	EXPECT_EQ((u64)CFG(CFG_S2) | V, real_ste(0x1234)[0]);
	EXPECT_EQ(s2_d2, real_ste(0x1234)[2]); /* our stage 2, VMID 0 */
	EXPECT_EQ(s2_d3, real_ste(0x1234)[3]);
	EXPECT_DMA_OK(0x1234, RAM0, ATTR_NORMAL_WB);
	EXPECT_DMA_FAULT(0x1234, CARVE);
	EXPECT_EQ(real_l2(0), real_l2(0xff00));
	EXPECT_NE(l2_reset, real_l2(0));
	EXPECT_EQ(free_before, pool.nr_free); /* shared: no table per span */
	/* Reserved MemAttr (outer cacheable, inner 0b00), PRIVCFG 0b01, INSTCFG instruction. */
	EXPECT_EQ(0,
		  wr(GBPA, 4,
		     G_UPD | G_MTCFG | G_MEMATTR(0x4) | G_SHCFG(2) | G_PRIVCFG(1) | G_INSTCFG(3)));
	EXPECT_EQ(STE1_SHCFG(2), real_ste(0x1234)[1]);
	EXPECT_EQ(STE1_SHCFG(2), real_ste(0)[1]);
	EXPECT_DMA_OK(0x1234, RAM0, ATTR_NORMAL_WB);
	/* Device-nGnRE for every bypassing stream: the input's, never stage 2's RAM mapping. */
	EXPECT_EQ(0, wr(GBPA, 4, G_UPD | G_MTCFG | G_MEMATTR(0x1) | G_SHCFG(1)));
	EXPECT_EQ(STE1_MTCFG | STE1_MEMATTR(0x1) | STE1_SHCFG(1), real_ste(0xffff)[1]);
	EXPECT_EQ(free_before, pool.nr_free);
	/* Reset GBPA (QEMU's 0x1000, "incoming"): the driver's stage-2 table again. */
	EXPECT_EQ(0, wr(GBPA, 4, G_UPD | G_SHCFG(1)));
	EXPECT_EQ(l2_reset, real_l2(0));
	EXPECT_EQ(STE1_SHCFG(1), real_ste(0x1234)[1]);
	EXPECT_EQ(0u, model.transient_faults);
	model.nr_watch = 0;
	EXPECT_EQ(0u, count_bad_real_stes());
}

/* With the host's SMMUEN = 1, GBPA is not used: a BYPASS STE gets no overrides. */
TEST_F(nested, gbpa_attributes_unused_while_enabled)
{
	host_ste(1)[0] = V | CFG(CFG_BYPASS);
	program_bases();
	EXPECT_EQ(0, wr(GBPA, 4, G_UPD | G_MTCFG | G_MEMATTR(0x5) | G_SHCFG(3)));
	EXPECT_EQ(STE1_MTCFG | STE1_MEMATTR(0x5) | STE1_SHCFG(3), real_ste(1)[1]);
	ASSERT_EQ(0, wr(CR0, 4, CMDQEN | SMMUEN));
	EXPECT_EQ(STE1_SHCFG(1), real_ste(1)[1]); /* incoming */
	EXPECT_DMA_OK(1, RAM0, ATTR_NORMAL_WB);
	/* And back: translation off, GBPA's attributes again. */
	ASSERT_EQ(0, wr(CR0, 4, CMDQEN));
	EXPECT_EQ(STE1_MTCFG | STE1_MEMATTR(0x5) | STE1_SHCFG(3), real_ste(1)[1]);
}

/* Host SMMUEN = 1 with a linear table: each host STE gets the STE of the table in nested_ste.c. */
TEST_F(nested, smmuen_shadows_each_host_ste)
{
	const u64 *s2 = real_ste(0);
	u64 s2_d2 = s2[2], s2_d3 = s2[3];

	host_ste(1)[0] = V | CFG(CFG_BYPASS);
	host_ste(2)[0] = V | CFG(CFG_ABORT);
	host_ste(3)[0] = CFG(CFG_BYPASS); /* not valid */
	host_ste(4)[0] = V | CFG(CFG_S1) | HOST_CD;
	host_ste(5)[0] = V | CFG(CFG_S2);
	host_ste(6)[0] = V | CFG(CFG_S12) | HOST_CD;
	host_ste(7)[0] = V | CFG(CFG_S1) | HOST_CD | (1ull << 59); /* S1CDMax 1 */
	host_ste(8)[0] = V | CFG(1); /* reserved */
	program_bases();
	ASSERT_EQ(0, wr(CR0, 4, CMDQEN | EVTQEN | SMMUEN));
	ASSERT_EQ(CMDQEN | EVTQEN | SMMUEN, rd32(CR0ACK));
	EXPECT_DMA_OK(1, RAM0, ATTR_NORMAL_WB);
	EXPECT_DMA_FAULT(1, CARVE);
	EXPECT_EQ((u64)CFG(CFG_S2) | V, real_ste(1)[0]);
	EXPECT_EQ(s2_d2, real_ste(1)[2]);
	EXPECT_EQ(s2_d3, real_ste(1)[3]);
	EXPECT_EQ((u64)CFG(CFG_S12) | V | HOST_CD, real_ste(4)[0]);
	EXPECT_EQ(s2_d2, real_ste(4)[2]); /* our stage 2, VMID 0 */
	EXPECT_EQ(s2_d3, real_ste(4)[3]);
	/* Config abort: abort. */
	EXPECT_EQ((u64)CFG(CFG_ABORT) | V, real_ste(2)[0]);
	EXPECT_DMA_FAULT(2, RAM0);
	{
		/* Invalid (V = 0, stage 2 not offered, S1CDMax, reserved), or no STE: V = 0. */
		static const u32 invalid[] = { 0, 3, 5, 6, 7, 8, 255, 256, 0x1234, 0xffff };
		unsigned int i, nr;

		for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
			TH_LOG("stream %x", invalid[i]);
			EXPECT_EQ(0ull, real_ste(invalid[i])[0] & V);
			EXPECT_DMA_FAULT(invalid[i], RAM0);
		}
		EXPECT_EQ(0u, count_bad_real_stes_inval(&nr));
		EXPECT_EQ(0x10000u - 3, nr); /* all but streams 1, 2 and 4 */
	}
	/* Translation off again (GBPA bypass): the identity stage 2 for every stream. */
	EXPECT_EQ(0, wr(CR0, 4, CMDQEN | EVTQEN));
	EXPECT_DMA_OK(2, RAM0, ATTR_NORMAL_WB);
	EXPECT_DMA_OK(0x1234, RAM0, ATTR_NORMAL_WB);
	EXPECT_EQ((u64)CFG(CFG_S2) | V, real_ste(4)[0]);
}

/* Every host field that would weaken stage 2 (or needs a feature not offered) is forced. */
TEST_F(nested, stage1_ste_fields_forced)
{
	u64 *h = host_ste(4), s2_d2 = real_ste(0)[2], s2_d3 = real_ste(0)[3];
	const u64 *r;

	h[0] = V | CFG(CFG_S1) | (1ull << 4) /* S1Fmt */ | HOST_CD | 0x40;
	/* (S1STALLD would make it ILLEGAL: no stalls are offered. See invalid_host_stes_*.) */
	h[1] = 2 /* S1DSS */ | (1ull << 2) | (1ull << 4) | (3ull << 6) /* S1CIR/COR/CSH */ |
	       (1ull << 19) /* MEV */ | (1ull << 28) /* EATS */ | (2ull << 30) /* STRW: EL2 */ |
	       (0xfull << 32) /* MemAttr */ | (1ull << 36) | (0xfull << 37) /* ALLOCCFG */ |
	       (0ull << 44) /* SHCFG: non-shareable */ | (3ull << 48) |
	       (3ull << 50) /* PRIVCFG, INSTCFG */;
	h[2] = 0x1234 | (1ull << 57); /* a VMID, S2S: stage 2 fields of the host's */
	h[3] = CARVE; /* an S2TTB at the carve-out */
	program_bases();
	ASSERT_EQ(0, wr(CR0, 4, CMDQEN | SMMUEN));
	r = real_ste(4);
	EXPECT_EQ(V | CFG(CFG_S12) | ((HOST_CD | 0x40) & S1CTXPTR_MASK), r[0]);
	/* Kept: the CD fetch's attributes. Ours: SHCFG incoming. Nothing else. */
	EXPECT_EQ((1ull << 2) | (1ull << 4) | (3ull << 6) | (1ull << 44), r[1]);
	EXPECT_EQ(0ull, r[2] & 0xffff); /* VMID 0 */
	EXPECT_EQ(0ull, r[2] & (1ull << 57)); /* never stall */
	EXPECT_EQ(s2_d2, r[2]);
	EXPECT_EQ(s2_d3, r[3]);
	EXPECT_NE(CARVE, r[3] & 0x000ffffffffff000ull);
}

/* A 2-level host table: streams in a level-2 table get shadows, the rest abort. */
TEST_F(nested, two_level_host_table)
{
	u64 *l1 = (u64 *)(uintptr_t)HOST_STRTAB, *l2 = (u64 *)(uintptr_t)HOST_L2;

	l1[0] = HOST_L2 | 9; /* Span 9: 256 STEs */
	l1[2] = HOST_L2 | 9; /* streams 0x200..: the same table */
	l1[3] = CARVE | 9; /* a level-2 table in hypervisor memory */
	l2[1 * 8] = V | CFG(CFG_BYPASS);
	l2[5 * 8] = V | CFG(CFG_S1) | HOST_CD;
	program_bases();
	wr(STRTAB_BASE_CFG, 4, (1u << 16) | (8u << 6) | 16);
	ASSERT_EQ(0, wr(CR0, 4, CMDQEN | SMMUEN));
	ASSERT_EQ(CMDQEN | SMMUEN, rd32(CR0ACK));
	EXPECT_DMA_OK(1, RAM0, ATTR_NORMAL_WB);
	EXPECT_DMA_OK(0x201, RAM0, ATTR_NORMAL_WB);
	EXPECT_EQ((u64)CFG(CFG_S12) | V | HOST_CD, real_ste(5)[0]);
	EXPECT_EQ((u64)CFG(CFG_S12) | V | HOST_CD, real_ste(0x205)[0]);
	EXPECT_DMA_FAULT(0, RAM0);
	EXPECT_DMA_FAULT(0x101, RAM0); /* no level-2 table */
	EXPECT_DMA_FAULT(0x301, RAM0); /* level 2 in the carve-out: not read */
	EXPECT_EQ((u64)CFG(CFG_ABORT) | V, real_ste(0x301)[0]);
	EXPECT_DMA_FAULT(0x1234, RAM0);
	EXPECT_EQ(0u, count_bad_real_stes());
}

/*
 * Uniform spans share one table (abort, or the identity stage 2); a mixed one
 * gets its own, freed when the span is uniform again.
 */
TEST_F(nested, spans_share_tables)
{
	u64 free_before = pool.nr_free;

	host_ste(1)[0] = V | CFG(CFG_BYPASS);
	program_bases();
	EXPECT_EQ(real_l2(0), real_l2(0xff00)); /* bypass while disabled: one shared table */
	for (unsigned int sid = 0xc0; sid < 0x100; sid++)
		host_ste(sid)[0] = V | CFG(CFG_ABORT);
	ASSERT_EQ(0, wr(CR0, 4, CMDQEN | SMMUEN));
	EXPECT_NE(real_l2(0), real_l2(64)); /* bypass and invalid: a table of its own */
	/* All invalid host STEs (V = 0), all beyond the table, all abort: shared, by kind. */
	EXPECT_EQ(real_l2(0x40), real_l2(0x80));
	EXPECT_NE(real_l2(0x40), real_l2(0x100));
	EXPECT_EQ(real_l2(0x100), real_l2(0xffc0));
	EXPECT_NE(real_l2(0xc0), real_l2(0x100));
	EXPECT_NE(real_l2(0xc0), real_l2(0x40));
	EXPECT_EQ(free_before - 1, pool.nr_free); /* one table of its own */
	EXPECT_EQ(0, wr(CR0, 4, CMDQEN));
	EXPECT_EQ(real_l2(0), real_l2(64));
	EXPECT_EQ(free_before, pool.nr_free);
}

/*
 * STE changes never show a transaction a half-written or missing STE: a
 * device that keeps using stream 0 sees no fault while the stream table
 * around it changes, and stage 2 <-> stage 1 + 2 and abort <-> anything
 * change in place; only a change of both the CD pointer and its attributes
 * goes through abort.
 */
TEST_F(nested, ste_updates_are_hitless)
{
	struct smmu_nested *n = smmus[0].nested;
	u64 bbm;

	host_ste(0)[0] = V | CFG(CFG_BYPASS);
	host_ste(1)[0] = V | CFG(CFG_BYPASS);
	program_bases();
	model.watch[0] = RAM0;
	model.nr_watch = 1;
	ASSERT_EQ(0, wr(CR0, 4, CMDQEN | SMMUEN));
	EXPECT_EQ(0u, model.transient_faults);
	EXPECT_GT(model.nr_sync, 0u);
	bbm = n->nr_bbm;
	/* Stage 2 -> stage 1 + 2 -> another CD -> stage 2 -> abort -> stage 2. */
	host_ste(1)[0] = V | CFG(CFG_S1) | HOST_CD;
	host_ste(1)[1] = 1ull << 2;
	ASSERT_EQ(0, smmu_nested_shadow_range(n, 1, 1));
	EXPECT_EQ((u64)CFG(CFG_S12) | V | HOST_CD, real_ste(1)[0]);
	/* Stage 1's dword 1 first, then dword 0: two CFGI_STE + CMD_SYNC, no abort. */
	EXPECT_EQ((u64)0x03 | (1ull << 32), real_cmd(4)[0]);
	EXPECT_EQ((u64)0x03 | (1ull << 32), real_cmd(2)[0]);
	EXPECT_NE((u64)0x03 | (1ull << 32), real_cmd(6)[0]);
	host_ste(1)[0] = V | CFG(CFG_S1) | (HOST_CD + 0x1000);
	ASSERT_EQ(0, smmu_nested_shadow_range(n, 1, 1));
	EXPECT_EQ((u64)CFG(CFG_S12) | V | (HOST_CD + 0x1000), real_ste(1)[0]);
	host_ste(1)[0] = V | CFG(CFG_BYPASS);
	ASSERT_EQ(0, smmu_nested_shadow_range(n, 1, 1));
	EXPECT_EQ(0ull, real_ste(1)[1] & (3ull << 2)); /* S1CIR cleaned up after */
	host_ste(1)[0] = V | CFG(CFG_ABORT);
	ASSERT_EQ(0, smmu_nested_shadow_range(n, 1, 1));
	EXPECT_DMA_FAULT(1, RAM0);
	host_ste(1)[0] = V | CFG(CFG_BYPASS);
	ASSERT_EQ(0, smmu_nested_shadow_range(n, 1, 1));
	EXPECT_DMA_OK(1, RAM0, ATTR_NORMAL_WB);
	EXPECT_EQ(bbm, n->nr_bbm);
	/* Both dwords 0 and 1 change: through abort. */
	host_ste(1)[0] = V | CFG(CFG_S1) | HOST_CD;
	host_ste(1)[1] = 1ull << 2;
	ASSERT_EQ(0, smmu_nested_shadow_range(n, 1, 1));
	host_ste(1)[0] = V | CFG(CFG_S1) | (HOST_CD + 0x2000);
	host_ste(1)[1] = 2ull << 2;
	ASSERT_EQ(0, smmu_nested_shadow_range(n, 1, 1));
	EXPECT_EQ(bbm + 1, n->nr_bbm);
	/* Abort, dwords 1-3, dword 0: three CFGI_STE + CMD_SYNC, in that order. */
	{
		unsigned int k;

		for (k = 0; k < 3; k++) {
			EXPECT_EQ((u64)0x03 | (1ull << 32), real_cmd(6 - 2 * k)[0]);
			EXPECT_EQ((u64)0x46, real_cmd(5 - 2 * k)[0] & 0xff);
		}
	}
	EXPECT_EQ((u64)CFG(CFG_S12) | V | (HOST_CD + 0x2000), real_ste(1)[0]);
	EXPECT_EQ((2ull << 2) | (1ull << 44), real_ste(1)[1]);
	/* Stream 0 never faulted, whatever its neighbour went through. */
	EXPECT_EQ(0u, model.transient_faults);
	EXPECT_DMA_OK(0, RAM0, ATTR_NORMAL_WB);
	model.nr_watch = 0;
}

/* Stream 1's STE as the SMMU would fetch it at each CMD_SYNC it executes. */
static u64 seen[16][2];
static unsigned int nr_seen;

static void see_ste1(struct smmu_model *m, u64 reg, u8 op)
{
	if (reg != SMMU_MODEL_STEP_CMD || op != 0x46 || nr_seen == 16)
		return;
	seen[nr_seen][0] = real_ste(1)[0];
	seen[nr_seen][1] = real_ste(1)[1];
	nr_seen++;
}

/*
 * A change of two dwords goes through abort (3.21.3): whenever the SMMU may
 * fetch it, stream 1's STE is the old one, an abort or the new one -- never
 * the new CD's attributes with the old CD pointer.
 */
TEST_F(nested, bbm_never_shows_a_mixed_ste)
{
	u64 old0, old1, new0, new1;
	unsigned int i, aborts = 0;

	host_ste(1)[0] = V | CFG(CFG_S1) | HOST_CD;
	host_ste(1)[1] = 1ull << 2;
	program_bases();
	ASSERT_EQ(0, wr(CR0, 4, CMDQEN | SMMUEN));
	old0 = real_ste(1)[0], old1 = real_ste(1)[1];
	host_ste(1)[0] = V | CFG(CFG_S1) | (HOST_CD + 0x2000);
	host_ste(1)[1] = 2ull << 2;
	nr_seen = 0;
	model.on_step = see_ste1;
	ASSERT_EQ(0, smmu_nested_shadow_range(smmus[0].nested, 1, 1));
	model.on_step = NULL;
	new0 = real_ste(1)[0], new1 = real_ste(1)[1];
	EXPECT_NE(old0, new0);
	EXPECT_NE(old1, new1);
	EXPECT_GE(nr_seen, 2u);
	for (i = 0; i < nr_seen; i++) {
		bool abort = (seen[i][0] & V) && CFG_OF(seen[i][0]) == CFG_ABORT;

		aborts += abort;
		EXPECT_TRUE(abort || (seen[i][0] == old0 && seen[i][1] == old1) ||
			    (seen[i][0] == new0 && seen[i][1] == new1));
	}
	EXPECT_GT(aborts, 0u);
}

/* Re-shadowing what did not change writes nothing and issues no command. */
TEST_F(nested, unchanged_ste_not_rewritten)
{
	struct smmu_nested *n = smmus[0].nested;
	u64 writes;
	unsigned int cmds;

	host_ste(1)[0] = V | CFG(CFG_S1) | HOST_CD;
	program_bases();
	ASSERT_EQ(0, wr(CR0, 4, CMDQEN | SMMUEN));
	writes = n->nr_ste_writes;
	cmds = model.nr_log;
	ASSERT_EQ(0, smmu_nested_shadow_range(n, 0, 64));
	EXPECT_EQ(writes, n->nr_ste_writes);
	EXPECT_EQ(cmds, model.nr_log);
}

/* Once the host's stage 1 was on, an ownership change invalidates the whole VMID. */
TEST_F(nested, ownership_change_with_stage1_invalidates_vmid)
{
	unsigned int from, i, tlbi = 0;
	u64 page = RAM0 + 0x700000;

	host_ste(1)[0] = V | CFG(CFG_S1) | HOST_CD;
	program_bases();
	ASSERT_EQ(0, wr(CR0, 4, CMDQEN | SMMUEN));
	from = model.nr_log;
	ASSERT_EQ(0, __pkvm_host_donate_hyp(page >> 12, 1));
	for (i = from; i < model.nr_log; i++)
		if (model.log[i].op == 0x28 || model.log[i].op == 0x2a || model.log[i].op == 0x30)
			tlbi++;
	EXPECT_EQ(1u, tlbi);
	EXPECT_EQ(0x28, model.log[from].op); /* TLBI_S12_VMALL */
	EXPECT_TRUE(smmu_model_invalidated(&model, from, page));
	EXPECT_EQ(0, __pkvm_host_reclaim(page >> 12, 1));
}

/*
 * The SMMU lost its state and the watchdog took it over again (hidden mode's
 * stream table): the host's next register access puts its shadow back.
 */
TEST_F(nested, shadow_restored_after_retakeover)
{
	host_ste(0)[0] = V | CFG(CFG_BYPASS);
	host_ste(1)[0] = V | CFG(CFG_ABORT);
	program_bases();
	ASSERT_EQ(0, wr(IRQ_CTRL, 4, 0x5));
	ASSERT_EQ(0, wr(CR0, 4, CMDQEN | EVTQEN | SMMUEN));
	EXPECT_DMA_FAULT(1, RAM0);
	smmu_model_power_loss(&model);
	smmu_watchdog(&smmus[0]);
	EXPECT_EQ(1ull, smmus[0].nr_reinits);
	EXPECT_EQ(0u, model.irq_ctrl);
	rd32(IDR0);
	EXPECT_DMA_FAULT(1, RAM0);
	EXPECT_DMA_OK(0, RAM0, ATTR_NORMAL_WB);
	EXPECT_EQ(0x5u, model.irq_ctrl);
	EXPECT_EQ(0u, count_bad_real_stes());
}

/* ---- the command queue shadow (nested_cmdq.c) ----------------------------------- */

#define OP_PREFETCH_CONFIG 0x01
#define OP_PREFETCH_ADDR 0x02
#define OP_CFGI_STE 0x03
#define OP_CFGI_STE_RANGE 0x04
#define OP_CFGI_CD 0x05
#define OP_CFGI_CD_ALL 0x06
#define OP_CFGI_VMS_PIDM 0x07
#define OP_TLBI_NH_ALL 0x10
#define OP_TLBI_NH_ASID 0x11
#define OP_TLBI_NH_VA 0x12
#define OP_TLBI_NH_VAA 0x13
#define OP_TLBI_EL3_ALL 0x18
#define OP_TLBI_EL3_VA 0x1a
#define OP_TLBI_EL2_ALL 0x20
#define OP_TLBI_EL2_ASID 0x21
#define OP_TLBI_EL2_VA 0x22
#define OP_TLBI_EL2_VAA 0x23
#define OP_TLBI_S12_VMALL 0x28
#define OP_TLBI_S2_IPA 0x2a
#define OP_TLBI_NSNH_ALL 0x30
#define OP_ATC_INV 0x40
#define OP_PRI_RESP 0x41
#define OP_RESUME 0x44
#define OP_STALL_TERM 0x45
#define OP_CMD_SYNC 0x46
#define CONS_ERR_ILL (1u << 24)
#define GERROR_CMDQ 1u

/* The host's command queue: 2^@log2 entries at HOST_CMDQ, its PROD as the host keeps it. */
static u32 hprod, hlog2;

static void host_cmdq_on(u32 log2)
{
	hlog2 = log2;
	hprod = 0;
	program_bases();
	wr(CMDQ_BASE, 8, HOST_CMDQ | log2);
	wr(CMDQ_PROD, 4, 0);
	wr(CMDQ_CONS, 4, 0);
	wr(CR0, 4, CMDQEN | EVTQEN);
}

/* Put a command in the host's queue (PROD not written). */
static void host_cmd(u64 d0, u64 d1)
{
	u64 *e = (u64 *)(uintptr_t)(HOST_CMDQ + (u64)(hprod & ((1u << hlog2) - 1)) * 16);

	e[0] = d0;
	e[1] = d1;
	hprod = (hprod + 1) & ((2u << hlog2) - 1);
}

static void host_kick(void)
{
	wr(CMDQ_PROD, 4, hprod);
}


/* CMD_SYNC completes the host's batch: a real CMD_SYNC, then CONS past it. */
TEST_F(nested, cmd_sync_completes_batch)
{
	unsigned int syncs;

	host_cmdq_on(8);
	syncs = model.nr_sync;
	host_cmd(OP_CMD_SYNC, 0);
	host_cmd(OP_CMD_SYNC | (2u << 12), 0); /* CS = SEV, as Linux without MSIs */
	host_kick();
	EXPECT_EQ(2u, rd32(CMDQ_CONS));
	EXPECT_EQ(syncs + 2, model.nr_sync);
	EXPECT_EQ(0u, rd32(GERROR));
}

/* Stage-1 invalidations go to the real queue with the hypervisor's VMID, the host's fields kept. */
TEST_F(nested, tlbi_nh_with_hypervisor_vmid)
{
	const u64 *c;

	host_cmdq_on(8);
	host_cmd(OP_TLBI_NH_ASID | (0x77ull << 32) | (5ull << 48), 0);
	host_cmd(OP_TLBI_NH_VA | (3ull << 12) | (1ull << 20) | (0x77ull << 32) | (6ull << 48),
		 0x12345000ull | (1u << 10) | (2u << 8) | 1 | 0x80);
	host_cmd(OP_TLBI_NH_VAA | (0x77ull << 32) | (6ull << 48), 0xabc000ull);
	host_cmd(OP_TLBI_NH_ALL | (0x77ull << 32), 0);
	host_cmd(OP_CFGI_CD | (9ull << 32), 1);
	host_cmd(OP_CFGI_CD_ALL | (9ull << 32), 0);
	host_cmd(OP_CMD_SYNC, 0);
	host_kick();
	EXPECT_EQ(7u, rd32(CMDQ_CONS));
	c = real_cmd(7);
	EXPECT_EQ((u64)OP_TLBI_NH_ASID | (5ull << 48), c[0]);
	EXPECT_EQ(0ull, c[1]);
	c = real_cmd(6);
	EXPECT_EQ((u64)OP_TLBI_NH_VA | (3ull << 12) | (1ull << 20) | (6ull << 48), c[0]);
	EXPECT_EQ(0x12345000ull | (1u << 10) | (2u << 8) | 1, c[1]); /* bit 7 is RES0 */
	c = real_cmd(5);
	EXPECT_EQ((u64)OP_TLBI_NH_VAA, c[0]); /* no ASID, VMID 0 */
	EXPECT_EQ(0xabc000ull, c[1]);
	EXPECT_EQ((u64)OP_TLBI_NH_ALL, real_cmd(4)[0]);
	EXPECT_EQ((u64)OP_CFGI_CD | (9ull << 32), real_cmd(3)[0]);
	EXPECT_EQ(1ull, real_cmd(3)[1]);
	EXPECT_EQ((u64)OP_CFGI_CD_ALL | (9ull << 32), real_cmd(2)[0]);
	EXPECT_EQ((u64)OP_CMD_SYNC, real_cmd(1)[0] & 0xff);
}

/*
 * Without TG, TLBI_NH_VA's NUM, SCALE and TTL are RES0 (4.4.2): the real
 * command goes without them -- a real SMMU may call it illegal and stop the
 * hypervisor's queue. With TG a granule IDR5 offers (16 KiB), the range form
 * is passed on. (Found by fuzz target smmu_nested.)
 */
TEST_F(nested, tlbi_nh_va_res0_fields_dropped)
{
	unsigned int bad = model.nr_bad_cmds;
	const u64 *c;

	host_cmdq_on(8);
	host_cmd(OP_TLBI_NH_VA | (3ull << 12) | (1ull << 20) | (6ull << 48),
		 0x12345000ull | (2u << 8) | 1);
	host_cmd(OP_TLBI_NH_VAA | (2ull << 12), 0x40000ull | (2u << 10) | (1u << 8));
	host_cmd(OP_CMD_SYNC, 0);
	host_kick();
	EXPECT_EQ(3u, rd32(CMDQ_CONS));
	EXPECT_EQ(bad, model.nr_bad_cmds);
	EXPECT_EQ(0u, model.gerror & 1); /* the real queue runs on */
	c = real_cmd(3);
	EXPECT_EQ((u64)OP_TLBI_NH_VA | (6ull << 48), c[0]);
	EXPECT_EQ(0x12345000ull | 1, c[1]);
	c = real_cmd(2);
	EXPECT_EQ((u64)OP_TLBI_NH_VAA | (2ull << 12), c[0]);
	EXPECT_EQ(0x40000ull | (2u << 10) | (1u << 8), c[1]);
}

/* TLBI_NSNH_ALL (Linux's reset) is the whole of the hypervisor's VMID: TLBI_S12_VMALL 0. */
TEST_F(nested, nsnh_all_is_vmall)
{
	host_cmdq_on(8);
	host_cmd(OP_TLBI_NSNH_ALL, 0);
	host_cmd(OP_CMD_SYNC, 0);
	host_kick();
	EXPECT_EQ(2u, rd32(CMDQ_CONS));
	EXPECT_EQ((u64)OP_TLBI_S12_VMALL, real_cmd(2)[0]);
	EXPECT_TRUE(smmu_model_invalidated(&model, model.nr_log - 2, RAM0));
}

/* PREFETCH_* are fine, and nothing reaches the real queue. */
TEST_F(nested, prefetch_accepted_not_forwarded)
{
	u32 prod;

	host_cmdq_on(8);
	prod = model.cmdq_prod;
	host_cmd(OP_PREFETCH_CONFIG | (1ull << 32), 0);
	host_cmd(OP_PREFETCH_ADDR | (1ull << 32), 0x1000);
	host_kick();
	EXPECT_EQ(2u, rd32(CMDQ_CONS));
	EXPECT_EQ(prod, model.cmdq_prod);
}

/*
 * Each command the host may not use is CERROR_ILL: CONS stops on it with
 * ERR, GERROR.CMDQ_ERR toggles, nothing after it runs and nothing of it
 * reaches the real SMMU; the host's recovery (replace it, acknowledge in
 * GERRORN) lets the queue go on.
 */
TEST_F(nested, illegal_commands_cerror_ill)
{
	static const u64 ill[][2] = {
		{ OP_TLBI_EL2_ALL, 0 }, { OP_TLBI_EL2_ASID, 0 }, { OP_TLBI_EL2_VA, 0 },
		{ OP_TLBI_EL2_VAA, 0 }, { OP_TLBI_EL3_ALL, 0 }, { OP_TLBI_EL3_VA, 0 },
		{ OP_TLBI_S2_IPA, 0x1000 }, { OP_TLBI_S12_VMALL | (1ull << 32), 0 },
		{ OP_CFGI_VMS_PIDM, 0 }, { OP_ATC_INV, 0 }, { OP_PRI_RESP, 0 }, { OP_RESUME, 0 },
		{ OP_STALL_TERM, 0 }, { OP_CMD_SYNC | (1u << 12), 0 } /* MSI */,
		{ OP_CMD_SYNC | (3u << 12), 0 }, { 0x00, 0 }, { 0xff, 0 },
		{ OP_CFGI_STE | (0x10000ull << 32), 0 } /* beyond SIDSIZE */,
		{ OP_CFGI_CD | (1ull << 32) | (1u << 12), 0 } /* an SSID: none offered */,
	};
	unsigned int i, syncs;
	u32 prod;

	host_cmdq_on(8);
	for (i = 0; i < sizeof(ill) / sizeof(ill[0]); i++) {
		u32 cons = rd32(CMDQ_CONS), gerror = rd32(GERROR);

		TH_LOG("command %llx %llx", (unsigned long long)ill[i][0],
		       (unsigned long long)ill[i][1]);
		prod = model.cmdq_prod;
		syncs = model.nr_sync;
		host_cmd(ill[i][0], ill[i][1]);
		host_cmd(OP_CMD_SYNC, 0);
		host_kick();
		EXPECT_EQ(cons | CONS_ERR_ILL, rd32(CMDQ_CONS));
		EXPECT_EQ(GERROR_CMDQ, (rd32(GERROR) ^ rd32(GERRORN)) & GERROR_CMDQ);
		EXPECT_EQ(gerror ^ GERROR_CMDQ, rd32(GERROR));
		EXPECT_EQ(prod, model.cmdq_prod);
		/* Another PROD write runs nothing while the error stands. */
		host_kick();
		EXPECT_EQ(cons | CONS_ERR_ILL, rd32(CMDQ_CONS));
		/* Linux's recovery: a CMD_SYNC in its place, then acknowledge. */
		((u64 *)(uintptr_t)(HOST_CMDQ + (cons & 0xff) * 16ull))[0] = OP_CMD_SYNC;
		wr(GERRORN, 4, rd32(GERROR));
		EXPECT_EQ((cons + 2) & 0x1ff, rd32(CMDQ_CONS));
		EXPECT_EQ(syncs + 2, model.nr_sync);
	}
	EXPECT_EQ(0u, model.nr_bad_cmds);
}

/* CFGI_STE, CFGI_STE_RANGE and CFGI_ALL re-shadow what they name, and only that. */
TEST_F(nested, cfgi_reshadows)
{
	unsigned int sid;

	for (sid = 0; sid < 256; sid++)
		host_ste(sid)[0] = V | CFG(CFG_BYPASS);
	host_cmdq_on(8);
	ASSERT_EQ(0, wr(CR0, 4, CMDQEN | EVTQEN | SMMUEN));
	EXPECT_DMA_OK(1, RAM0, ATTR_NORMAL_WB);
	/* The host aborts streams 1 and 0x40-0x7f, and changes 0x80 without saying so. */
	host_ste(1)[0] = V | CFG(CFG_ABORT);
	for (sid = 0x40; sid < 0x80; sid++)
		host_ste(sid)[0] = V | CFG(CFG_ABORT);
	host_ste(0x80)[0] = V | CFG(CFG_ABORT);
	host_cmd(OP_CFGI_STE | (1ull << 32), 1);
	host_cmd(OP_CFGI_STE_RANGE | (0x45ull << 32), 5); /* 64 streams from 0x40 */
	host_cmd(OP_CMD_SYNC, 0);
	host_kick();
	EXPECT_EQ(3u, rd32(CMDQ_CONS));
	EXPECT_DMA_FAULT(1, RAM0);
	EXPECT_DMA_FAULT(0x40, RAM0);
	EXPECT_DMA_FAULT(0x7f, RAM0);
	EXPECT_DMA_OK(0, RAM0, ATTR_NORMAL_WB);
	EXPECT_DMA_OK(0x80, RAM0, ATTR_NORMAL_WB); /* not invalidated: the old STE stands */
	/* The host's invalidations reach the real SMMU too (for the CDs it caches). */
	EXPECT_EQ((u64)OP_CFGI_STE_RANGE, real_cmd(2)[0]); /* the range as CFGI_ALL */
	EXPECT_EQ(31ull, real_cmd(2)[1]);
	{
		unsigned int back;

		for (back = 3; back < 200; back++)
			if (real_cmd(back)[0] == ((u64)OP_CFGI_STE | (1ull << 32)))
				break;
		EXPECT_LT(back, 200u); /* stream 1's, after its re-shadow */
	}
	/* Even when our STE stays the same (stream 0: still bypass). */
	host_cmd(OP_CFGI_STE, 1);
	host_cmd(OP_CMD_SYNC, 0);
	host_kick();
	EXPECT_EQ((u64)OP_CFGI_STE, real_cmd(2)[0]);
	EXPECT_EQ((u64)OP_CMD_SYNC, real_cmd(1)[0] & 0xff);
	host_cmd(OP_CFGI_STE_RANGE, 31); /* CFGI_ALL */
	host_cmd(OP_CMD_SYNC, 0);
	host_kick();
	EXPECT_EQ(7u, rd32(CMDQ_CONS));
	EXPECT_DMA_FAULT(0x80, RAM0);
	EXPECT_DMA_OK(0x81, RAM0, ATTR_NORMAL_WB);
	EXPECT_EQ(0u, count_bad_real_stes());
}

/* The queue wraps: batches that straddle its end run in order, CONS's wrap bit follows. */
TEST_F(nested, queue_wraps_and_straddles)
{
	unsigned int i, syncs;

	host_cmdq_on(3); /* 8 entries */
	syncs = model.nr_sync;
	for (i = 0; i < 6; i++)
		host_cmd(OP_TLBI_NH_ASID | ((u64)i << 48), 0);
	host_kick();
	EXPECT_EQ(6u, rd32(CMDQ_CONS));
	/* Entries 6, 7, then 0..3 of the next lap (wrap bit set). */
	for (i = 0; i < 5; i++)
		host_cmd(OP_TLBI_NH_ASID | ((u64)(10 + i) << 48), 0);
	host_cmd(OP_CMD_SYNC, 0);
	host_kick();
	EXPECT_EQ(0x8u | 4u, rd32(CMDQ_CONS));
	EXPECT_EQ(syncs + 1, model.nr_sync);
	for (i = 0; i < 5; i++)
		EXPECT_EQ((u64)OP_TLBI_NH_ASID | ((u64)(10 + i) << 48), real_cmd(6 - i)[0]);
	/* And a full lap at once: 8 commands from the middle. */
	for (i = 0; i < 7; i++)
		host_cmd(OP_TLBI_NH_ALL, 0);
	host_cmd(OP_CMD_SYNC, 0);
	host_kick();
	EXPECT_EQ(4u, rd32(CMDQ_CONS)); /* wrap bit back to 0 */
	EXPECT_EQ(syncs + 2, model.nr_sync);
}

/* Commands wait while the queue is disabled, and run when it is enabled. */
TEST_F(nested, commands_wait_for_cmdqen)
{
	host_cmdq_on(8);
	wr(CR0, 4, EVTQEN);
	host_cmd(OP_CMD_SYNC, 0);
	host_kick();
	EXPECT_EQ(0u, rd32(CMDQ_CONS));
	wr(CR0, 4, EVTQEN | CMDQEN);
	EXPECT_EQ(1u, rd32(CMDQ_CONS));
}

/* ---- events (nested_evtq.c) -------------------------------------------------------- */

#define EVT_F_TRANSLATION 0x10
#define EVT_F_PERMISSION 0x13
#define EVT_C_BAD_CD 0x0a
#define EVT_S2 (1ull << 39)
#define OVFLG (1u << 31)

/* The real SMMU records an event, as the hardware would: at its PROD in its queue. */
static void real_event(u8 id, u32 sid, u64 d1, u64 addr)
{
	u32 log2 = model.evtq_base & 0x1f, mask = (2u << log2) - 1;
	u64 *e = (u64 *)(uintptr_t)((model.evtq_base & 0x000fffffffffffe0ull) +
				    (model.evtq_prod & ((1u << log2) - 1)) * 32ull);

	e[0] = id | (u64)sid << 32;
	e[1] = d1;
	e[2] = addr;
	e[3] = addr & ~0xfffull;
	if (model.noncoherent)
		poc_write64((u64)(uintptr_t)e, e[0]), poc_write64((u64)(uintptr_t)&e[1], e[1]),
			poc_write64((u64)(uintptr_t)&e[2], e[2]),
			poc_write64((u64)(uintptr_t)&e[3], e[3]), poc_evict((u64)(uintptr_t)e, 32);
	model.evtq_prod = (model.evtq_prod & OVFLG) | ((model.evtq_prod + 1) & mask);
}

static const u64 *host_evt(u32 idx)
{
	return (const u64 *)(uintptr_t)(HOST_EVTQ + idx * 32ull);
}

/* A host stream's stage-1 fault lands in the host's queue, unchanged, when it reads EVTQ_PROD. */
TEST_F(nested, stage1_faults_copied_to_host)
{
	program_bases();
	ASSERT_EQ(0, wr(CR0, 4, CMDQEN | EVTQEN));
	real_event(EVT_F_TRANSLATION, 4, 1ull << 35, 0x1234560);
	real_event(EVT_C_BAD_CD, 5, 0, 0);
	EXPECT_EQ(2u, rd32(EVTQ_PROD));
	EXPECT_EQ((u64)EVT_F_TRANSLATION | (4ull << 32), host_evt(0)[0]);
	EXPECT_EQ(1ull << 35, host_evt(0)[1]);
	EXPECT_EQ(0x1234560ull, host_evt(0)[2]);
	EXPECT_EQ((u64)EVT_C_BAD_CD | (5ull << 32), host_evt(1)[0]);
	/* Not the hypervisor's faults. */
	EXPECT_EQ(0ull, smmus[0].nr_s2_faults);
	/* The host consumes them; the next one goes after. */
	wr(EVTQ_CONS, 4, 2);
	real_event(EVT_F_PERMISSION, 4, 0, 0x2000);
	EXPECT_EQ(3u, rd32(EVTQ_PROD));
	EXPECT_EQ((u64)EVT_F_PERMISSION | (4ull << 32), host_evt(2)[0]);
}

/* A stage-2 fault (what the host does not own) stays the hypervisor's: counted, not copied. */
TEST_F(nested, stage2_faults_stay_the_hypervisors)
{
	u64 before = smmus[0].nr_s2_faults;

	program_bases();
	ASSERT_EQ(0, wr(CR0, 4, CMDQEN | EVTQEN));
	EXPECT_DMA_FAULT(0, CARVE); /* GBPA bypass: stream 0 on the identity stage 2 */
	real_event(EVT_F_TRANSLATION, 4, EVT_S2 | (1ull << 35), CARVE);
	EXPECT_EQ(0u, rd32(EVTQ_PROD));
	EXPECT_EQ(0ull, host_evt(0)[0]);
	EXPECT_EQ(before + 3, smmus[0].nr_s2_faults);
	/* The control: a stage-1 fault at the same address is copied. */
	real_event(EVT_F_TRANSLATION, 4, 0, CARVE);
	EXPECT_EQ(1u, rd32(EVTQ_PROD));
}

/* The host's queue full: the record is lost and OVFLG toggles once until acknowledged (7.4). */
TEST_F(nested, host_queue_overflow)
{
	program_bases();
	wr(EVTQ_BASE, 8, HOST_EVTQ | 1); /* 2 entries */
	ASSERT_EQ(0, wr(CR0, 4, CMDQEN | EVTQEN));
	real_event(EVT_F_TRANSLATION, 1, 0, 0x1000);
	real_event(EVT_F_TRANSLATION, 2, 0, 0x2000);
	real_event(EVT_F_TRANSLATION, 3, 0, 0x3000);
	real_event(EVT_F_TRANSLATION, 4, 0, 0x4000);
	EXPECT_EQ(OVFLG | 0x2u, rd32(EVTQ_PROD)); /* full (wrap bit set), overflowed */
	EXPECT_EQ((u64)EVT_F_TRANSLATION | (1ull << 32), host_evt(0)[0]);
	EXPECT_EQ((u64)EVT_F_TRANSLATION | (2ull << 32), host_evt(1)[0]);
	EXPECT_EQ(2ull, smmus[0].nested->nr_host_events_lost);
	/* The host drains and acknowledges the overflow; new records arrive again. */
	wr(EVTQ_CONS, 4, OVFLG | 0x2);
	real_event(EVT_F_TRANSLATION, 5, 0, 0x5000);
	EXPECT_EQ(OVFLG | 0x3u, rd32(EVTQ_PROD));
	EXPECT_EQ((u64)EVT_F_TRANSLATION | (5ull << 32), host_evt(0)[0]);
}

/*
 * More of the host's events at one drain than the hypervisor stages (64):
 * the rest are lost, and that is an overflow of the host's queue (7.4) even
 * though its queue had room.
 */
TEST_F(nested, staging_overflow_is_host_overflow)
{
	unsigned int i;

	program_bases(); /* 128 entries */
	ASSERT_EQ(0, wr(CR0, 4, CMDQEN | EVTQEN));
	for (i = 0; i < 70; i++)
		real_event(EVT_F_TRANSLATION, 1, 0, 0x1000 * i);
	EXPECT_EQ(OVFLG | 64u, rd32(EVTQ_PROD));
	EXPECT_EQ(0x3f000ull, host_evt(63)[2]);
	EXPECT_EQ(6ull, smmus[0].nested->nr_host_events_lost);
	/* Acknowledged: the next records arrive without another overflow. */
	wr(EVTQ_CONS, 4, OVFLG | 64u);
	real_event(EVT_F_TRANSLATION, 1, 0, 0x99000);
	EXPECT_EQ(OVFLG | 65u, rd32(EVTQ_PROD));
}

/* With the host's event queue disabled its events are discarded, not kept for later. */
TEST_F(nested, events_discarded_while_evtq_off)
{
	program_bases();
	ASSERT_EQ(0, wr(CR0, 4, CMDQEN));
	real_event(EVT_F_TRANSLATION, 4, 0, 0x1000);
	EXPECT_EQ(0u, rd32(EVTQ_PROD));
	ASSERT_EQ(0, wr(CR0, 4, CMDQEN | EVTQEN));
	EXPECT_EQ(0u, rd32(EVTQ_PROD));
	EXPECT_EQ(0ull, host_evt(0)[0]);
}

/* ---- invalid host configurations: the events of the architecture ---------------- */

#define EVT_C_BAD_STREAMID 0x02
#define EVT_C_BAD_STE 0x04
#define S1CDMAX(n) ((u64)(n) << 59)
#define S1STALLD (1ull << 27)

/* Dword @d of the host's event @idx, as the host reads it: at the PoC if it maps it Non-cacheable. */
static u64 host_evt_rd(u32 idx, unsigned int d)
{
	u64 pa = HOST_EVTQ + idx * 32ull + d * 8;

	return model.noncoherent ? poc_read64(pa) : *(const u64 *)(uintptr_t)pa;
}

/*
 * One DMA by @sid (a read of host RAM) and the host's look at its queue:
 * the DMA fails, and exactly one record arrived -- of type @evt for @sid,
 * nothing else in it -- or none when @evt is 0.
 */
static void expect_host_event(struct __test_metadata *_metadata, u32 sid, u8 evt)
{
	u32 prod = rd32(EVTQ_PROD) & 0xff;
	u64 s2_faults = smmus[0].nr_s2_faults, other = smmus[0].nr_other_events;

	TH_LOG("stream %x, event %x", sid, evt);
	EXPECT_FALSE(dma(sid, RAM0, false).ok);
	EXPECT_EQ(evt ? ((prod + 1) & 0xff) : prod, rd32(EVTQ_PROD) & 0xff);
	if (evt) {
		EXPECT_EQ((u64)evt | (u64)sid << 32, host_evt_rd(prod & 0x7f, 0));
		EXPECT_EQ(0ull, host_evt_rd(prod & 0x7f, 1));
		EXPECT_EQ(0ull, host_evt_rd(prod & 0x7f, 2));
		EXPECT_EQ(0ull, host_evt_rd(prod & 0x7f, 3));
	}
	/* The host's, not the hypervisor's: neither counted nor logged as a fault of ours. */
	EXPECT_EQ(s2_faults, smmus[0].nr_s2_faults);
	EXPECT_EQ(other, smmus[0].nr_other_events);
}

/*
 * A host STE the architecture calls invalid (5.2) is what the host's SMMU
 * would make of it: the SMMU records C_BAD_STE with the stream's ID in the
 * host's event queue (our STE is V = 0). Config abort terminates without
 * an event. The control: a valid STE's DMA works and records nothing.
 */
TEST_F(nested, invalid_host_stes_raise_c_bad_ste)
{
	static const struct {
		u64 d0, d1;
		u8 evt;
	} cases[] = {
		{ CFG(CFG_BYPASS), 0, EVT_C_BAD_STE }, /* V = 0 */
		{ V | CFG(1), 0, EVT_C_BAD_STE }, /* reserved Config */
		{ V | CFG(2), 0, EVT_C_BAD_STE },
		{ V | CFG(3), 0, EVT_C_BAD_STE },
		{ V | CFG(CFG_S2), 0, EVT_C_BAD_STE }, /* stage 2: not offered */
		{ V | CFG(CFG_S12) | HOST_CD, 0, EVT_C_BAD_STE },
		{ V | CFG(CFG_S1) | HOST_CD | S1CDMAX(1), 0, EVT_C_BAD_STE }, /* SSIDSIZE 0 */
		{ V | CFG(CFG_S1) | HOST_CD, S1STALLD, EVT_C_BAD_STE }, /* STALL_MODEL 0b01 */
		{ V | CFG(CFG_ABORT), 0, 0 }, /* abort: no event */
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		host_ste(0x10 + i)[0] = cases[i].d0;
		host_ste(0x10 + i)[1] = cases[i].d1;
	}
	host_ste(1)[0] = V | CFG(CFG_BYPASS);
	program_bases();
	ASSERT_EQ(0, wr(CR0, 4, CMDQEN | EVTQEN | SMMUEN));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		expect_host_event(_metadata, 0x10 + i, cases[i].evt);
		/* The SMMU ended it itself, as the architecture says for our STE. */
		if (cases[i].evt)
			EXPECT_EQ(0ull, real_ste(0x10 + i)[0] & V);
	}
	/* The control: stream 1's DMA translates, no record. */
	EXPECT_DMA_OK(1, RAM0, ATTR_NORMAL_WB);
	EXPECT_EQ(8u, rd32(EVTQ_PROD));
	EXPECT_EQ(0u, count_bad_real_stes());
}

/* The host fixes an invalid STE (CFGI_STE): its DMA works again, nothing more is recorded. */
TEST_F(nested, fixed_host_ste_stops_events)
{
	host_cmdq_on(8);
	host_ste(3)[0] = CFG(CFG_BYPASS); /* V = 0 */
	ASSERT_EQ(0, wr(CR0, 4, CMDQEN | EVTQEN | SMMUEN));
	expect_host_event(_metadata, 3, EVT_C_BAD_STE);
	host_ste(3)[0] = V | CFG(CFG_BYPASS);
	host_cmd(OP_CFGI_STE | (3ull << 32), 1);
	host_cmd(OP_CMD_SYNC, 0);
	host_kick();
	EXPECT_DMA_OK(3, RAM0, ATTR_NORMAL_WB);
	EXPECT_EQ(1u, rd32(EVTQ_PROD));
}

/*
 * The DMA of a stream with an invalid STE happened before the host fixed
 * the STE: the host still gets its C_BAD_STE when it next reads EVTQ_PROD
 * (on hardware the record was written before the fix). The hypervisor
 * stages what the SMMU recorded before it rewrites an STE whose mark says
 * which event the host is owed.
 */
TEST_F(nested, event_before_host_fix_still_reaches_host)
{
	host_cmdq_on(8);
	host_ste(3)[0] = CFG(CFG_BYPASS); /* V = 0 */
	ASSERT_EQ(0, wr(CR0, 4, CMDQEN | EVTQEN | SMMUEN));
	EXPECT_FALSE(dma(3, RAM0, false).ok); /* no look at EVTQ_PROD yet */
	host_ste(3)[0] = V | CFG(CFG_BYPASS);
	host_cmd(OP_CFGI_STE | (3ull << 32), 1);
	host_cmd(OP_CMD_SYNC, 0);
	host_kick();
	EXPECT_DMA_OK(3, RAM0, ATTR_NORMAL_WB);
	EXPECT_EQ(1u, rd32(EVTQ_PROD));
	EXPECT_EQ((u64)EVT_C_BAD_STE | (3ull << 32), host_evt_rd(0, 0));
}

/* The record keeps what the SMMU knows of the transaction: SSV and the SubstreamID (7.3.5). */
TEST_F(nested, c_bad_ste_keeps_substream)
{
	program_bases(); /* every host STE V = 0 */
	ASSERT_EQ(0, wr(CR0, 4, CMDQEN | EVTQEN | SMMUEN));
	EXPECT_FALSE(smmu_model_dma_ssid(&model, 3, 0x5a5, RAM0, false).ok);
	EXPECT_EQ(1u, rd32(EVTQ_PROD));
	EXPECT_EQ((u64)EVT_C_BAD_STE | (1ull << 11) | (0x5a5ull << 12) | (3ull << 32),
		  host_evt_rd(0, 0));
	EXPECT_EQ(0ull, host_evt_rd(0, 2)); /* no address: C_BAD_STE has none */
}

/* A stream beyond the host's LOG2SIZE has no STE: C_BAD_STREAMID (7.3.3), its ID in the record. */
TEST_F(nested, stream_beyond_host_table_raises_c_bad_streamid)
{
	host_ste(0xff)[0] = V | CFG(CFG_BYPASS);
	program_bases(); /* linear, LOG2SIZE 8 */
	ASSERT_EQ(0, wr(CR0, 4, CMDQEN | EVTQEN | SMMUEN));
	expect_host_event(_metadata, 0x100, EVT_C_BAD_STREAMID);
	expect_host_event(_metadata, 0xffff, EVT_C_BAD_STREAMID);
	EXPECT_DMA_OK(0xff, RAM0, ATTR_NORMAL_WB); /* the control: the last STE in the table */
}

/*
 * A 2-level host table: a level-1 descriptor with Span 0 is C_BAD_STREAMID,
 * a stream beyond its Span C_BAD_STE (QEMU's reading); a level-2 table
 * outside host RAM is not read, and aborts without an event.
 */
TEST_F(nested, two_level_host_table_events)
{
	u64 *l1 = (u64 *)(uintptr_t)HOST_STRTAB, *l2 = (u64 *)(uintptr_t)HOST_L2;

	l1[0] = HOST_L2 | 2; /* Span 2: streams 0 and 1 */
	l1[2] = CARVE | 9;
	l2[0] = V | CFG(CFG_BYPASS);
	l2[8] = V | CFG(CFG_BYPASS);
	program_bases();
	wr(STRTAB_BASE_CFG, 4, (1u << 16) | (8u << 6) | 16);
	ASSERT_EQ(0, wr(CR0, 4, CMDQEN | EVTQEN | SMMUEN));
	EXPECT_DMA_OK(1, RAM0, ATTR_NORMAL_WB);
	expect_host_event(_metadata, 2, EVT_C_BAD_STE);
	expect_host_event(_metadata, 0x100, EVT_C_BAD_STREAMID);
	expect_host_event(_metadata, 0x201, 0);
	EXPECT_EQ(0u, count_bad_real_stes());
}

/*
 * Streams the emulated SMMU does not translate raise nothing (6.3.14: with
 * SMMUEN = 0 no configuration is read): GBPA.ABORT aborts with no event, in
 * the host's queue or the real one.
 */
TEST_F(nested, gbpa_abort_raises_no_event)
{
	u32 real_prod;

	host_ste(1)[0] = CFG(CFG_BYPASS); /* V = 0, but not in use */
	program_bases();
	ASSERT_EQ(0, wr(CR0, 4, CMDQEN | EVTQEN));
	ASSERT_EQ(0, wr(GBPA, 4, (1u << 31) | (1u << 20)));
	real_prod = model.evtq_prod;
	expect_host_event(_metadata, 1, 0);
	expect_host_event(_metadata, 0x100, 0);
	EXPECT_EQ(real_prod, model.evtq_prod);
	/* The control: the same stream with translation on records C_BAD_STE. */
	ASSERT_EQ(0, wr(CR0, 4, CMDQEN | EVTQEN | SMMUEN));
	expect_host_event(_metadata, 1, EVT_C_BAD_STE);
}

/* A real C_BAD_STE of a stream whose STE is ours (a valid one) is the hypervisor's: not copied. */
TEST_F(nested, c_bad_ste_of_a_valid_shadow_is_not_copied)
{
	host_ste(1)[0] = V | CFG(CFG_BYPASS);
	program_bases();
	ASSERT_EQ(0, wr(CR0, 4, CMDQEN | EVTQEN | SMMUEN));
	real_event(EVT_C_BAD_STE, 1, 0, 0);
	EXPECT_EQ(0u, rd32(EVTQ_PROD));
	/* The control: for a stream the host configured invalid, it is copied. */
	real_event(EVT_C_BAD_STE, 2, 0, 0);
	EXPECT_EQ(1u, rd32(EVTQ_PROD));
	EXPECT_EQ((u64)EVT_C_BAD_STE | (2ull << 32), host_evt_rd(0, 0));
}

/* ---- a non-coherent SMMU: the host's structures at the PoC ------------------------ */

/*
 * The SMMU does not snoop (dma-coherent absent): the host sees IDR0.COHACC
 * = 0 and may map its stream table and queues Non-cacheable. Its writes
 * then reach the PoC (lib/poc_memory.c) while the lines the hypervisor's
 * cacheable alias fetched earlier keep the old bytes: the hypervisor must
 * read past them, and clean what it writes to the host's event queue.
 */
FIXTURE(nested_nc)
{
	int unused;
};

FIXTURE_SETUP(nested_nc)
{
	struct smmu_cfg cfg = qemu_cfg;

	ASSERT_TRUE(host_mem_up());
	cfg.coherent = false;
	ASSERT_EQ(0, boot(&cfg, BOOT_SMMU_NESTED));
	ASSERT_NE_NULL(regs);
	ASSERT_EQ(0u, rd32(IDR0) & IDR0_COHACC);
	/* Zeroed and cleaned, as Linux's non-coherent DMA allocations are. */
	dcache_clean_poc((void *)(uintptr_t)HOST_STRTAB, 0x4000);
	dcache_clean_poc((void *)(uintptr_t)HOST_CMDQ, 0x1000);
	dcache_clean_poc((void *)(uintptr_t)HOST_EVTQ, 0x1000);
	dcache_clean_poc((void *)(uintptr_t)HOST_L2, 0x1000);
}

FIXTURE_TEARDOWN(nested_nc)
{
	nested_down();
}

/* A Non-cacheable write by the host: the PoC only. */
static void nc_wr(u64 pa, u64 val)
{
	poc_write64(pa, val);
}

static void nc_cmd(u64 d0, u64 d1)
{
	u64 e = HOST_CMDQ + (u64)(hprod & ((1u << hlog2) - 1)) * 16;

	nc_wr(e, d0);
	nc_wr(e + 8, d1);
	hprod = (hprod + 1) & ((2u << hlog2) - 1);
}

/*
 * STEs and commands are read at the PoC: each CFGI_STE the host writes
 * Non-cacheable reaches the hypervisor, and so does the STE it names -- also
 * when the hypervisor's alias holds the STE it read before.
 */
TEST_F(nested_nc, stes_and_commands_read_at_the_poc)
{
	host_cmdq_on(1); /* 2 entries: the second batch reuses both */
	nc_wr((u64)(uintptr_t)host_ste(1), V | CFG(CFG_BYPASS));
	ASSERT_EQ(0, wr(CR0, 4, CMDQEN | EVTQEN | SMMUEN));
	EXPECT_DMA_OK(1, RAM0, ATTR_NORMAL_WB);
	nc_wr((u64)(uintptr_t)host_ste(1), V | CFG(CFG_ABORT));
	nc_cmd(OP_CFGI_STE | (1ull << 32), 1);
	nc_cmd(OP_CMD_SYNC, 0);
	host_kick();
	EXPECT_EQ(2u, rd32(CMDQ_CONS));
	EXPECT_EQ(0u, rd32(GERROR));
	EXPECT_DMA_FAULT(1, RAM0);
	/* Again, over lines the hypervisor has read (the STE, both command slots). */
	nc_wr((u64)(uintptr_t)host_ste(1), V | CFG(CFG_BYPASS));
	nc_cmd(OP_CFGI_STE | (1ull << 32), 1);
	nc_cmd(OP_CMD_SYNC, 0);
	host_kick();
	EXPECT_EQ(0u, rd32(CMDQ_CONS)); /* a full lap: index 0, wrap bit back to 0 */
	EXPECT_EQ(0u, rd32(GERROR));
	EXPECT_DMA_OK(1, RAM0, ATTR_NORMAL_WB);
}

/* A 2-level table written Non-cacheable: its level-1 descriptors are read at the PoC too. */
TEST_F(nested_nc, level1_descriptors_read_at_the_poc)
{
	program_bases();
	wr(STRTAB_BASE_CFG, 4, (1u << 16) | (8u << 6) | 16);
	nc_wr(HOST_STRTAB, HOST_L2 | 9);
	nc_wr(HOST_L2 + 64, V | CFG(CFG_BYPASS));
	ASSERT_EQ(0, wr(CR0, 4, CMDQEN | EVTQEN | SMMUEN));
	EXPECT_DMA_OK(1, RAM0, ATTR_NORMAL_WB);
	expect_host_event(_metadata, 0, EVT_C_BAD_STE); /* the control: STE 0 is V = 0 */
}

/* Events reach the host's queue at the PoC, where its Non-cacheable reads look. */
TEST_F(nested_nc, events_written_to_the_poc)
{
	unsigned int i;

	program_bases();
	ASSERT_EQ(0, wr(CR0, 4, CMDQEN | EVTQEN | SMMUEN)); /* every STE V = 0 */
	/* host_evt_rd() reads at the PoC. */
	for (i = 0; i < 3; i++)
		expect_host_event(_metadata, 5 + i, EVT_C_BAD_STE);
	real_event(EVT_F_TRANSLATION, 9, 1ull << 35, 0x1234560);
	EXPECT_EQ(4u, rd32(EVTQ_PROD));
	EXPECT_EQ((u64)EVT_F_TRANSLATION | (9ull << 32), poc_read64(HOST_EVTQ + 3 * 32));
	EXPECT_EQ(0x1234560ull, poc_read64(HOST_EVTQ + 3 * 32 + 16));
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

/*
 * On an SMMU that can stall (IDR0.STALL_MODEL 0b00), a host stage-1 STE gets
 * S1STALLD (5.2): the host was offered no stalls and would never send the
 * CMD_RESUME a stalled transaction waits for.
 */
TEST_F(modes, stage1_never_stalls_where_smmu_could)
{
	struct smmu_cfg cfg = qemu_cfg;

	cfg.idr0 &= ~(3u << 24);
	ASSERT_TRUE(host_mem_up());
	ASSERT_EQ(0, boot(&cfg, BOOT_SMMU_NESTED));
	ASSERT_NE_NULL(regs);
	host_ste(4)[0] = V | CFG(CFG_S1) | HOST_CD;
	host_ste(4)[1] = (1ull << 2) | (1ull << 4) | (3ull << 6); /* S1STALLD clear */
	program_bases();
	ASSERT_EQ(0, wr(CR0, 4, CMDQEN | SMMUEN));
	EXPECT_EQ((u64)CFG_S12, CFG_OF(real_ste(4)[0]));
	EXPECT_TRUE(real_ste(4)[1] & (1ull << 27));
	EXPECT_EQ(1u << 24, rd32(IDR0) & (3u << 24)); /* the host is told: no stalls */
	wr(CR0, 4, 0);
}

/* An unknown mode from the loader is refused. */
TEST_F(modes, unknown_mode_refused)
{
	EXPECT_EQ(-EINVAL, boot(&qemu_cfg, 2));
	EXPECT_NULL(regs);
}

TEST_HARNESS_MAIN
