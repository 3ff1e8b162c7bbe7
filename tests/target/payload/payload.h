/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared between the EL1 payload's files. */
#ifndef ISOHYP_PAYLOAD_H
#define ISOHYP_PAYLOAD_H

#include <efi.h>
#include <isohyp/types.h>

/* Written by payload_vector_common (el1.S); layout fixed there. */
struct payload_caught {
	u64 esr, far, elr, count;
};

extern volatile struct payload_caught payload_caught;
extern char payload_vectors[];
extern char payload_secondary_entry[];

struct smccc_res {
	u64 a0, a1, a2, a3;
};

/* MPIDR_EL1's affinity fields Aff3..Aff0. */
#define MPIDR_AFF_MASK 0xff00ffffffULL

void payload_hvc(u64 fn, u64 a1, u64 a2, u64 a3, struct smccc_res *res);
void payload_smc(u64 fn, u64 a1, u64 a2, u64 a3, struct smccc_res *res);
void payload_hvc8(u64 fn, u64 *res);

/* The host's device tree (the firmware's, as the loader patched it). */
const void *host_fdt(void);
int find_carveout(u64 *base, u64 *size);
int payload_cpus(u64 *mpidrs, int max);

/* Run @access with the payload's vectors installed; the number of aborts taken. */
u64 with_payload_vectors(void (*access)(volatile u64 *), volatile u64 *addr);
void read_once(volatile u64 *p);
void write_once(volatile u64 *p);
struct __test_metadata;
/* The last abort taken was a synchronous external abort on @addr. */
void check_sea(struct __test_metadata *_metadata, u64 addr, bool write);

/*
 * A secondary CPU started at payload_secondary_c_entry with x0 = this block
 * (read with the MMU off: clean it to the PoC first) takes the boot CPU's
 * EL1 translation regime, then calls fn(arg) on its own stack and turns
 * itself off. Layout fixed in el1.S.
 */
struct secondary_boot {
	u64 mair, tcr, ttbr0, sctlr, vbar, sp;
	void (*fn)(void *arg);
	void *arg;
};

extern char payload_secondary_c_entry[];

/*
 * The loader was configured with test_hooks=1 (and told us so with the load
 * option "test-hooks"): TEST_HOOK works and IOMMU_INFO reports x4..x7.
 */
extern bool payload_test_hooks;

/*
 * QEMU's edu device (dma_tests.c): find and enable it, and say its PCI
 * requester ID (its stream ID) if @rid; 0 or -1. One DMA of @len bytes
 * between @src and @dst (its buffer is at 0x40000); false on a timeout.
 */
int payload_edu_setup(u32 *rid);
bool payload_edu_dma(u64 src, u64 dst, u64 len, bool to_ram);
#define PAYLOAD_EDU_BUF 0x40000ULL

/* The loader put the SMMU in nested mode (/isohyp iommu-mode). */
bool payload_smmu_nested(void);
/* The SMMU's register window, from its node (dma_tests.c). 0, or -1. */
int payload_find_smmu(u64 *base, u64 *size);

/* Started by the firmware at EL2: the pre-loader of refusals.test (preload.c). */
EFI_STATUS payload_preload(EFI_HANDLE image);

/* A hypercall's x1 when x0 says success, else CALL_FAILED. */
#define CALL_FAILED (-1000)
s64 hcall(u32 fn, u64 a1, u64 a2);
s64 page_state(u64 pfn);
int ram_bounds(u64 *lo, u64 *hi);
u64 reads_faulting(u64 pa);
bool page_is_zero(u64 pa);
u64 alloc_pages(UINTN n);
void free_pages(u64 pa, UINTN n);
void fill_page(u64 pa, u64 seed);
bool page_has(u64 pa, u64 seed);

/* The host's PL011 (its registers' base), from the device tree; 0 if none. */
u64 uart_base(void);

/*
 * QEMU's edu device as a DMA master (dma_tests.c): edu_setup() finds and
 * enables it (0, or -1 without one); dma_in() copies a page of RAM into its
 * buffer, dma_out() the buffer to a page of RAM (false: the engine never
 * finished). Boot CPU only: they go through the firmware's PCI I/O protocol.
 */
int edu_setup(void);
bool dma_in(u64 pa);
bool dma_out(u64 pa);

/*
 * The multi-CPU soak (soak.c, make soak): @seconds of random ABI calls on
 * every CPU, from @seed (0: one from the counter).
 */
extern char soak_vectors[];
void payload_soak(u64 seconds, u64 seed);

/*
 * Checks from outside (outside.c): QEMU reads @len bytes at @pa through its
 * monitor while the payload waits (false: no answer, the run has no
 * monitor); phys_expect() prints what must be there, read now.
 */
bool phys_check(const char *tag, u64 pa, UINTN len);
void phys_expect(const char *tag, u64 pa, UINTN len);
/*
 * Ask for [pa, pa + len) to be read from outside once the machine has
 * stopped (run-qemu --phys-reads with QEMU told to pause at shutdown): what
 * is left after a reset or power-off.
 */
void phys_at_stop(const char *tag, u64 pa, UINTN len);

#endif /* ISOHYP_PAYLOAD_H */
