// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bring-up of the hypervisor (ARCHITECTURE.md section 2, step 6):
 *  - hyp_boot_init(): on the boot CPU, at EL2 under the firmware's MMU,
 *    called by __hyp_install. Validates the boot info, sets up the page pool,
 *    per-CPU state, the EL2 page tables and the host stage-2, and saves the
 *    firmware's EL2 context as the EL1 context the host continues with.
 *  - hyp_boot_finish(): on the boot CPU, now under our own EL2 tables; arms
 *    the traps and stage-2.
 *  - hyp_cpu_entry(): a CPU coming up through the PSCI proxy.
 * It does not start the host: __hyp_install returns into it at EL1.
 */
#include <string.h>

#include <asm/cache.h>
#include <asm/el2_setup.h>
#include <asm/host_stage2.h>
#include <asm/hyp_mmu.h>
#include <asm/scrub.h>
#include <asm/sysreg.h>
#include <isohyp/bits.h>
#include <isohyp/boot_info.h>
#include <isohyp/console.h>
#include <isohyp/cpu.h>
#include <isohyp/dma_policy.h>
#include <isohyp/errno.h>
#include <isohyp/hcall.h>
#include <isohyp/iommu.h>
#include <isohyp/driver.h>
#include <isohyp/mem_protect.h>
#include <isohyp/page_alloc.h>
#include <isohyp/power.h>
#include <isohyp/version.h>

#define HYP_STACK_PAGES 4

/* Kconfig's range for MAX_CPUS stops here: boot_info carries the MPIDRs. */
_Static_assert(CONFIG_MAX_CPUS <= BOOT_INFO_MAX_CPUS, "CONFIG_MAX_CPUS > BOOT_INFO_MAX_CPUS");

struct hyp_cpu hyp_cpus[CONFIG_MAX_CPUS];
unsigned int hyp_nr_cpus;

static struct boot_info boot_info;
static struct hyp_pool hyp_pool;
static struct host_s2_regs host_s2_regs;

#ifdef CONFIG_TEST_KEYS
/*
 * TEST_HOOK and the layout in IOMMU_INFO: only in a test build, whose loader
 * passes test_hooks=1 on (include/isohyp/hcall.h).
 */
bool hyp_test_hooks_enabled(void)
{
	return boot_info.test_hooks == 1;
}
#endif

unsigned int hyp_cpu_index(void)
{
	return this_cpu()->index;
}

struct hyp_cpu *hyp_cpu_by_mpidr(u64 mpidr)
{
	unsigned int i;

	for (i = 0; i < hyp_nr_cpus; i++)
		if (hyp_cpus[i].mpidr == (mpidr & MPIDR_AFFINITY_MASK))
			return &hyp_cpus[i];
	return NULL;
}

static int boot_info_check(const struct boot_info *bi)
{
	u64 image_end = bi->carveout_base + bi->image_size;

	if (bi->magic != BOOT_INFO_MAGIC)
		return -EINVAL;
	if (!bi->nr_cpus || bi->nr_cpus > CONFIG_MAX_CPUS || bi->nr_cpus > BOOT_INFO_MAX_CPUS ||
	    bi->boot_cpu >= bi->nr_cpus)
		return -E2BIG;
	if (!bi->nr_ram || bi->nr_ram > BOOT_INFO_MAX_RAM || bi->nr_smmus > BOOT_INFO_MAX_SMMUS)
		return -EINVAL;
	if (!IS_ALIGNED(bi->carveout_base | bi->carveout_size, SZ_2M) ||
	    image_end > bi->carveout_base + bi->carveout_size || image_end < bi->carveout_base)
		return -EINVAL;
	return 0;
}

/*
 * Each CPU's EL2 stacks, one contiguous block (hyp_alloc_pages_contig aligns
 * it to 8 pages): the panic stack, an unmapped guard page, the stack. An
 * overflow of the stack faults on the guard page, and the panic vectors run
 * on the panic stack (arch/arm64/hyp/entry.S), so it ends in a register dump.
 */
#define HYP_PANIC_STACK_PAGES 2
#define HYP_STACK_BLOCK_PAGES (HYP_PANIC_STACK_PAGES + 1 + HYP_STACK_PAGES)

static int cpus_init(const struct boot_info *bi, struct hyp_pool *pool)
{
	unsigned int i;

	hyp_nr_cpus = bi->nr_cpus;
	for (i = 0; i < hyp_nr_cpus; i++) {
		struct hyp_cpu *cpu = &hyp_cpus[i];
		u8 *block = hyp_alloc_pages_contig(pool, HYP_STACK_BLOCK_PAGES);

		if (!block)
			return -ENOMEM;
		cpu->panic_stack_top = (u64)(uintptr_t)(block + HYP_PANIC_STACK_PAGES * SZ_4K);
		cpu->stack_guard = cpu->panic_stack_top;
		cpu->stack_top = (u64)(uintptr_t)(block + HYP_STACK_BLOCK_PAGES * SZ_4K);
		cpu->mpidr = bi->mpidr[i] & MPIDR_AFFINITY_MASK;
		cpu->index = i;
		cpu->state = HYP_CPU_OFF;
		hyp_spin_lock_init(&cpu->lock, HYP_LOCK_CPU);
	}
	return 0;
}

