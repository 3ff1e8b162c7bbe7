// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host stage-2 and page ownership (ARCHITECTURE.md section 3).
 *
 * The host stage-2 identity-maps everything the host owns, lazily: a stage-2
 * translation fault maps the largest block around the faulting address that
 * stays inside one empty table entry (so inside one ownership range: owned
 * ranges are annotated, which forces finer tables there) and inside one
 * memory type (one RAM region, or one gap between RAM regions, i.e. MMIO).
 * Both RAM and MMIO are mapped RWX as Normal memory at stage-2 (see
 * PKVM_HOST_MMIO_PROT for why MMIO keeps X); the host's stage-1 chooses Device
 * where it means it (the combined attribute is the stricter, Arm ARM D8.6.6).
 *
 * Does not (yet): the host ABI's ownership transitions (share, donate,
 * reclaim) -- they will funnel through host_stage2_set_owner_locked().
 *
 * Lock order: host_mmu.lock, then the page pool's lock.
 */
#include <asm/el2_setup.h>
#include <asm/esr.h>
#include <asm/inject.h>
#include <asm/sysreg.h>
#include <isohyp/bits.h>
#include <isohyp/console.h>
#include <isohyp/errno.h>
#include <isohyp/mem_protect.h>
#include <isohyp/panic.h>

struct host_mmu host_mmu;

static struct boot_mem_range ram[BOOT_INFO_MAX_RAM];
static unsigned int nr_ram;
static struct hyp_pool *host_s2_pool;

static void *host_s2_zalloc_page(void *arg)
{
	return hyp_alloc_page(arg);
}

static void host_s2_put_page(void *addr)
{
	hyp_free_page(host_s2_pool, addr);
}

static void *host_s2_phys_to_virt(phys_addr_t pa)
{
	return (void *)(uintptr_t)pa; /* EL2 identity-maps RAM */
}

static phys_addr_t host_s2_virt_to_phys(void *va)
{
	return (phys_addr_t)(uintptr_t)va;
}

/*
 * A valid host stage-2 entry went away. The host's translations for VMID 0 are
 * invalidated on every CPU (inner shareable) and the invalidation has
 * completed (DSB) before the caller writes anything new there. Stage-1 entries
 * for VMID 0 go too; the host refills them on its next access.
 */
static void host_s2_tlb_flush(struct kvm_pgtable *pgt, u64 addr, u64 size)
{
	__asm__ __volatile__("dsb ishst\n"
			     "tlbi vmalls12e1is\n"
			     "dsb ish\n"
			     "isb" ::: "memory");
}

static const struct kvm_pgtable_mm_ops host_s2_mm_ops = {
	.zalloc_page = host_s2_zalloc_page,
	.put_page = host_s2_put_page,
	.phys_to_virt = host_s2_phys_to_virt,
	.virt_to_phys = host_s2_virt_to_phys,
	.tlb_flush = host_s2_tlb_flush,
};

bool find_mem_range(phys_addr_t pa, struct kvm_mem_range *range)
{
	u64 prev_end = 0;
	unsigned int i;

	for (i = 0; i < nr_ram; i++) {
		u64 end = ram[i].base + ram[i].size;

		if (pa < ram[i].base) {
			range->start = prev_end;
			range->end = ram[i].base;
			return false;
		}
		if (pa < end) {
			range->start = ram[i].base;
			range->end = end;
			return true;
		}
		prev_end = end;
	}
	range->start = prev_end;
	range->end = 1ULL << host_mmu.pgt.ia_bits;
	return false;
}

bool addr_is_memory(phys_addr_t pa)
{
	struct kvm_mem_range r;

	return find_mem_range(pa, &r);
}

int host_stage2_set_owner_locked(phys_addr_t addr, u64 size, enum pkvm_owner_id owner)
{
	hyp_assert_lock_held(&host_mmu.lock);
	return kvm_pgtable_stage2_set_owner(&host_mmu.pgt, addr, size, owner);
}

int host_stage2_init(const struct boot_info *bi, struct hyp_pool *pool)
{
	unsigned int ia_bits = cpu_pa_bits();
	int ret;

	if (bi->nr_ram > BOOT_INFO_MAX_RAM)
		return -EINVAL;
	for (nr_ram = 0; nr_ram < bi->nr_ram; nr_ram++)
		ram[nr_ram] = bi->ram[nr_ram];
	host_s2_pool = pool;
	hyp_spin_lock_init(&host_mmu.lock);
	ret = kvm_pgtable_stage2_init(&host_mmu.pgt, ia_bits, &host_s2_mm_ops, pool);
	if (ret)
		return ret;

	hyp_spin_lock(&host_mmu.lock);
	ret = host_stage2_set_owner_locked(bi->carveout_base, bi->carveout_size, PKVM_ID_HYP);
	hyp_spin_unlock(&host_mmu.lock);
	if (ret)
		return ret;
	host_mmu.vtcr = el2_vtcr(ia_bits, host_mmu.pgt.start_level);
	host_mmu.vttbr = kvm_pgtable_root_pa(&host_mmu.pgt); /* VMID 0 */
	return 0;
}

/*
 * Map the largest block around @addr that one empty entry of the table and
 * one memory type allow. Returns 0 (also when another CPU got there first),
 * -EPERM when the address is not the host's, -ENOMEM.
 */
static int host_stage2_idmap(u64 addr)
{
	struct kvm_mem_range range;
	kvm_pte_t pte;
	u32 level;
	u64 gsize, start, end;
	bool mem;
	int ret;

	mem = find_mem_range(addr, &range);
	hyp_spin_lock(&host_mmu.lock);
	ret = kvm_pgtable_get_leaf(&host_mmu.pgt, addr, &pte, &level);
	if (ret || kvm_pte_valid(pte))
		goto unlock;
	if (pte) {
		ret = -EPERM; /* annotated: owned by someone else */
		goto unlock;
	}
	gsize = kvm_granule_size(level);
	start = ALIGN_DOWN(addr, gsize);
	end = start + gsize;
	start = start > range.start ? start : ALIGN_UP(range.start, SZ_4K);
	end = end < range.end ? end : ALIGN_DOWN(range.end, SZ_4K);
	ret = kvm_pgtable_stage2_map(&host_mmu.pgt, start, end - start, start,
				     mem ? PKVM_HOST_MEM_PROT : PKVM_HOST_MMIO_PROT);
unlock:
	hyp_spin_unlock(&host_mmu.lock);
	return ret;
}

void handle_host_mem_abort(u64 esr)
{
	u64 far = read_sysreg(far_el2), hpfar = read_sysreg(hpfar_el2);
	u64 addr = (FIELD_GET(HPFAR_FIPA, hpfar) << 12) | (far & (SZ_4K - 1));
	unsigned int fsc_type = FIELD_GET(ESR_FSC_TYPE, FIELD_GET(ESR_ABT_FSC, esr));
	int ret = -EPERM;

	if (fsc_type == ESR_FSC_TYPE_TRANSLATION && addr < (1ULL << host_mmu.pgt.ia_bits))
		ret = host_stage2_idmap(ALIGN_DOWN(addr, SZ_4K));
	if (!ret)
		return;
	if (ret == -ENOMEM)
		pr_err("host stage-2: no page-table memory to map %lx\n", (unsigned long)addr);
	else
		pr_debug("host access to %lx refused (esr %lx)\n", (unsigned long)addr,
			 (unsigned long)esr);
	inject_host_sea(esr, far);
}
