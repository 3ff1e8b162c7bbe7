// SPDX-License-Identifier: GPL-2.0-only
/*
 * make bench, part 1: the cost of DMA isolation, host-built. The real
 * hyp/pgtable, hyp/mem_protect, page pool, iommu core and SMMUv3 driver run
 * against the software SMMUv3 of tests/unit/lib/smmu_model.c (QEMU's ID
 * registers: RIL, BBML 2), in block mode and in the reference patch's
 * page-granular mode side by side.
 *
 * For 1, 64 and 1024 GiB of RAM: SMMU table pages after the snapshot, with
 * 1000 scattered 4 KiB pages donated, and after they are reclaimed; the
 * snapshot's time. On 64 GiB: SMMU commands and descriptor writes per
 * donate and per reclaim of 4 KiB, 64 KiB, 2 MiB and 1 GiB; nanoseconds per
 * 4 KiB donate + reclaim cycle.
 *
 * Prints a table, then one machine-readable line per figure:
 *	BENCH <figure> mode=<blocks|baseline> ram_gib=<n> [size=<n>] value=<v> unit=<u>
 * and the targets of the performance issue, met or missed.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <isohyp/errno.h>
#include <isohyp/iommu.h>
#include <smmuv3/arm_smmu_v3.h>
#include <isohyp/mem_protect.h>
#include <isohyp/page_alloc.h>

#include "../drivers/smmuv3/smmuv3.h"
#include "../tests/unit/lib/heap_pages.h"
#include "../tests/unit/lib/smmu_model.h"

#define GiB (1ull << 30)
#define RAM0 0x40000000ull
#define SMMU_PA 0x9050000ull
#define SMMU_SIZE 0x20000ull
#define IA_BITS 44
#define NR_SCATTERED 1000

static const char *const mode_names[] = { "blocks", "ram4k", "baseline" };

/* ---- the host stage-2's own page tables: heap pages (lib/heap_pages.h) ---------- */

static void zero_pages(phys_addr_t pa, u64 size)
{
}

static const struct mem_protect_ops mp_ops = { .zero_pages = zero_pages };

/* ---- one machine ---------------------------------------------------------------- */

static struct smmu_model model;
static struct hyp_pool pool;
static void *pool_mem;
static u64 pool_bytes;
static u64 ram_size, carve;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what, int ret)
{
	fprintf(stderr, "smmu_bench: %s failed: %d\n", what, ret);
	exit(1);
}