bool hyp_addr_is_stack_guard(u64 addr)
{
	unsigned int i;

	for (i = 0; i < hyp_nr_cpus; i++)
		if (addr - hyp_cpus[i].stack_guard < SZ_4K)
			return true;
	return false;
}

extern char __hyp_text_end[], __hyp_rodata_end[];

/*
 * The carve-out at EL2: text read-only and executable, rodata read-only,
 * everything else (data, bss, boot info, page pool, stacks) read-write and
 * never executable, but for each CPU's stack guard page. Stacks come from
 * the pool in ascending order (cpus_init), so the guards are sorted.
 */
static int hyp_map_carveout(const struct boot_info *bi)
{
	u64 text_end = (u64)(uintptr_t)__hyp_text_end, rodata_end = (u64)(uintptr_t)__hyp_rodata_end;
	u64 start = rodata_end, end = bi->carveout_base + bi->carveout_size;
	unsigned int i;
	int ret;

	ret = hyp_mmu_map(bi->carveout_base, text_end - bi->carveout_base, HYP_MAP_TEXT);
	if (!ret)
		ret = hyp_mmu_map(text_end, rodata_end - text_end, HYP_MAP_RODATA);
	for (i = 0; !ret && i < hyp_nr_cpus; i++) {
		u64 guard = hyp_cpus[i].stack_guard;

		if (guard < start || guard + SZ_4K > end)
			return -EINVAL;
		if (guard > start)
			ret = hyp_mmu_map(start, guard - start, HYP_MAP_DATA);
		start = guard + SZ_4K;
	}
	if (!ret && start < end)
		ret = hyp_mmu_map(start, end - start, HYP_MAP_DATA);
	return ret;
}

/* EL2 view: the carve-out, the console, the GICD (and drivers map their MMIO). */
static int hyp_map_all(const struct boot_info *bi)
{
	unsigned int i;
	int ret;

	/* No host RAM: it is reached through host_mem.h's short-lived mappings. */
	ret = hyp_map_carveout(bi);
	if (!ret && bi->uart_base)
		ret = hyp_mmu_map(ALIGN_DOWN(bi->uart_base, SZ_4K), SZ_4K, HYP_MAP_DEVICE);
	/* The distributor's ID registers, for the GIC mediators (read only). */
	if (!ret && bi->gicd_base)
		ret = hyp_mmu_map(ALIGN_DOWN(bi->gicd_base, SZ_4K), SZ_4K, HYP_MAP_DEVICE);
	for (i = 0; !ret && i < bi->nr_smmus; i++)
		ret = hyp_mmu_map(bi->smmu[i].base, bi->smmu[i].size, HYP_MAP_DEVICE);
	return ret;
}

static int map_device(u64 pa, u64 size)
{
	return hyp_mmu_map(pa, size, HYP_MAP_DEVICE);
}

/* Each driver of a table, in link order; the first error stops the install. */
static int drivers_init(const struct hyp_driver *start, const struct hyp_driver *stop)
{
	const struct hyp_driver_env env = {
		.bi = &boot_info, .pool = &hyp_pool, .host_ia_bits = host_mmu.pgt.ia_bits,
		.map_device = map_device,
	};
	const struct hyp_driver *d;
	int ret;

	for (d = start; d < stop; d++) {
		ret = d->init(&env);
		if (ret) {
			pr_err("driver %s: setup failed: %d\n", d->name, ret);
			return ret;
		}
	}
	return 0;
}

/*
 * The SMMUs' registers become the hypervisor's MMIO (the host can never map
 * them, nor can DMA reach them), then the IOMMU drivers probe and register.
 */
static int iommu_setup(const struct boot_info *bi)
{
	unsigned int i;
	int ret;

	for (i = 0; i < bi->nr_smmus; i++) {
		if (!IS_ALIGNED(bi->smmu[i].base | bi->smmu[i].size, SZ_4K) || !bi->smmu[i].size)
			return -EINVAL;
		ret = host_stage2_protect_hyp(bi->smmu[i].base, bi->smmu[i].size);
		if (ret)
			return ret;
	}
	return drivers_init(__start_hyp_iommu_drivers, __stop_hyp_iommu_drivers);
}

