/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The stage-2 page-table engine (hyp/pgtable.c): VMSAv8-64 stage-2
 * descriptors with the 4 KiB granule (Arm ARM D8.3), one walker with visit
 * flags, map/unmap/set_owner with the largest blocks a range allows, and
 * break-before-make in one place. It knows how descriptors are walked and
 * written, not who owns what. The host CPU stage-2 (hyp/mem_protect.c) and
 * the SMMUv3 stage-2 (drivers/smmuv3) both use it; memory allocation, cache
 * maintenance and TLB invalidation come in through kvm_pgtable_mm_ops.
 * Names follow Linux's kvm_pgtable where they mean the same thing.
 */
#ifndef ISOHYP_PGTABLE_H
#define ISOHYP_PGTABLE_H

#include <isohyp/bits.h>
#include <isohyp/types.h>

typedef u64 kvm_pte_t;

#define KVM_PGTABLE_MAX_LEVELS 4
#define KVM_PGTABLE_MIN_BLOCK_LEVEL 1 /* no level-0 blocks with 4 KiB pages */
#define KVM_PTES_PER_TABLE 512

/* Descriptor fields, Arm ARM D8.3.1 and D8.3.2 (stage 2). */
#define KVM_PTE_VALID BIT(0)
#define KVM_PTE_TYPE BIT(1) /* 1: table at levels 0-2, page at level 3 */
#define KVM_PTE_ADDR_MASK GENMASK(47, 12)
#define KVM_PTE_LEAF_ATTR_LO_S2_MEMATTR GENMASK(5, 2)
#define KVM_PTE_LEAF_ATTR_LO_S2_S2AP_R BIT(6)
#define KVM_PTE_LEAF_ATTR_LO_S2_S2AP_W BIT(7)
#define KVM_PTE_LEAF_ATTR_LO_S2_SH GENMASK(9, 8)
#define KVM_PTE_LEAF_ATTR_LO_S2_AF BIT(10)
#define KVM_PTE_LEAF_ATTR_HI_S2_XN BIT(54)
#define KVM_PTE_LEAF_ATTR_HI_SW0 BIT(55) /* ignored by hardware (D8.3.2) */
/* Software use of an invalid descriptor: who owns the range (0: nobody said). */
#define KVM_INVALID_PTE_OWNER_MASK GENMASK(9, 2)

/* Stage-2 MemAttr with HCR_EL2.FWB == 0 (D8.6.5): [3:2] outer, [1:0] inner. */
#define KVM_S2_MEMATTR_NORMAL_WB 0xf
#define KVM_S2_MEMATTR_DEVICE_nGnRE 0x1
#define KVM_S2_SH_INNER 3

enum kvm_pgtable_prot {
	KVM_PGTABLE_PROT_X = BIT(0),
	KVM_PGTABLE_PROT_W = BIT(1),
	KVM_PGTABLE_PROT_R = BIT(2),
	KVM_PGTABLE_PROT_DEVICE = BIT(3), /* Device-nGnRE instead of Normal WB */
	KVM_PGTABLE_PROT_SW0 = BIT(4), /* software bit of the leaf: its owner's use */
};

#define KVM_PGTABLE_PROT_RW (KVM_PGTABLE_PROT_R | KVM_PGTABLE_PROT_W)
#define KVM_PGTABLE_PROT_RWX (KVM_PGTABLE_PROT_RW | KVM_PGTABLE_PROT_X)

enum kvm_pgtable_walk_flags {
	KVM_PGTABLE_WALK_LEAF = BIT(0),
	KVM_PGTABLE_WALK_TABLE_PRE = BIT(1),
	KVM_PGTABLE_WALK_TABLE_POST = BIT(2),
};

struct kvm_pgtable;

struct kvm_pgtable_mm_ops {
	/* A zeroed 4 KiB page, or NULL. */
	void *(*zalloc_page)(void *arg);
	void (*put_page)(void *addr);
	void *(*phys_to_virt)(phys_addr_t pa);
	phys_addr_t (*virt_to_phys)(void *va);
	/*
	 * Optional: make a descriptor write visible to a walker that does not
	 * snoop the caches (an SMMU without coherent table walks).
	 */
	void (*dcache_clean_inval_poc)(void *addr, size_t size);
	/*
	 * A valid descriptor covering [addr, addr + size) was made invalid (unmap,
	 * set_owner, or the break of break-before-make). Must complete the TLB
	 * invalidation before returning: the engine writes over the range next.
	 */
	void (*tlb_flush)(struct kvm_pgtable *pgt, u64 addr, u64 size);
};

