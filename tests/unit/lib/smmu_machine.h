/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host unit tests of DMA isolation: one machine for the real
 * hyp/mem_protect, pgtable, page pool, iommu core and SMMUv3 driver, with the
 * software SMMUv3 of smmu_model.c in place of the hardware.
 *
 * The machine: lib/machine_layout.h's, with the SMMU's registers at SMMU_PA.
 */
#ifndef ISOHYP_TEST_SMMU_MACHINE_H
#define ISOHYP_TEST_SMMU_MACHINE_H

#include <isohyp/boot_info.h>
#include <isohyp/page_alloc.h>

#include "machine_layout.h"
#include "poc_memory.h"
#include "smmu_model.h"

#define SMMU_PA 0x9050000ull
#define SMMU_SIZE 0x20000ull
#define UART 0x9000000ull
#define POOL_PAGES 1024

/* Stage-2 MemAttr / SH the SMMU must see (ARCHITECTURE.md section 6). */
#define ATTR_NORMAL_WB 0xf
#define ATTR_DEVICE_nGnRE 0x1
#define SH_INNER 3

#define EVT_BAD_STREAMID 0x02
#define EVT_TRANSLATION 0x10

#define IDR0_COHACC (1u << 4)

/* The SMMU: its ID registers, what the device tree says, its register window. */
struct smmu_cfg {
	u32 idr0, idr1, idr3, idr5;
	bool coherent; /* "dma-coherent" */
	u64 size;
};

/* QEMU's, coherent. */
extern const struct smmu_cfg qemu_cfg;
extern struct smmu_model model;
extern struct hyp_pool pool;
extern u64 pool_pages; /* the hypervisor's pool at the next machine_up() */
extern unsigned long hyp_test_log_count[4];

/*
 * The hypervisor's boot up to (not including) the driver. The model walks
 * coherently only if both the SMMU (IDR0.COHACC) and the device tree say so.
 */
void machine_up(const struct smmu_cfg *cfg);
/* Host stage-2, carve-out and SMMU windows protected, @nr SMMUs registered. */
int machine_register_smmus(const struct boot_smmu *b, unsigned int nr);
int machine_register(const struct smmu_cfg *cfg);
void machine_down(void);
/* Page-table pages the host stage-2 holds. */
long machine_host_tables(void);
/*
 * The SMMU's identity map merges tables back at once (no idle tables), as
 * before the merge policy: a reclaim then needs an invalidation, which a
 * test can make fail.
 */
void machine_smmu_merge_at_once(void);

static inline struct smmu_dma dma(u32 sid, u64 addr, bool write)
{
	return smmu_model_dma(&model, sid, addr, write);
}

/* A DMA by @sid to @addr, both directions, translates to @addr with @attr. */
#define EXPECT_DMA_OK(sid, addr, attr)                                                  \
	do {                                                                           \
		struct smmu_dma __r = dma(sid, addr, false), __w = dma(sid, addr, true); \
		EXPECT_TRUE(__r.ok && __w.ok);                                         \
		EXPECT_EQ((u64)(addr), __r.pa);                                        \
		EXPECT_EQ((unsigned int)(attr), __r.memattr);                          \
		if ((attr) == ATTR_NORMAL_WB)                                          \
			EXPECT_EQ((unsigned int)SH_INNER, __r.sh);                     \
	} while (0)

#define EXPECT_DMA_FAULT(sid, addr)                                                     \
	do {                                                                           \
		struct smmu_dma __r = dma(sid, addr, false), __w = dma(sid, addr, true); \
		EXPECT_FALSE(__r.ok);                                                  \
		EXPECT_FALSE(__w.ok);                                                  \
	} while (0)

#endif
