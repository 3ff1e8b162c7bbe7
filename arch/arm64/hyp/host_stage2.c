// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Arm side of the host stage-2: TLB invalidation for it, zeroing of
 * reclaimed pages, VTCR/VTTBR, and decoding the host's stage-2 aborts
 * (Arm ARM D23.2.41 ESR_EL2, D23.2.58 HPFAR_EL2). The ownership logic is
 * the portable hyp/mem_protect.c.
 */
#include <string.h>

#include <asm/cache.h>
#include <asm/el2_setup.h>
#include <asm/esr.h>
#include <asm/host_stage2.h>
#include <asm/inject.h>
#include <asm/sysreg.h>
#include <isohyp/console.h>
#include <isohyp/errno.h>
#include <isohyp/host_mem.h>
#include <isohyp/mem_protect.h>
#include <isohyp/mmio.h>

#include <asm/host_ctxt.h>

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
	return (void *)(uintptr_t)pa; /* EL2 identity-maps RAM and the carve-out */
}

static phys_addr_t host_s2_virt_to_phys(void *va)
{
	return (phys_addr_t)(uintptr_t)va;
}

/*
 * A valid host stage-2 entry went away. The host's translations for VMID 0 are
 * invalidated on every CPU (inner shareable) and the invalidation has completed
 * (DSB) before the caller writes anything new or returns to the host. The
 * first DSB makes the invalid descriptor visible to the walkers before the
 * TLBI. Stage-1 entries for VMID 0 go too; the host refills them.
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

/* Zero reclaimed pages; clean them to the PoC for non-coherent DMA masters. */
static void host_zero_pages(phys_addr_t pa, u64 size)
{
	host_mem_zero(pa, size);
}

static const struct mem_protect_ops host_mp_ops = {
	.zero_pages = host_zero_pages,
};

/*
 * Blocks or pages for host RAM (isohyp.conf host_stage2=). Blocks save the
 * TLB reach and the table pages on hardware. A CPU model whose implementer is
 * 0 ("reserved for software use": QEMU's TCG "max") is the exception: QEMU
 * gives a TLB entry the larger of the two stages' page sizes, so with stage-2
 * blocks every entry is a large page, and QEMU flushes the whole TLB on any
 * TLBI by VA inside a large page -- Linux boots about 12% slower (make bench).
 */
static int host_stage2_pick_granule(const struct boot_info *bi, struct hyp_pool *pool)
{
	bool model = !FIELD_GET(MIDR_IMPLEMENTER, read_sysreg(midr_el1));
	int pages = host_stage2_pick_pages(bi->host_s2_map, model, pool->nr_free);

	if (pages < 0) {
		pr_err("host stage-2: host_stage2=pages needs %lu table pages for RAM, twice "
		       "over; the pool has %lu free: a larger carveout_mb=\n",
		       (unsigned long)host_stage2_pages_cost(), (unsigned long)pool->nr_free);
		return pages;
	}
	if (pages)
		host_stage2_map_pages();
	pr_info("host stage-2: RAM in %s (%s)\n", pages ? "4 KiB pages" : "blocks",
		bi->host_s2_map != BOOT_HOST_S2_AUTO ? "isohyp.conf host_stage2=" :
		pages ? "a software CPU model: blocks would make QEMU flush its TLB on every TLBI" :
		model ? "a software CPU model, but the pool is too small for pages" :
			"the largest that fits");
	return 0;
}

int host_stage2_arch_init(const struct boot_info *bi, struct hyp_pool *pool,
			  struct host_s2_regs *regs)
{
	int ret;

	host_s2_pool = pool;
	ret = host_stage2_init(bi->ram, bi->nr_ram, cpu_pa_bits(), &host_s2_mm_ops, pool,
			       &host_mp_ops);
	if (!ret)
		ret = host_stage2_pick_granule(bi, pool);
	if (!ret)
		ret = host_stage2_protect_hyp(bi->carveout_base, bi->carveout_size);
	if (ret)
		return ret;
	regs->vtcr = el2_vtcr(host_mmu.pgt.ia_bits, host_mmu.pgt.start_level);
	regs->vttbr = kvm_pgtable_root_pa(&host_mmu.pgt); /* VMID 0 */
	return 0;
}

/*
 * An access to an emulated device's registers: decoded from the syndrome,
 * handed to the device, and stepped over (the data abort's IL is 1: a 32-bit
 * A64 instruction). Anything the syndrome does not describe, or that the
 * device refuses, is an external abort, as a bus error would be.
 */
static void host_mmio_abort(struct host_ctxt *ctxt, struct hyp_mmio_region *r, u64 esr,
			    u64 addr, u64 far)
{
	struct mmio_access acc;
	int ret = mmio_decode(esr, &acc);

	if (!ret)
		ret = hyp_mmio_emulate(r, addr, &acc, ctxt->regs);
	if (!ret) {
		host_skip_instr();
		return;
	}
	pr_debug("%s: host access at %lx not emulated (esr %lx): abort\n", r->name,
		 (unsigned long)addr, (unsigned long)esr);
	inject_host_sea(esr, far);
}

void handle_host_mem_abort(struct host_ctxt *ctxt, u64 esr)
{
	u64 far = read_sysreg(far_el2), hpfar = read_sysreg(hpfar_el2);
	u64 addr = (FIELD_GET(HPFAR_FIPA, hpfar) << 12) | (far & (SZ_4K - 1));
	unsigned int fsc_type = FIELD_GET(ESR_FSC_TYPE, FIELD_GET(ESR_ABT_FSC, esr));
	struct hyp_mmio_region *r;
	int ret = -EPERM;

	/* HPFAR holds the IPA for stage-2 translation faults (D23.2.58). */
	if (fsc_type != ESR_FSC_TYPE_TRANSLATION)
		goto refuse;
	r = hyp_mmio_find(addr);
	if (r) {
		host_mmio_abort(ctxt, r, esr, addr, far);
		return;
	}
	ret = host_stage2_idmap(addr);
	if (!ret)
		return;
refuse:
	if (ret == -ENOMEM)
		pr_err("host stage-2: no page-table memory to map %lx\n", (unsigned long)addr);
	else
		pr_debug("host access to %lx refused (esr %lx)\n", (unsigned long)addr,
			 (unsigned long)esr);
	inject_host_sea(esr, far);
}