/* How a table may be changed (struct kvm_pgtable.flags), set by its owner. */
/* Its walkers allow a block-size change in place (FEAT_BBM level 2, SMMU BBML 2). */
#define KVM_PGTABLE_S2_INPLACE_RESIZE BIT(0)
/* Normal-memory leaves only at level 3 (RAM at 4 KiB; Device still in blocks). */
#define KVM_PGTABLE_S2_NORMAL_PAGES BIT(1)
/* Never merge a table back into a block. */
#define KVM_PGTABLE_S2_NO_MERGE BIT(2)

/*
 * The merge policy's hysteresis (hyp/pgtable.c, "Idle tables"): a table whose
 * entries came to describe one block again is kept, and remembered here,
 * instead of merged at once. Slots beyond idle_max hold what one update adds
 * before its end trims the list.
 */
#define KVM_PGTABLE_IDLE_SLOTS 128

struct kvm_pgtable_idle {
	u64 addr; /* the block the table would merge into: its address and level */
	u32 level;
	u32 stamp; /* idle_clock when it last became mergeable */
	kvm_pte_t *ptep; /* the entry pointing to the table: an update inside it starts there */
};

struct kvm_pgtable {
	u32 ia_bits;
	u32 start_level;
	u32 flags; /* KVM_PGTABLE_S2_* */
	u64 nr_pte_writes; /* descriptors written so far, for benchmarks */
	kvm_pte_t *pgd;
	const struct kvm_pgtable_mm_ops *mm_ops;
	void *mm_arg;
	/* Idle tables, oldest first; 0 idle_max: merge at once (the default). */
	u32 idle_max, idle_age;
	u32 nr_idle;
	u32 nr_idle_at[KVM_PGTABLE_MAX_LEVELS]; /* of them, named by an entry at each level */
	u32 idle_clock; /* updates committed */
	u64 nr_merges; /* tables merged back so far, for tests and benchmarks */
	u64 nr_idle_walks; /* walks of an update started at the newest idle table */
	struct kvm_pgtable_idle idle[KVM_PGTABLE_IDLE_SLOTS];
};

/* A range of input addresses, [addr, addr + size). */
struct kvm_pgtable_range {
	u64 addr, size;
};

struct kvm_pgtable_visit_ctx {
	kvm_pte_t *ptep;
	kvm_pte_t old;
	void *arg;
	u64 addr; /* start of the entry's range (aligned to its granule) */
	u64 end; /* end of the entry's range */
	u32 level;
};

struct kvm_pgtable_walker {
	int (*cb)(const struct kvm_pgtable_visit_ctx *ctx, enum kvm_pgtable_walk_flags visit);
	void *arg;
	enum kvm_pgtable_walk_flags flags;
};

static inline u64 kvm_granule_shift(u32 level)
{
	return 12 + 9 * (3 - level);
}

static inline u64 kvm_granule_size(u32 level)
{
	return BIT(kvm_granule_shift(level));
}

static inline bool kvm_pte_valid(kvm_pte_t pte)
{
	return pte & KVM_PTE_VALID;
}

static inline bool kvm_pte_table(kvm_pte_t pte, u32 level)
{
	return level < KVM_PGTABLE_MAX_LEVELS - 1 && kvm_pte_valid(pte) && (pte & KVM_PTE_TYPE);
}

static inline u64 kvm_pte_to_phys(kvm_pte_t pte)
{
	return pte & KVM_PTE_ADDR_MASK;
}

static inline u8 kvm_invalid_pte_owner(kvm_pte_t pte)
{
	return kvm_pte_valid(pte) ? 0 : FIELD_GET(KVM_INVALID_PTE_OWNER_MASK, pte);
}

int kvm_pgtable_stage2_init(struct kvm_pgtable *pgt, u32 ia_bits,
			    const struct kvm_pgtable_mm_ops *mm_ops, void *mm_arg);
void kvm_pgtable_stage2_destroy(struct kvm_pgtable *pgt);
u64 kvm_pgtable_root_pa(const struct kvm_pgtable *pgt);

