// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hypervisor's half of the platform DMA policy (hyp/dma_policy.c) with
 * the real mem_protect and stage-2 engine: the register ranges of removed
 * devices become the hypervisor's (PAGE_STATE 4, the fault path refuses
 * them), and a malformed range -- not page aligned, empty, wrapping, RAM --
 * is -EINVAL before any range was taken.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include <isohyp/dma_policy.h>
#include <isohyp/errno.h>
#include <isohyp/mem_protect.h>
#include <uapi/isohyp.h>

#include "lib/heap_pages.h"
#include "lib/machine_layout.h"

static void zero_pages(phys_addr_t pa, u64 size)
{
}

static const struct mem_protect_ops mp_ops = { .zero_pages = zero_pages };

FIXTURE(dma)
{
	struct boot_info bi;
};

FIXTURE_VARIANT(dma)
{
	int unused;
};

FIXTURE_VARIANT_ADD(dma, default){ 0 };

FIXTURE_SETUP(dma)
{
	memset(&self->bi, 0, sizeof(self->bi));
	self->bi.nr_ram = 2;
	self->bi.ram[0] = (struct boot_mem_range){ RAM0, RAM0_SIZE };
	self->bi.ram[1] = (struct boot_mem_range){ RAM1, RAM1_SIZE };
	ASSERT_EQ(0, host_stage2_init(self->bi.ram, 2, IA_BITS, &heap_mm_ops, NULL, &mp_ops));
}

FIXTURE_TEARDOWN(dma)
{
	kvm_pgtable_stage2_destroy(&host_mmu.pgt);
	EXPECT_EQ(0, heap_tables);
}

static void add(FIXTURE_DATA(dma) *self, u64 base, u64 size)
{
	self->bi.removed[self->bi.nr_removed++] = (struct boot_mem_range){ base, size };
}

static int state(u64 pa)
{
	return __pkvm_host_page_state(pa >> 12);
}

/* Removed ranges become the hypervisor's MMIO: page state 4, the fault path refuses them. */
TEST_F(dma, removed_ranges_are_the_hypervisors)
{
	add(self, 0xa000000, 0x4000);
	add(self, 0x10000000, 0x1000);
	ASSERT_EQ(0, hyp_dma_policy_apply(&self->bi));
	EXPECT_EQ(ISOHYP_PAGE_MMIO_HYP, state(0xa000000));
	EXPECT_EQ(ISOHYP_PAGE_MMIO_HYP, state(0xa003000));
	EXPECT_EQ(ISOHYP_PAGE_MMIO_HYP, state(0x10000000));
	EXPECT_EQ(-EPERM, host_stage2_idmap(0xa003e70));
	/* The neighbours stay the host's. */
	EXPECT_EQ(ISOHYP_PAGE_MMIO_HOST, state(0x9fff000));
	EXPECT_EQ(ISOHYP_PAGE_MMIO_HOST, state(0xa004000));
	EXPECT_EQ(0, host_stage2_idmap(0xa004000));
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, state(RAM0));
}

/* Nothing removed: nothing changes. */
TEST_F(dma, nothing_removed)
{
	ASSERT_EQ(0, hyp_dma_policy_apply(&self->bi));
	EXPECT_EQ(ISOHYP_PAGE_MMIO_HOST, state(0xa000000));
}

/* Each malformed range is -EINVAL, and the good range before it was not taken. */
TEST_F(dma, malformed_ranges_change_nothing)
{
	static const struct boot_mem_range bad[] = {
		{ 0xa000800, 0x1000 }, /* base not page aligned */
		{ 0xa000000, 0x800 }, /* size not page aligned */
		{ 0xa000000, 0 }, /* empty */
		{ 0xfffffffffffff000ull, 0x2000 }, /* wraps */
		{ RAM0 + 0x1000, 0x1000 }, /* RAM */
		{ RAM0 - 0x1000, 0x2000 }, /* ends in RAM */
		{ RAM1 + RAM1_SIZE - 0x1000, 0x2000 }, /* starts in RAM */
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		self->bi.nr_removed = 0;
		add(self, 0x10000000, 0x1000);
		add(self, bad[i].base, bad[i].size);
		EXPECT_EQ(-EINVAL, hyp_dma_policy_apply(&self->bi));
		EXPECT_EQ(ISOHYP_PAGE_MMIO_HOST, state(0x10000000));
		if (_metadata->failed) {
			TH_LOG("case %u", i);
			break;
		}
	}
}

/* More ranges than boot_info holds is a corrupt boot_info. */
TEST_F(dma, too_many_ranges_rejected)
{
	self->bi.nr_removed = BOOT_INFO_MAX_REMOVED + 1;
	EXPECT_EQ(-EINVAL, hyp_dma_policy_apply(&self->bi));
}

/* Past the host's IPA space the host cannot reach a range anyway: no error, clipped. */
TEST_F(dma, range_past_ipa_space_is_clipped)
{
	add(self, (1ull << IA_BITS) - 0x1000, 0x2000);
	add(self, 1ull << IA_BITS, 0x1000);
	ASSERT_EQ(0, hyp_dma_policy_apply(&self->bi));
	EXPECT_EQ(ISOHYP_PAGE_MMIO_HYP, state((1ull << IA_BITS) - 0x1000));
}

TEST_HARNESS_MAIN
