/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * isohyp's host-visible ABI (ARCHITECTURE.md section 4): hypercall function
 * IDs (SMCCC 1.1 fast calls over HVC from EL1), return conventions, the UUID
 * CALL_UID returns, and the device-tree names the loader adds for the host.
 * Host code and tests include this file; it has no dependency on the
 * hypervisor's internals.
 */
#ifndef ISOHYP_UAPI_ISOHYP_H
#define ISOHYP_UAPI_ISOHYP_H

/* Vendor-specific hypervisor service calls, SMC64 fast calls. */
#define ISOHYP_FN_CALL_UID 0x8600FF01U
#define ISOHYP_FN_REVISION 0x8600FF03U
#define ISOHYP_FN_HOST_SHARE_HYP 0xC6000001U
#define ISOHYP_FN_HOST_UNSHARE_HYP 0xC6000002U
#define ISOHYP_FN_HOST_DONATE_HYP 0xC6000003U
#define ISOHYP_FN_HOST_RECLAIM 0xC6000004U
#define ISOHYP_FN_PAGE_STATE 0xC6000005U
/*
 * IOMMU_INFO: x1 SMMUs driven, x2 stage-2 DMA faults recorded since boot,
 * x3 the last faulting address. x4..x7 (SMCCC 1.2 result registers) are 0,
 * except in a test build (CONFIG_TEST_KEYS) whose loader was configured with
 * test_hooks=1: then they are the
 * physical addresses of the first SMMU's stream table, command queue, event
 * queue and identity-map root, all inside the carve-out (for tests that aim
 * DMA at them; the hypervisor's layout is nothing a host needs otherwise).
 */
#define ISOHYP_FN_IOMMU_INFO 0xC6000006U

/*
 * HOST_BATCH: one ownership call for a list of ranges (a scatter list), for
 * one trap, one walk and one invalidation instead of one per range.
 *   x1  what is done to every range: ISOHYP_BATCH_SHARE_HYP, _UNSHARE_HYP,
 *       _DONATE_HYP or _RECLAIM -- the single call of that name, per range
 *   x2  physical address of the list: 16-byte aligned, wholly inside one
 *       4 KiB page of RAM the host owns (or shares with the hypervisor)
 *   x3  entries in the list, 1..ISOHYP_BATCH_MAX
 * Each entry is a struct isohyp_batch_range. The hypervisor copies the list
 * once, under its lock, before it looks at any range: what the host writes
 * there during the call is not seen. For the call's duration the list's page
 * is pinned: a batch that would donate it fails with -EBUSY.
 * The ranges are checked as a whole before anything changes, then applied
 * all or nothing, with at most one TLB invalidation and one CMD_SYNC per
 * SMMU for the whole batch (one range invalidation covering the ranges, or
 * the whole VMID where the SMMU has no range invalidation and more than 16
 * pages change). x1 on return, in the order they are checked:
 *   -EINVAL  x1 is no such call; x3 is 0 or above ISOHYP_BATCH_MAX; the list
 *            is not aligned, crosses a page or is not RAM; a range is
 *            malformed as for the single calls; two ranges overlap
 *   -EPERM   the list's page is not the host's; a page of some range is not
 *            in the state the call needs (as for the single calls)
 *   -EBUSY   a donation of a pinned page, or of the list's own page
 *   -ENOMEM, -ETIMEDOUT, -EIO  as for the single calls
 * One call for the whole batch (not one per range): all or nothing across
 * different calls would need opposite orders of the CPU and DMA steps, and
 * undoing a reclaim's zeroing is impossible.
 */
#define ISOHYP_FN_HOST_BATCH 0xC6000007U
#define ISOHYP_BATCH_SHARE_HYP 1
#define ISOHYP_BATCH_UNSHARE_HYP 2
#define ISOHYP_BATCH_DONATE_HYP 3
#define ISOHYP_BATCH_RECLAIM 4
#define ISOHYP_BATCH_MAX 256

struct isohyp_batch_range {
	unsigned long long pfn; /* first 4 KiB frame */
	unsigned long long nr_pages;
};

/*
 * TEST_HOOK: only in a test build (CONFIG_TEST_KEYS) whose loader was
 * configured with test_hooks=1 (test suites); NOT_SUPPORTED otherwise. x1 =
 * what to do:
 * ISOHYP_TEST_HOOK_EL2_ABORT takes an unexpected data abort at EL2, to show
 * the register dump and the clean stop. ISOHYP_TEST_HOOK_FORGET_CPU makes the
 * PSCI relay believe the CPU with MPIDR x2 is off, as if it ran without having
 * entered through the relay (x1 = 0, or -EINVAL for no such CPU). Other
 * values: x1 = -EINVAL.
 */
#define ISOHYP_FN_TEST_HOOK 0xC600FFF0U
#define ISOHYP_TEST_HOOK_EL2_ABORT 1
#define ISOHYP_TEST_HOOK_FORGET_CPU 2
/* EL2 memory hygiene (each a clean EL2 panic with a register dump): */
#define ISOHYP_TEST_HOOK_WRITE_TEXT 3 /* store to the hypervisor's text */
#define ISOHYP_TEST_HOOK_EXEC_DATA 4 /* branch to the hypervisor's data */
#define ISOHYP_TEST_HOOK_STACK_OVERFLOW 5 /* recurse past the EL2 stack */
#define ISOHYP_TEST_HOOK_READ_HOST 6 /* load from host RAM at x2: EL2 maps none */