int hyp_boot_init(const struct boot_info *bi_in)
{
	struct boot_info *bi = &boot_info;
	u64 pool_base;
	int ret;

	if (bi_in->magic != BOOT_INFO_MAGIC)
		return -EINVAL;
	/* Every table isohyp builds is 4 KiB-granule; the loader checked first. */
	if (!cpu_has_4k_granule())
		return -ENODEV;
	memcpy(bi, bi_in, sizeof(*bi));
	ret = boot_info_check(bi);
	if (ret)
		return ret;
	/* Locks record their holder: TPIDR_EL2 must point at a hyp_cpu first. */
	hyp_cpus[bi->boot_cpu].index = bi->boot_cpu;
	write_sysreg((u64)(uintptr_t)&hyp_cpus[bi->boot_cpu], tpidr_el2);
	hyp_console_init(bi->uart_base, bi->log_level);

	pool_base = ALIGN_UP(bi->carveout_base + bi->image_size, SZ_4K);
	hyp_pool_init(&hyp_pool, pool_base,
		      (bi->carveout_base + bi->carveout_size - pool_base) / SZ_4K);
	ret = cpus_init(bi, &hyp_pool);
	if (!ret)
		ret = hyp_mmu_init(&hyp_pool, cpu_pa_bits());
	if (!ret)
		ret = hyp_map_all(bi);
	if (!ret)
		ret = host_stage2_arch_init(bi, &hyp_pool, &host_s2_regs);
	if (!ret)
		ret = iommu_setup(bi);
	/* Devices removed from the host, then the DMA masters no IOMMU fronts. */
	if (!ret)
		ret = hyp_dma_policy_apply(bi);
	if (!ret)
		ret = drivers_init(__start_hyp_device_drivers, __stop_hyp_device_drivers);
	if (ret) {
		pr_err("EL2 setup failed: %d\n", ret);
		return ret;
	}
	/* Before the host runs another instruction: the IOMMUs get the stage-2. */
	ret = kvm_iommu_init();
	if (ret == -ENODEV) {
		pr_warn("no IOMMU driver: DMA is not isolated\n");
	} else if (ret) {
		pr_err("IOMMU setup failed: %d\n", ret);
		return ret;
	}
	/* Secondary CPUs read hyp_mmu_cfg with their MMU and caches off. */
	dcache_clean_poc(&hyp_mmu_cfg, sizeof(hyp_mmu_cfg));
	el2_cfg_init(host_s2_regs.vtcr, host_s2_regs.vttbr);
	el2_to_el1_context();
	return 0;
}

void hyp_system_down_prepare(void)
{
	u64 cbase = boot_info.carveout_base, cend = cbase + boot_info.carveout_size;
	u64 text_end = (u64)(uintptr_t)__hyp_text_end, donated;
	struct hyp_cpu *cpu = this_cpu();

	/* The last chance to say what DMA the IOMMUs refused, and how often the host trapped. */
	kvm_iommu_report();
	hyp_trap_report();
	/* Taken for good: nothing changes owner any more. */
	host_mmu_lock();
	donated = host_stage2_scrub_donated_locked();
	pr_info("going down: %lu KiB the host donated zeroed; zeroing the %lu MiB carve-out\n",
		(unsigned long)(donated >> 10), (unsigned long)((cend - cbase) >> 20));
	/* The lock is never released: nothing else would write what it deferred. */
	hyp_console_flush_final();
	hyp_scrub_carveout(cbase, cend, cbase, text_end, cpu->stack_top - HYP_STACK_PAGES * SZ_4K,
			   cpu->stack_top);
}

u64 hyp_boot_finish(void)
{
	struct hyp_cpu *cpu = &hyp_cpus[boot_info.boot_cpu];

	el2_cpu_setup(cpu);
	cpu->state = HYP_CPU_ON;
	pr_info("hypervisor %s running at EL2: carve-out %lx-%lx, %u CPUs, %u RAM ranges, "
		"stage-2 %u-bit IPA, %lu pool pages free\n",
		ISOHYP_VERSION_STRING, (unsigned long)boot_info.carveout_base,
		(unsigned long)(boot_info.carveout_base + boot_info.carveout_size - 1),
		hyp_nr_cpus, boot_info.nr_ram, host_mmu.pgt.ia_bits,
		(unsigned long)hyp_pool.nr_free);
	if (hyp_test_hooks_enabled())
		pr_warn("test hooks on (test_hooks=1): the host may stop the machine\n");
	return cpu->stack_top;
}

u64 hyp_cpu_entry(struct hyp_cpu *cpu)
{
	el2_cpu_setup(cpu);
	el1_reset_context();
	write_sysreg(cpu->host_entry, elr_el2);
	write_sysreg(PSR_MODE_EL1h | PSR_DAIF, spsr_el2);
	hyp_spin_lock(&cpu->lock);
	cpu->state = HYP_CPU_ON;
	hyp_spin_unlock(&cpu->lock);
	pr_debug("CPU %u (MPIDR %lx) enters the host at %lx\n", cpu->index,
		 (unsigned long)cpu->mpidr, (unsigned long)cpu->host_entry);
	return cpu->host_ctx;
}
