/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host stage-2 and page ownership (ARCHITECTURE.md section 3, hyp/mem_protect.c).
 * The host's stage-2 is an identity map built lazily on stage-2 faults;
 * ownership lives in the descriptors themselves:
 *
 *	descriptor				state (PAGE_STATE)
 *	empty (0)				owned by the host, not faulted in yet
 *	valid, SW0 clear			owned by the host
 *	valid, SW0 set				owned by the host, shared with the hypervisor
 *	invalid, owner PKVM_ID_DONATED		owned by the hypervisor, donated by the host
 *	invalid, owner PKVM_ID_HYP		the hypervisor's own (carve-out, its MMIO)
 *
 * so all-zero means "the host's, unmapped". host_mmu.lock protects the table
 * and, through the iommu core, the IOMMUs' copies of it.
 */
#ifndef ISOHYP_MEM_PROTECT_H
#define ISOHYP_MEM_PROTECT_H

#include <asm/spinlock.h>
#include <isohyp/boot_info.h>
#include <isohyp/pgtable.h>

enum pkvm_owner_id {
	PKVM_ID_HOST = 0,
	PKVM_ID_HYP = 1, /* never given back: carve-out, hypervisor MMIO */
	PKVM_ID_DONATED = 2, /* the hypervisor's, the host may reclaim it */
};

/* Page state of a host-owned mapping, in the leaf's software bit. */
#define PKVM_PAGE_SHARED_OWNED KVM_PGTABLE_PROT_SW0

#define PKVM_HOST_MEM_PROT KVM_PGTABLE_PROT_RWX
/*
 * Unlike pKVM (whose host is Linux), our host starts as UEFI firmware, which
 * executes in place from flash outside RAM (AAVMF branches to code in its
 * flash at 0x17384 during Linux's EFI stub). The host's stage-1 still makes
 * real device memory never-executable; stage-2 only guards what is not the
 * host's, so MMIO keeps execute permission here.
 */
#define PKVM_HOST_MMIO_PROT KVM_PGTABLE_PROT_RWX

struct host_mmu {
	struct kvm_pgtable pgt;
	hyp_spinlock_t lock;
};

extern struct host_mmu host_mmu;

struct kvm_mem_range {
	u64 start, end;
};

struct mem_protect_ops {
	/* Zero [pa, pa + size) of RAM, visible to every observer, CPU or DMA. */
	void (*zero_pages)(phys_addr_t pa, u64 size);
};

int host_stage2_init(const struct boot_mem_range *ram, unsigned int nr_ram, u32 ia_bits,
		     const struct kvm_pgtable_mm_ops *mm_ops, void *mm_arg,
		     const struct mem_protect_ops *ops);
/* Make [addr, addr + size) the hypervisor's for good (carve-out, its MMIO). */
int host_stage2_protect_hyp(phys_addr_t addr, u64 size);
bool addr_is_memory(phys_addr_t pa);
/* The RAM region or MMIO gap around @pa; true when it is RAM. */
bool find_mem_range(phys_addr_t pa, struct kvm_mem_range *range);
int host_stage2_set_owner_locked(phys_addr_t addr, u64 size, enum pkvm_owner_id owner);
/* The fault path: map what the host owns around @addr. 0, -EPERM or -ENOMEM. */
int host_stage2_idmap(u64 addr);

/*
 * Map host RAM and MMIO at 4 KiB pages from now on (before the host runs):
 * a stage-2 fault maps the 2 MiB around it in pages, and pages never merge
 * back into blocks. The table pages that takes for all of RAM:
 * host_stage2_pages_cost(). For a CPU model on which stage-2 blocks cost
 * more than they save (arch/arm64/hyp/host_stage2.c).
 */
void host_stage2_map_pages(void);
u64 host_stage2_pages_cost(void);
/*
 * Pages or blocks: @map is isohyp.conf's host_stage2= (enum
 * boot_host_s2_map), @blocks_cost_more says stage-2 blocks cost this CPU
 * more than they save (auto takes pages then). Pages only where the pool
 * (@pool_free pages) holds their tables for all of RAM twice over: the rest
 * is for the IOMMUs and the host's changes. 1 pages, 0 blocks, -ENOMEM when
 * host_stage2=pages does not fit.
 */
int host_stage2_pick_pages(u32 map, bool blocks_cost_more, u64 pool_free);

/*
 * For device mediators (ARCHITECTURE.md section 9): host_mmu.lock held
 * across a check and the device operation it guards, so no page changes
 * owner in between; and pins, which keep host pages a device may write from
 * being donated (-EBUSY) while it may. A pin is a use count on exactly
 * [ALIGN_DOWN(addr), ALIGN_UP(addr + size)); unpin names the same range.
 */
void host_mmu_lock(void);
void host_mmu_unlock(void);
/* 0 if [addr, addr + size) is RAM the host owns or shares; -EINVAL, -EPERM. */
int host_range_check_locked(phys_addr_t addr, u64 size);
/* 0, or host_range_check_locked()'s error, or -ENOSPC (pin table full). */
int host_stage2_pin_locked(phys_addr_t addr, u64 size);
int host_stage2_pin(phys_addr_t addr, u64 size);
/* 0, or -ENOENT when the range is not pinned. */
int host_stage2_unpin_locked(phys_addr_t addr, u64 size);
int host_stage2_unpin(phys_addr_t addr, u64 size);

/* Zero every donated page (system going down); host_mmu.lock held. Bytes zeroed. */
u64 host_stage2_scrub_donated_locked(void);

/* The host ABI (ARCHITECTURE.md section 4): 0 or -EINVAL/-EPERM/-ENOMEM/-EBUSY. */
int __pkvm_host_share_hyp(u64 pfn, u64 nr_pages);
int __pkvm_host_unshare_hyp(u64 pfn, u64 nr_pages);
int __pkvm_host_donate_hyp(u64 pfn, u64 nr_pages);
int __pkvm_host_reclaim(u64 pfn, u64 nr_pages);
/* An ISOHYP_PAGE_* value, or -EINVAL. */
int __pkvm_host_page_state(u64 pfn);
/*
 * HOST_BATCH (include/uapi/isohyp.h): @op (ISOHYP_BATCH_*) on the @nr
 * ranges of the list at host physical address @list_pa. 0 or a negative errno.
 */
int __pkvm_host_batch(u64 op, u64 list_pa, u64 nr);

#endif /* ISOHYP_MEM_PROTECT_H */