/* Boot a machine with @gib GiB of RAM; returns the snapshot's time in ns. */
static double machine_up(u64 gib, enum smmu_map_policy policy)
{
	struct boot_mem_range ram;
	struct boot_smmu b = { .base = SMMU_PA, .size = SMMU_SIZE, .coherent = 1 };
	double t;
	int ret;

	kvm_iommu_ops = NULL;
	if ((ret = kvm_arm_smmu_v3_set_policy(policy)))
		die("set_policy", ret);
	/* Page-granular RAM takes 513 pages per GiB; blocks a few. */
	pool_bytes = (policy == SMMU_MAP_BLOCKS ? 64ull << 20 : gib * 514 * 4096 + (64ull << 20));
	pool_mem = mmap(NULL, pool_bytes, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (pool_mem == MAP_FAILED)
		die("mmap of the page pool", -ENOMEM);
	hyp_pool_init(&pool, (u64)(uintptr_t)pool_mem, pool_bytes / 4096);
	ram_size = gib * GiB;
	ram = (struct boot_mem_range){ RAM0, ram_size };
	carve = RAM0 + ram_size - (32ull << 20);
	if ((ret = host_stage2_init(&ram, 1, IA_BITS, &heap_mm_ops, NULL, &mp_ops)))
		die("host_stage2_init", ret);
	if ((ret = host_stage2_protect_hyp(carve, 32ull << 20)))
		die("protect carve-out", ret);
	if ((ret = host_stage2_protect_hyp(SMMU_PA, SMMU_SIZE)))
		die("protect SMMU", ret);
	smmu_model_init(&model, SMMU_PA, SMMU_MODEL_IDR0_QEMU, SMMU_MODEL_IDR1_QEMU,
			SMMU_MODEL_IDR3_QEMU, SMMU_MODEL_IDR5_QEMU);
	if ((ret = kvm_arm_smmu_v3_register(&b, 1, &pool, IA_BITS)))
		die("register", ret);
	t = now_ns();
	if ((ret = kvm_iommu_init()))
		die("kvm_iommu_init", ret);
	return now_ns() - t;
}

static void machine_down(void)
{
	kvm_pgtable_stage2_destroy(&host_mmu.pgt);
	host_mmu.pgt.pgd = NULL;
	smmu_model_remove(&model);
	kvm_iommu_ops = NULL;
	munmap(pool_mem, pool_bytes);
}

static u64 table_pages(void)
{
	struct kvm_iommu_info info;

	kvm_iommu_info(&info);
	return info.nr_table_pages;
}

static u64 pte_writes(void)
{
	struct kvm_iommu_info info;

	kvm_iommu_info(&info);
	return info.nr_pte_writes;
}

/* The i-th of NR_SCATTERED pages spread over RAM, outside the carve-out. */
static u64 scattered_pfn(unsigned int i)
{
	u64 stride = (carve - RAM0) / NR_SCATTERED;

	return (RAM0 + i * ALIGN_DOWN(stride, 4096) + 0x3000) >> 12;
}

static void bench_line(const char *figure, enum smmu_map_policy mode, u64 gib, const char *size,
		       double value, const char *unit)
{
	printf("BENCH %s mode=%s ram_gib=%llu%s%s value=%.6g unit=%s\n", figure, mode_names[mode],
	       (unsigned long long)gib, size ? " size=" : "", size ? size : "", value, unit);
}

/* ---- the figures ------------------------------------------------------------------ */

struct mem_result {
	u64 after_snapshot, with_donated, after_reclaim;
	double snapshot_ms;
};

static struct mem_result bench_memory(u64 gib, enum smmu_map_policy mode)
{
	struct mem_result r;
	unsigned int i;
	int ret;

	r.snapshot_ms = machine_up(gib, mode) / 1e6;
	r.after_snapshot = table_pages();
	for (i = 0; i < NR_SCATTERED; i++)
		if ((ret = __pkvm_host_donate_hyp(scattered_pfn(i), 1)))
			die("donate", ret);
	r.with_donated = table_pages();
	for (i = 0; i < NR_SCATTERED; i++)
		if ((ret = __pkvm_host_reclaim(scattered_pfn(i), 1)))
			die("reclaim", ret);
	r.after_reclaim = table_pages();
	machine_down();
	return r;
}

struct change_cost {
	u64 cmds, tlbi, sync, writes;
};

static struct change_cost cost_of(int (*call)(u64, u64), u64 pfn, u64 n)
{
	struct arm_smmu_stats s0 = arm_smmu_stats;
	u64 w0 = pte_writes();
	int ret = call(pfn, n);

	if (ret)
		die("change", ret);
	return (struct change_cost){
		arm_smmu_stats.nr_cmds - s0.nr_cmds, arm_smmu_stats.nr_tlbi - s0.nr_tlbi,
		arm_smmu_stats.nr_sync - s0.nr_sync, pte_writes() - w0,
	};
}

static const struct {
	const char *name;
	u64 bytes;
} change_sizes[] = { { "4K", 4096 }, { "64K", 64 << 10 }, { "2M", 2 << 20 }, { "1G", GiB } };

static void bench_changes(enum smmu_map_policy mode, struct change_cost donate[4],
			  struct change_cost reclaim[4], double *cycle_ns)
{
	unsigned int k, i, n = 20000;
	double t;

	machine_up(64, mode);
	for (k = 0; k < 4; k++) {
		/* Aligned to its size, 1 GiB apart, inside untouched blocks. */
		u64 pa = RAM0 + (k + 2) * GiB + (k < 2 ? 0x5000 : 0);

		donate[k] = cost_of(__pkvm_host_donate_hyp, pa >> 12, change_sizes[k].bytes >> 12);
		reclaim[k] = cost_of(__pkvm_host_reclaim, pa >> 12, change_sizes[k].bytes >> 12);
	}
	t = now_ns();
	for (i = 0; i < n; i++) {
		u64 pfn = ((RAM0 + 7 * GiB) >> 12) + (i % 64) * 1031;

		if (__pkvm_host_donate_hyp(pfn, 1) || __pkvm_host_reclaim(pfn, 1))
			die("cycle", -1);
	}
	*cycle_ns = (now_ns() - t) / n;
	machine_down();
}

int main(void)
{
	static const u64 sizes[] = { 1, 64, 1024 };
	static const enum smmu_map_policy modes[] = { SMMU_MAP_BLOCKS, SMMU_MAP_BASELINE };
	struct mem_result mem[2][3];
	struct change_cost donate[2][4], reclaim[2][4];
	double cycle[2];
	unsigned int m, g, k;
	bool ok;
	char buf[32];

	printf("isohyp SMMU identity map: block mode vs the reference (4 KiB, TLBI per page)\n");
	printf("model: QEMU virt SMMUv3 (RIL, BBML 2); %u scattered 4 KiB donations\n\n",
	       NR_SCATTERED);
	for (m = 0; m < 2; m++)
		for (g = 0; g < 3; g++)
			mem[m][g] = bench_memory(sizes[g], modes[m]);
	for (m = 0; m < 2; m++)
		bench_changes(modes[m], donate[m], reclaim[m], &cycle[m]);

	printf("%-10s %8s | %12s %12s %12s | %12s\n", "mode", "RAM GiB", "tables", "+1000 don.",
	       "reclaimed", "snapshot ms");
	for (m = 0; m < 2; m++)
		for (g = 0; g < 3; g++)
			printf("%-10s %8llu | %12llu %12llu %12llu | %12.3f\n", mode_names[modes[m]],
			       (unsigned long long)sizes[g],
			       (unsigned long long)mem[m][g].after_snapshot,
			       (unsigned long long)mem[m][g].with_donated,
			       (unsigned long long)mem[m][g].after_reclaim, mem[m][g].snapshot_ms);
	printf("\n%-10s %5s | %-30s | %-30s\n", "mode", "size", "donate: cmds tlbi sync writes",
	       "reclaim: cmds tlbi sync writes");
	for (m = 0; m < 2; m++)
		for (k = 0; k < 4; k++)
			printf("%-10s %5s | %6llu %6llu %6llu %9llu | %6llu %6llu %6llu %9llu\n",
			       mode_names[modes[m]], change_sizes[k].name,
			       (unsigned long long)donate[m][k].cmds,
			       (unsigned long long)donate[m][k].tlbi,
			       (unsigned long long)donate[m][k].sync,
			       (unsigned long long)donate[m][k].writes,
			       (unsigned long long)reclaim[m][k].cmds,
			       (unsigned long long)reclaim[m][k].tlbi,
			       (unsigned long long)reclaim[m][k].sync,
			       (unsigned long long)reclaim[m][k].writes);
	printf("\n%-10s | ns per 4 KiB donate+reclaim cycle\n", "mode");
	for (m = 0; m < 2; m++)
		printf("%-10s | %.0f\n", mode_names[modes[m]], cycle[m]);
	printf("\n");

	for (m = 0; m < 2; m++) {
		for (g = 0; g < 3; g++) {
			u64 gib = sizes[g];

			bench_line("table_pages_after_snapshot", modes[m], gib, NULL,
				   mem[m][g].after_snapshot, "pages");
			bench_line("table_pages_with_1000_donated", modes[m], gib, NULL,
				   mem[m][g].with_donated, "pages");
			bench_line("table_pages_after_reclaim", modes[m], gib, NULL,
				   mem[m][g].after_reclaim, "pages");
			bench_line("snapshot_time", modes[m], gib, NULL, mem[m][g].snapshot_ms, "ms");
		}
		for (k = 0; k < 4; k++) {
			snprintf(buf, sizeof(buf), "%s", change_sizes[k].name);
			bench_line("donate_smmu_cmds", modes[m], 64, buf, donate[m][k].cmds, "commands");
			bench_line("donate_tlbi", modes[m], 64, buf, donate[m][k].tlbi, "commands");
			bench_line("donate_sync", modes[m], 64, buf, donate[m][k].sync, "commands");
			bench_line("donate_desc_writes", modes[m], 64, buf, donate[m][k].writes,
				   "descriptors");
			bench_line("reclaim_smmu_cmds", modes[m], 64, buf, reclaim[m][k].cmds,
				   "commands");
			bench_line("reclaim_tlbi", modes[m], 64, buf, reclaim[m][k].tlbi, "commands");
			bench_line("reclaim_sync", modes[m], 64, buf, reclaim[m][k].sync, "commands");
			bench_line("reclaim_desc_writes", modes[m], 64, buf, reclaim[m][k].writes,
				   "descriptors");
		}
		bench_line("donate_reclaim_cycle", modes[m], 64, "4K", cycle[m], "ns");
	}

	/* The targets of the performance issue, for block mode. */
	printf("\ntargets (block mode):\n");
	{
		/* What each further GiB of RAM costs, beyond the fixed tables. */
		double per_gib = (double)(mem[0][2].after_snapshot - mem[0][0].after_snapshot) /
				 (sizes[2] - sizes[0]);

		printf("  <= 1 table page per GiB of untouched RAM: %s (%.3f per GiB)\n",
		       per_gib <= 1 ? "met" : "MISSED", per_gib);
	}
	ok = true;
	for (g = 0; g < 3; g++)
		ok &= mem[0][g].after_reclaim == mem[0][g].after_snapshot;
	printf("  table pages back to baseline after reclaim: %s\n", ok ? "met" : "MISSED");
	printf("  1 TiB snapshot under 10 ms: %s (%.3f ms)\n",
	       mem[0][2].snapshot_ms < 10 ? "met" : "MISSED", mem[0][2].snapshot_ms);
	ok = true;
	for (k = 0; k < 4; k++)
		ok &= donate[0][k].tlbi <= 1 && donate[0][k].sync <= 1 && reclaim[0][k].tlbi <= 1 &&
		      reclaim[0][k].sync <= 1;
	printf("  <= 1 TLBI + 1 CMD_SYNC per SMMU per change: %s\n", ok ? "met" : "MISSED");
	return 0;
}
