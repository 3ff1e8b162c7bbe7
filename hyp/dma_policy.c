// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hypervisor's half of the platform DMA policy (ARCHITECTURE.md section
 * 9): the loader removed from the host every device that could master
 * memory with nothing in front of it (arch/arm64/efi/dt_policy.c), and hands
 * over their register pages in boot_info removed[]. Those pages become the
 * hypervisor's in the host stage-2 -- page state 4, a host access is a
 * synchronous external abort -- and, through the iommu core's snapshot,
 * unreachable for DMA too.
 *
 * Called at boot before kvm_iommu_init(), on the boot CPU, before the host
 * runs again. The ranges are input to validate, like all of boot_info: all
 * are checked before any is taken.
 */
#include <isohyp/bits.h>
#include <isohyp/boot_info.h>
#include <isohyp/console.h>
#include <isohyp/dma_policy.h>
#include <isohyp/errno.h>
#include <isohyp/mem_protect.h>

/* Page aligned, non-empty, not wrapping, and no byte of it RAM. */
static int removed_range_check(const struct boot_info *bi, const struct boot_mem_range *r)
{
	u64 end = r->base + r->size;
	unsigned int i;

	if (!r->size || !IS_ALIGNED(r->base | r->size, SZ_4K) || end < r->base)
		return -EINVAL;
	for (i = 0; i < bi->nr_ram && i < BOOT_INFO_MAX_RAM; i++)
		if (r->base < bi->ram[i].base + bi->ram[i].size && bi->ram[i].base < end)
			return -EINVAL;
	return 0;
}

int hyp_dma_policy_apply(const struct boot_info *bi)
{
	u64 ia_end = BIT(host_mmu.pgt.ia_bits);
	unsigned int i;
	int ret;

	if (bi->nr_removed > BOOT_INFO_MAX_REMOVED)
		return -EINVAL;
	for (i = 0; i < bi->nr_removed; i++) {
		const struct boot_mem_range *r = &bi->removed[i];

		if (removed_range_check(bi, r)) {
			pr_err("dma policy: removed range %lx+%lx is not page-aligned, "
			       "non-empty MMIO\n",
			       (unsigned long)r->base, (unsigned long)r->size);
			return -EINVAL;
		}
	}
	for (i = 0; i < bi->nr_removed; i++) {
		const struct boot_mem_range *r = &bi->removed[i];
		u64 end = r->base + r->size;

		/* Past the host's IPA space the host cannot reach it anyway. */
		if (r->base >= ia_end)
			continue;
		ret = host_stage2_protect_hyp(r->base, (end < ia_end ? end : ia_end) - r->base);
		if (ret)
			return ret;
	}
	if (bi->nr_removed)
		pr_info("dma policy: removed devices' registers are the hypervisor's "
			"(register ranges: %u)\n", bi->nr_removed);
	return 0;
}
