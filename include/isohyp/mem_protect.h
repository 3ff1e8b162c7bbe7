/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host stage-2 and page ownership (ARCHITECTURE.md section 3). The host's
 * stage-2 is an identity map built lazily on stage-2 faults; pages the
 * hypervisor owns carry an owner annotation in their invalid descriptors so
 * the fault path never maps them. host_mmu.lock protects the table.
 */
#ifndef ISOHYP_MEM_PROTECT_H
#define ISOHYP_MEM_PROTECT_H

#include <asm/spinlock.h>
#include <isohyp/boot_info.h>
#include <isohyp/page_alloc.h>
#include <isohyp/pgtable.h>

/* Owner ids in invalid host stage-2 descriptors; 0 is "the host". */
enum pkvm_owner_id {
	PKVM_ID_HOST = 0,
	PKVM_ID_HYP = 1,
};

#define PKVM_HOST_MEM_PROT (KVM_PGTABLE_PROT_R | KVM_PGTABLE_PROT_W | KVM_PGTABLE_PROT_X)
/*
 * Unlike pKVM (whose host is Linux), our host starts as UEFI firmware, which
 * executes in place from flash outside RAM (AAVMF branches to code in its
 * flash at 0x17384 during Linux's EFI stub). The host's stage-1 still makes
 * real device memory never-executable; stage-2 only guards what is not the
 * host's, so MMIO keeps execute permission here.
 */
#define PKVM_HOST_MMIO_PROT (KVM_PGTABLE_PROT_R | KVM_PGTABLE_PROT_W | KVM_PGTABLE_PROT_X)

struct host_mmu {
	struct kvm_pgtable pgt;
	hyp_spinlock_t lock;
	u64 vtcr, vttbr;
};

extern struct host_mmu host_mmu;

struct kvm_mem_range {
	u64 start, end;
};

int host_stage2_init(const struct boot_info *bi, struct hyp_pool *pool);
bool addr_is_memory(phys_addr_t pa);
/* The RAM region or MMIO gap around @pa; true when it is RAM. */
bool find_mem_range(phys_addr_t pa, struct kvm_mem_range *range);
int host_stage2_set_owner_locked(phys_addr_t addr, u64 size, enum pkvm_owner_id owner);
/* A stage-2 data/instruction abort from the host, with ESR_EL2 @esr. */
void handle_host_mem_abort(u64 esr);

#endif /* ISOHYP_MEM_PROTECT_H */