/*
 * Map [addr, addr + size) to [phys, ...) with @prot, using the largest blocks
 * alignment allows and splitting blocks at the edges; tables that end up
 * describing one block are merged into it. Returns 0, -EINVAL (not 4 KiB
 * aligned, empty, wrapping, beyond ia_bits) or -ENOMEM; on an error every
 * address translates exactly as before. mm_ops->tlb_flush is called at most
 * once, at the end, when only in-place changes were needed -- and once more
 * before that when the pool ran dry and idle tables were taken back first.
 */
int kvm_pgtable_stage2_map(struct kvm_pgtable *pgt, u64 addr, u64 size, u64 phys,
			   enum kvm_pgtable_prot prot);
/* Make [addr, addr + size) invalid (descriptor 0). Same errors as map. */
int kvm_pgtable_stage2_unmap(struct kvm_pgtable *pgt, u64 addr, u64 size);
/* Make it invalid and annotated with @owner_id (0: same as unmap). */
int kvm_pgtable_stage2_set_owner(struct kvm_pgtable *pgt, u64 addr, u64 size, u8 owner_id);
/*
 * As set_owner, but no table is merged (none freed): setting the range back
 * to what it was then needs no memory -- the first step of a change that
 * may have to be undone. kvm_pgtable_stage2_merge() merges the rest later.
 */
int kvm_pgtable_stage2_set_owner_keep_tables(struct kvm_pgtable *pgt, u64 addr, u64 size,
					     u8 owner_id);
/*
 * Merge every table of [addr, addr + size) whose entries describe one block.
 * Changes no translation, allocates nothing: 0 or -EINVAL.
 */
int kvm_pgtable_stage2_merge(struct kvm_pgtable *pgt, u64 addr, u64 size);

/*
 * The same for @nr ranges in one update: checked and counted as a whole,
 * then written, all or nothing, with one tlb_flush at the end for all of
 * them. The ranges must be sorted and disjoint (-EINVAL otherwise);
 * map_ranges maps each range to itself (IPA == PA).
 */
int kvm_pgtable_stage2_map_ranges(struct kvm_pgtable *pgt, const struct kvm_pgtable_range *r,
				  u32 nr, enum kvm_pgtable_prot prot);
int kvm_pgtable_stage2_set_owner_ranges(struct kvm_pgtable *pgt,
					const struct kvm_pgtable_range *r, u32 nr, u8 owner_id);
int kvm_pgtable_stage2_set_owner_ranges_keep_tables(struct kvm_pgtable *pgt,
						    const struct kvm_pgtable_range *r, u32 nr,
						    u8 owner_id);
int kvm_pgtable_stage2_merge_ranges(struct kvm_pgtable *pgt, const struct kvm_pgtable_range *r,
				    u32 nr);

/*
 * The merge policy (hyp/pgtable.c, "Idle tables"): keep up to @max tables
 * that could merge back into a block, each until @age further updates of
 * this table passed without touching it. 0, or -EINVAL for @max above
 * KVM_PGTABLE_IDLE_SLOTS / 2 or @age 0. @max 0 merges at once.
 */
int kvm_pgtable_stage2_set_idle_policy(struct kvm_pgtable *pgt, u32 max, u32 age);
/*
 * The policy of the hypervisor's own tables (host stage-2, SMMU identity
 * map): up to 64 idle tables (and the tables above them: at most 1 MiB of
 * pool per table), each kept for 256 further updates.
 */
#define KVM_PGTABLE_IDLE_MAX 64
#define KVM_PGTABLE_IDLE_AGE 256

int kvm_pgtable_walk(struct kvm_pgtable *pgt, u64 addr, u64 size,
		     struct kvm_pgtable_walker *walker);
/* The descriptor translating @addr and its level (an empty one: where the walk ended). */
int kvm_pgtable_get_leaf(struct kvm_pgtable *pgt, u64 addr, kvm_pte_t *ptep, u32 *level);

kvm_pte_t kvm_pgtable_stage2_leaf(u64 phys, enum kvm_pgtable_prot prot, u32 level);
enum kvm_pgtable_prot kvm_pgtable_stage2_pte_prot(kvm_pte_t pte);

#endif /* ISOHYP_PGTABLE_H */