/*
 * Errors of HOST_DONATE_HYP and HOST_RECLAIM from the DMA side, besides
 * those of ARCHITECTURE.md section 4 (x1, negative errno):
 *   -ETIMEDOUT (-110)  an SMMU did not confirm an invalidation in time. The
 *                      pages stay as they were for the host's CPUs; DMA to
 *                      them may fault until the hypervisor re-applies the
 *                      range (on a later trap, once the SMMU works again).
 *                      The call may be retried.
 *   -EIO (-5)          an SMMU reported a command error, or is broken: after
 *                      3 consecutive timeouts it is given up, aborts all DMA,
 *                      and every call that needs it fails at once with -EIO
 *                      until the machine is reset. Not worth retrying.
 * Sharing and unsharing never need an SMMU.
 */
#define ISOHYP_EIO 5
#define ISOHYP_ETIMEDOUT 110

/* x0 on return: SMCCC status. An implemented call puts its result in x1. */
#define ISOHYP_SMCCC_SUCCESS 0
#define ISOHYP_SMCCC_NOT_SUPPORTED (-1)

/*
 * CALL_UID returns this UUID in w0..w3 (SMCCC: each register holds 4 bytes,
 * least significant byte first), 3f7a2c1e-9b4d-4e8a-a6c5-1d0e5b7f9a42.
 */
#define ISOHYP_UUID_W0 0x1e2c7a3fU
#define ISOHYP_UUID_W1 0x8a4e4d9bU
#define ISOHYP_UUID_W2 0x0e1dc5a6U
#define ISOHYP_UUID_W3 0x429a7f5bU

/* PAGE_STATE results. */
#define ISOHYP_PAGE_HOST_OWNED 0
#define ISOHYP_PAGE_SHARED_HYP 1
#define ISOHYP_PAGE_HYP_OWNED 2
#define ISOHYP_PAGE_MMIO_HOST 3
#define ISOHYP_PAGE_MMIO_HYP 4 /* MMIO the hypervisor owns or emulates, or removed */
/*
 * Host-owned RAM that a device the hypervisor mediates may write (an ITS
 * table, a redistributor's LPI tables, an emulated SMMU's queue): the host
 * keeps it, but HOST_DONATE_HYP fails with -EBUSY until the device lets go.
 */
#define ISOHYP_PAGE_HOST_PINNED 5

/* Device-tree names the loader adds to the host's tree. */
#define ISOHYP_DT_CARVEOUT_COMPATIBLE "isohyp,carveout"
#define ISOHYP_DT_NODE_COMPATIBLE "isohyp,hypervisor"
/*
 * /isohyp iommu-mode: the host sees no SMMU (hidden), every SMMU as an
 * emulated stage-1-only SMMUv3 (nested), some of each (mixed), or there is
 * none. iommu-hidden and iommu-nested: string lists of the SMMUv3 node
 * paths in each mode, absent when empty.
 */
#define ISOHYP_DT_IOMMU_HIDDEN "hidden"
#define ISOHYP_DT_IOMMU_NESTED "nested"
#define ISOHYP_DT_IOMMU_MIXED "mixed"
#define ISOHYP_DT_IOMMU_NONE "none"
#define ISOHYP_DT_IOMMU_HIDDEN_LIST "iommu-hidden"
#define ISOHYP_DT_IOMMU_NESTED_LIST "iommu-nested"
/*
 * The platform DMA policy (ARCHITECTURE.md section 9) in /isohyp. Each list
 * is a string list of node paths, absent when empty:
 *   dma-isolation    "iommu": DMA masters the host keeps go through an
 *                    SMMUv3 the hypervisor drives, or are mediated;
 *                    "none": no IOMMU (allow_no_iommu=1), DMA is not isolated
 *   dma-isolated-by  the SMMUv3s the hypervisor drives
 *   dma-mediated     devices whose DMA the hypervisor mediates (GICv3, ITS,
 *                    fw_cfg)
 *   dma-removed      devices taken from the host: "disabled" in this tree,
 *                    and their registers the hypervisor's (page state 4)
 *   dma-unisolated   devices kept by allow_dma= although nothing isolates
 *                    their DMA
 */
#define ISOHYP_DT_DMA_ISOLATION "dma-isolation"
#define ISOHYP_DT_DMA_ISOLATION_IOMMU "iommu"
#define ISOHYP_DT_DMA_ISOLATION_NONE "none"
#define ISOHYP_DT_DMA_ISOLATED_BY "dma-isolated-by"
#define ISOHYP_DT_DMA_MEDIATED "dma-mediated"
#define ISOHYP_DT_DMA_REMOVED "dma-removed"
#define ISOHYP_DT_DMA_UNISOLATED "dma-unisolated"

#endif /* ISOHYP_UAPI_ISOHYP_H */
