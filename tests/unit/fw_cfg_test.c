// SPDX-License-Identifier: GPL-2.0-only
/*
 * drivers/fw_cfg/fw_cfg.c with the real MMIO dispatch (hyp/mmio.c), host
 * stage-2 and page ownership (hyp/mem_protect.c, hyp/pgtable.c), against the
 * model of QEMU's fw_cfg in lib/fw_cfg_model.c (hw/nvram/fw_cfg.c): items
 * selected by key, the data register, and a DMA engine that performs
 * FWCfgDmaAccess transfers on this process's memory and writes control back.
 * The model rejects every access QEMU would reject, and records any
 * descriptor it is given that is not the hypervisor's (outside the
 * carve-out): the host's descriptor must never reach the device.
 *
 * The machine of lib/machine_layout.h, with RAM0 backed by memory of this
 * process at its physical address (EL2 maps host RAM 1:1, so the driver
 * reads descriptors at their physical address), the page pool in the
 * carve-out, and fw_cfg at FW_CFG_BASE -- virt's address moved by 0x100 so
 * the device does not start its page.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "harness.h"
#include "lib/fw_cfg_model.h"
#include "lib/heap_pages.h"
#include "lib/machine_layout.h"
#include <fw_cfg/fw_cfg.h>
#include <isohyp/console.h>
#include <isohyp/driver.h>
#include <isohyp/errno.h>
#include <isohyp/mem_protect.h>
#include <isohyp/mmio.h>
#include <isohyp/page_alloc.h>
#include <uapi/isohyp.h>

#define PAGE 0x1000ULL
#define FW_CFG_BASE 0x09020100ULL
#define FW_CFG_PAGE 0x09020000ULL
#define MMIO_ELSEWHERE 0x09000000ULL /* the UART on virt: not RAM */

/* Host pages the tests use, all in RAM0. */
#define HOST_DESC (RAM0 + 0x100000)
#define HOST_BUF (RAM0 + 0x101000)
#define HOST_DONATED (RAM0 + 0x102000)
#define CARVE_VICTIM (CARVE + CARVE_SIZE - PAGE) /* not a pool page */

u64 fake_timer_ticks;

/* What the model may touch: RAM0, which this process backs. */
static bool in_ram0(u64 addr, u64 len)
{
	return addr >= RAM0 && addr + len <= RAM0 + RAM0_SIZE && addr + len >= addr;
}

/* Where the device may be given a descriptor: the carve-out. */
static bool in_carveout(u64 addr, u64 len)
{
	return addr >= CARVE && addr + len <= CARVE + CARVE_SIZE && addr + len >= addr;
}

/* ---- the machine ------------------------------------------------------------ */

static void zero_pages(phys_addr_t pa, u64 size)
{
	memset((void *)(uintptr_t)pa, 0, size);
}

static const struct mem_protect_ops mp_ops = { .zero_pages = zero_pages };
static const struct boot_mem_range ram[] = { { RAM0, RAM0_SIZE }, { RAM1, RAM1_SIZE } };
static struct hyp_pool pool;
static struct boot_info bi;
static u64 mapped_base, mapped_size;

static int map_device(u64 pa, u64 size)
{
	mapped_base = pa;
	mapped_size = size;
	return 0;
}

/*
 * Once per program: RAM0 backed at its physical address (RAM1 stays
 * unbacked: no test aims at it), the host stage-2 with the carve-out, the
 * page pool in the carve-out's second MiB, and fw_cfg's driver brought up through the driver table as hyp/main.c does.
 */
static void machine_setup(void)
{
	static bool done;
	const struct hyp_driver_env env = {
		.bi = &bi, .pool = &pool, .host_ia_bits = IA_BITS, .map_device = map_device,
	};
	const struct hyp_driver *d;

	if (done)
		return;
	if (mmap((void *)(uintptr_t)RAM0, RAM0_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_NORESERVE, -1,
		 0) != (void *)(uintptr_t)RAM0) {
		perror("fw_cfg_test: mmap of RAM0");
		abort();
	}
	if (host_stage2_init(ram, ARRAY_SIZE(ram), IA_BITS, &heap_mm_ops, NULL, &mp_ops) ||
	    host_stage2_protect_hyp(CARVE, CARVE_SIZE))
		abort();
	hyp_pool_init(&pool, CARVE + SZ_1M, 16);
	fw_cfg_model.base = FW_CFG_BASE;
	fw_cfg_model.hyp_mem = in_carveout;
	fw_cfg_model.dma_ok = in_ram0;
	bi.fw_cfg.base = FW_CFG_BASE;
	bi.fw_cfg.size = FW_CFG_REGS_SIZE;
	for (d = __start_hyp_device_drivers; d < __stop_hyp_device_drivers; d++)
		if (d->init(&env))
			abort();
	done = true;
}

/* ESR_EL2 of a data abort from a lower EL with ISV = 1 (as in mmio_test.c). */
static u64 dabt(unsigned int size, bool write)
{
	unsigned int sas = size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;

	return (0x24ULL << 26) | (1ULL << 25) | (1ULL << 24) | ((u64)sas << 22) |
	       (1ULL << 16) /* x1 */ | ((u64)(size == 8) << 15) | ((u64)write << 6) | 0x04;
}

/* A host load or store of @size bytes at @addr, trapped and emulated. */
static int host_access(u64 addr, unsigned int size, bool write, u64 *val)
{
	struct hyp_mmio_region *r = hyp_mmio_find(addr);
	struct mmio_access acc;
	u64 regs[31] = { 0 };
	int ret;

	if (!r)
		return -ENOENT;
	regs[1] = write ? *val : 0x5a5a5a5a5a5a5a5aULL;
	ret = mmio_decode(dabt(size, write), &acc);
	if (!ret)
		ret = hyp_mmio_emulate(r, addr, &acc, regs);
	if (!ret && !write)
		*val = regs[1];
	return ret;
}

static int host_read(u64 off, unsigned int size, u64 *val)
{
	return host_access(FW_CFG_BASE + off, size, false, val);
}

static int host_write(u64 off, unsigned int size, u64 val)
{
	return host_access(FW_CFG_BASE + off, size, true, &val);
}

/* What a host driver does: be16 selector; be64 (or two be32) DMA address. */
static int host_select(u16 key)
{
	return host_write(FW_CFG_SEL, 2, __builtin_bswap16(key));
}

static int host_dma64(u64 desc_pa)
{
	return host_write(FW_CFG_DMA, 8, __builtin_bswap64(desc_pa));
}

static int host_dma_split(u64 desc_pa)
{
	return host_write(FW_CFG_DMA, 4, __builtin_bswap32(desc_pa >> 32)) ?:
	       host_write(FW_CFG_DMA_LO, 4, __builtin_bswap32((u32)desc_pa));
}

static void put_desc(u64 pa, u32 control, u32 length, u64 address)
{
	struct fw_cfg_dma_access d = {
		__builtin_bswap32(control), __builtin_bswap32(length), __builtin_bswap64(address),
	};

	memcpy((void *)(uintptr_t)pa, &d, sizeof(d));
}

static u32 desc_control(u64 pa)
{
	u32 be;

	memcpy(&be, (void *)(uintptr_t)pa, sizeof(be));
	return __builtin_bswap32(be);
}

static void fill(u64 pa, u64 len, u8 seed)
{
	u8 *p = (u8 *)(uintptr_t)pa;
	u64 i;

	for (i = 0; i < len; i++)
		p[i] = (u8)(seed + i * 13);
}

static bool holds(u64 pa, u64 len, u8 seed)
{
	const u8 *p = (const u8 *)(uintptr_t)pa;
	u64 i;

	for (i = 0; i < len; i++)
		if (p[i] != (u8)(seed + i * 13))
			return false;
	return true;
}

static u64 refused(void)
{
	struct fw_cfg_stats s;

	fw_cfg_get_stats(&s);
	return s.dma_refused;
}

FIXTURE(fw_cfg)
{
	u64 nr_dma, refused;
};

FIXTURE_SETUP(fw_cfg)
{
	machine_setup();
	fw_cfg_model.cur = NULL;
	fw_cfg_model.off = 0;
	fw_cfg_model.rejected = fw_cfg_model.foreign_desc = fw_cfg_model.wild = 0;
	fw_cfg_model.stall = false;
	fill(HOST_DESC, PAGE, 0x11);
	fill(HOST_BUF, PAGE, 0x22);
	self->nr_dma = fw_cfg_model.nr_dma;
	self->refused = refused();
}

FIXTURE_TEARDOWN(fw_cfg)
{
	/* Whatever happened, the device never got a host descriptor or a bad access. */
	EXPECT_EQ(0u, fw_cfg_model.foreign_desc);
	EXPECT_EQ(0u, fw_cfg_model.rejected);
	EXPECT_EQ(0u, fw_cfg_model.wild);
}

/* The page holding the registers is emulated, mapped at EL2, PAGE_STATE 4. */
TEST_F(fw_cfg, registers_page_is_emulated_and_mapped_at_el2)
{
	EXPECT_EQ(FW_CFG_PAGE, mapped_base);
	EXPECT_EQ(PAGE, mapped_size);
	EXPECT_EQ(ISOHYP_PAGE_MMIO_HYP, __pkvm_host_page_state(FW_CFG_PAGE >> 12));
	EXPECT_TRUE(hyp_mmio_find(FW_CFG_PAGE) != NULL);
	EXPECT_TRUE(hyp_mmio_find(FW_CFG_PAGE + PAGE) == NULL);
	EXPECT_EQ(-EPERM, host_stage2_idmap(FW_CFG_BASE));
}

/* Selector writes and data reads reach the device, with the host's sizes. */
TEST_F(fw_cfg, selector_and_data_pass_through)
{
	u64 v = 0, before;
	unsigned int i;

	ASSERT_EQ(0, host_select(0x0000));
	ASSERT_EQ(0, host_read(FW_CFG_DATA, 4, &v));
	EXPECT_EQ(0x554d4551ULL, v); /* "QEMU" as a little-endian load */
	for (i = 0; i < 64; i++)
		fw_cfg_model_items[2].data[i] = (u8)(0x80 + i);
	ASSERT_EQ(0, host_select(0x0020));
	ASSERT_EQ(0, host_read(FW_CFG_DATA, 1, &v));
	EXPECT_EQ(0x80ULL, v);
	ASSERT_EQ(0, host_read(FW_CFG_DATA, 2, &v));
	EXPECT_EQ(0x8281ULL, v);
	ASSERT_EQ(0, host_read(FW_CFG_DATA, 8, &v));
	EXPECT_EQ(0x8a89888786858483ULL, v);
	/* Data writes: QEMU ignores them; so does the hypervisor, device untouched. */
	before = fw_cfg_model.nr_accesses;
	EXPECT_EQ(0, host_write(FW_CFG_DATA, 1, 0x42));
	EXPECT_EQ(0, host_write(FW_CFG_DATA, 8, 0x42));
	EXPECT_EQ(before, fw_cfg_model.nr_accesses);
	ASSERT_EQ(0, host_read(FW_CFG_DATA, 1, &v));
	EXPECT_EQ(0x8bULL, v);
}

/* Reads of the DMA register are the device's ("QEMU CFG"). */
TEST_F(fw_cfg, dma_register_reads_pass_through)
{
	u64 v = 0;

	ASSERT_EQ(0, host_read(FW_CFG_DMA, 8, &v));
	EXPECT_EQ(__builtin_bswap64(FW_CFG_DMA_SIGNATURE), v);
	ASSERT_EQ(0, host_read(FW_CFG_DMA_LO, 4, &v));
	EXPECT_EQ(0x47464320ULL, v); /* " CFG" */
}

/* What QEMU would reject aborts, and the device sees no access at all. */
TEST_F(fw_cfg, accesses_the_device_rejects_abort_without_reaching_it)
{
	u64 before = fw_cfg_model.nr_accesses, v = 0;

	EXPECT_EQ(-EINVAL, host_read(FW_CFG_SEL, 2, &v)); /* write-only */
	EXPECT_EQ(-EINVAL, host_write(FW_CFG_SEL, 4, 0)); /* 16-bit only */
	EXPECT_EQ(-EINVAL, host_write(FW_CFG_SEL, 1, 0));
	EXPECT_EQ(-EINVAL, host_read(FW_CFG_DATA + 4, 4, &v)); /* data is at +0 only */
	EXPECT_EQ(-EINVAL, host_write(FW_CFG_DATA + 1, 1, 0));
	EXPECT_EQ(-EINVAL, host_read(0x0c, 4, &v)); /* the gap */
	EXPECT_EQ(-EINVAL, host_write(FW_CFG_DMA, 2, 0)); /* DMA: 4 or 8 bytes */
	EXPECT_EQ(-EINVAL, host_write(FW_CFG_DMA + 2, 2, 0));
	EXPECT_EQ(-EINVAL, host_read(FW_CFG_REGS_SIZE, 8, &v)); /* past the registers */
	EXPECT_EQ(-EINVAL, host_access(FW_CFG_PAGE, 8, false, &v)); /* before the device */
	EXPECT_EQ(-EINVAL, host_access(FW_CFG_PAGE + PAGE - 8, 8, true, &v));
	EXPECT_EQ(before, fw_cfg_model.nr_accesses);
}

/* A READ into host RAM works; the device is given the hypervisor's copy. */
TEST_F(fw_cfg, dma_read_into_host_ram_works)
{
	put_desc(HOST_DESC, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ | 0x0000 << 16, 4,
		 HOST_BUF + 0x100);
	ASSERT_EQ(0, host_dma64(HOST_DESC));
	EXPECT_EQ(0, memcmp((void *)(uintptr_t)(HOST_BUF + 0x100), "QEMU", 4));
	EXPECT_EQ(0u, desc_control(HOST_DESC));
	EXPECT_EQ(self->nr_dma + 1, fw_cfg_model.nr_dma);
	EXPECT_NE(HOST_DESC, fw_cfg_model.last_desc);
	EXPECT_TRUE(holds(HOST_BUF, 0x100, 0x22));
	EXPECT_EQ(self->refused, refused());
	/* Past the item's end QEMU zero-fills: the whole buffer was checked. */
	put_desc(HOST_DESC, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ | 0x0001 << 16, 16,
		 HOST_BUF);
	ASSERT_EQ(0, host_dma64(HOST_DESC));
	EXPECT_EQ(3u, *(u8 *)(uintptr_t)HOST_BUF);
	EXPECT_EQ(0u, *(u8 *)(uintptr_t)(HOST_BUF + 15));
}

/* WRITE (memory -> item) from host RAM works; SKIP and SELECT need no buffer. */
TEST_F(fw_cfg, dma_write_from_host_ram_and_skip_work)
{
	u64 v = 0;

	fill(HOST_BUF, 8, 0x77);
	put_desc(HOST_DESC, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE | 0x0020 << 16, 8,
		 HOST_BUF);
	ASSERT_EQ(0, host_dma64(HOST_DESC));
	EXPECT_EQ(0u, desc_control(HOST_DESC));
	EXPECT_TRUE(holds((u64)(uintptr_t)fw_cfg_model_items[2].data, 8, 0x77));
	/* SKIP's address is not used: even one in the carve-out is fine. */
	put_desc(HOST_DESC, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_SKIP | 0x0000 << 16, 2,
		 CARVE_VICTIM);
	ASSERT_EQ(0, host_dma64(HOST_DESC));
	EXPECT_EQ(0u, desc_control(HOST_DESC));
	ASSERT_EQ(0, host_read(FW_CFG_DATA, 2, &v));
	EXPECT_EQ(0x554dULL, v); /* "MU": the skip moved the item's offset */
	EXPECT_EQ(self->refused, refused());
}

/*
 * The split trigger: the high half at +0x10 is latched, the low half at
 * +0x14 starts the transfer; every transfer resets the latch, as QEMU does.
 */
TEST_F(fw_cfg, dma_split_32bit_trigger_works_and_latches_the_high_half)
{
	put_desc(HOST_DESC, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 4, HOST_BUF);
	ASSERT_EQ(0, host_dma_split(HOST_DESC));
	EXPECT_EQ(0, memcmp((void *)(uintptr_t)HOST_BUF, "QEMU", 4));
	EXPECT_EQ(self->nr_dma + 1, fw_cfg_model.nr_dma);
	/* A high half of 1 makes the descriptor 0x1_4010_0000, which is not RAM. */
	put_desc(HOST_DESC, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 4, HOST_BUF + 8);
	ASSERT_EQ(0, host_write(FW_CFG_DMA, 4, __builtin_bswap32(1)));
	ASSERT_EQ(0, host_write(FW_CFG_DMA_LO, 4, __builtin_bswap32((u32)HOST_DESC)));
	EXPECT_EQ(self->nr_dma + 1, fw_cfg_model.nr_dma);
	EXPECT_EQ(self->refused + 1, refused());
	/* The low half alone: the latch was reset by the last transfer. */
	ASSERT_EQ(0, host_write(FW_CFG_DMA_LO, 4, __builtin_bswap32((u32)HOST_DESC)));
	EXPECT_EQ(self->nr_dma + 2, fw_cfg_model.nr_dma);
	EXPECT_EQ(0, memcmp((void *)(uintptr_t)(HOST_BUF + 8), "QEMU", 4));
	/* A 64-bit write replaces a latched high half and resets it too. */
	ASSERT_EQ(0, host_write(FW_CFG_DMA, 4, __builtin_bswap32(1)));
	ASSERT_EQ(0, host_dma64(HOST_DESC));
	ASSERT_EQ(0, host_write(FW_CFG_DMA_LO, 4, __builtin_bswap32((u32)HOST_DESC)));
	EXPECT_EQ(self->nr_dma + 4, fw_cfg_model.nr_dma);
}

/* A refusal is logged once per reason, and counted every time. */
TEST_F(fw_cfg, refusals_are_logged_once_per_reason)
{
	extern unsigned long hyp_test_log_count[4];
	unsigned long warns;

	put_desc(HOST_DESC, FW_CFG_DMA_CTL_READ, 4, CARVE_VICTIM);
	ASSERT_EQ(0, host_dma64(HOST_DESC));
	warns = hyp_test_log_count[LOG_WARN];
	put_desc(HOST_DESC, FW_CFG_DMA_CTL_READ, 4, CARVE_VICTIM);
	ASSERT_EQ(0, host_dma64(HOST_DESC));
	put_desc(HOST_DESC, FW_CFG_DMA_CTL_READ, 4, MMIO_ELSEWHERE);
	ASSERT_EQ(0, host_dma64(HOST_DESC));
	EXPECT_EQ(warns, hyp_test_log_count[LOG_WARN]);
	EXPECT_EQ(self->refused + 3, refused());
	EXPECT_EQ(self->nr_dma, fw_cfg_model.nr_dma);
}

/* ---- refusals: nothing reaches the device, nothing is written -------------- */

enum where {
	HOST_PAGE, /* HOST_BUF, or HOST_DESC for a descriptor */
	DONATED, /* HOST_DONATED, donated to the hypervisor */
	CARVEOUT, /* CARVE_VICTIM */
	INTO_CARVEOUT, /* 8 bytes before the carve-out: runs into it */
	MMIO, /* not RAM */
	FW_CFG_REGS, /* the device's own registers */
	RAM_END, /* 4 bytes before RAM0 ends: runs into MMIO */
	WRAPS, /* 8 bytes before the end of the address space */
};

static u64 where_pa(enum where w, bool desc)
{
	switch (w) {
	case HOST_PAGE:
		return desc ? HOST_DESC : HOST_BUF;
	case DONATED:
		return HOST_DONATED;
	case CARVEOUT:
		return CARVE_VICTIM;
	case INTO_CARVEOUT:
		return CARVE - 8;
	case MMIO:
		return MMIO_ELSEWHERE;
	case FW_CFG_REGS:
		return FW_CFG_BASE;
	case RAM_END:
		return RAM0 + RAM0_SIZE - 4;
	case WRAPS:
		return ~0ULL - 7;
	}
	return 0;
}

/* The bytes around a place this process backs, so they can be checked. */
static bool backed(enum where w, u64 *start, u64 *len)
{
	switch (w) {
	case DONATED:
	case CARVEOUT:
		*start = where_pa(w, false);
		*len = PAGE;
		return true;
	case INTO_CARVEOUT: /* the last host page and the carve-out's first */
		*start = CARVE - PAGE;
		*len = 2 * PAGE;
		return true;
	case RAM_END:
		*start = RAM0 + RAM0_SIZE - PAGE;
		*len = PAGE;
		return true;
	default: /* HOST_PAGE is checked on its own; the rest is not memory */
		return false;
	}
}

FIXTURE(refused)
{
	u64 nr_dma, refused, desc, buf;
};

FIXTURE_VARIANT(refused)
{
	enum where desc, buf;
	u32 control, length;
};

/* A READ into the carve-out: the attack fw_cfg allowed before mediation. */
FIXTURE_VARIANT_ADD(refused, read_into_carveout){ HOST_PAGE, CARVEOUT, FW_CFG_DMA_CTL_READ, 4 };
FIXTURE_VARIANT_ADD(refused, read_into_donated_page){ HOST_PAGE, DONATED, FW_CFG_DMA_CTL_READ, 4 };
FIXTURE_VARIANT_ADD(refused, read_running_into_carveout){ HOST_PAGE, INTO_CARVEOUT,
							 FW_CFG_DMA_CTL_READ, 16 };
FIXTURE_VARIANT_ADD(refused, read_into_mmio){ HOST_PAGE, MMIO, FW_CFG_DMA_CTL_READ, 4 };
FIXTURE_VARIANT_ADD(refused, read_into_its_own_registers){ HOST_PAGE, FW_CFG_REGS,
							  FW_CFG_DMA_CTL_READ, 8 };
FIXTURE_VARIANT_ADD(refused, read_past_the_end_of_ram){ HOST_PAGE, RAM_END, FW_CFG_DMA_CTL_READ,
						       8 };
FIXTURE_VARIANT_ADD(refused, read_with_a_wrapping_length){ HOST_PAGE, WRAPS, FW_CFG_DMA_CTL_READ,
							  16 };
/* WRITE reads memory into an item the host can read back: a leak. */
FIXTURE_VARIANT_ADD(refused, write_from_carveout){ HOST_PAGE, CARVEOUT, FW_CFG_DMA_CTL_WRITE, 8 };
/* READ wins over WRITE in QEMU: both bits still mean "buffer checked". */
FIXTURE_VARIANT_ADD(refused, read_and_write_into_donated_page){
	HOST_PAGE, DONATED, FW_CFG_DMA_CTL_READ | FW_CFG_DMA_CTL_WRITE, 4
};
FIXTURE_VARIANT_ADD(refused, unknown_control_bit){ HOST_PAGE, HOST_PAGE,
						  FW_CFG_DMA_CTL_READ | BIT(5), 4 };
FIXTURE_VARIANT_ADD(refused, unknown_high_control_bit){ HOST_PAGE, HOST_PAGE,
						       FW_CFG_DMA_CTL_SKIP | BIT(15), 4 };
/* The device writes control back into its descriptor: never the hypervisor's. */
FIXTURE_VARIANT_ADD(refused, descriptor_in_donated_page){ DONATED, HOST_PAGE,
							 FW_CFG_DMA_CTL_READ, 4 };
FIXTURE_VARIANT_ADD(refused, descriptor_in_carveout){ CARVEOUT, HOST_PAGE, FW_CFG_DMA_CTL_READ,
						     4 };
FIXTURE_VARIANT_ADD(refused, descriptor_running_into_carveout){ INTO_CARVEOUT, HOST_PAGE,
							       FW_CFG_DMA_CTL_READ, 4 };
FIXTURE_VARIANT_ADD(refused, descriptor_in_mmio){ MMIO, HOST_PAGE, FW_CFG_DMA_CTL_READ, 4 };

FIXTURE_SETUP(refused)
{
	u64 start, len;

	machine_setup();
	fw_cfg_model.rejected = fw_cfg_model.foreign_desc = fw_cfg_model.wild = 0;
	fw_cfg_model.stall = false;
	self->desc = where_pa(variant->desc, true);
	self->buf = where_pa(variant->buf, false);
	fill(HOST_DESC, PAGE, 0x11);
	fill(HOST_BUF, PAGE, 0x22);
	if (backed(variant->buf, &start, &len))
		fill(start, len, 0x33);
	if (backed(variant->desc, &start, &len))
		fill(start, len, 0x44);
	/* A valid transfer apart from what the variant makes wrong. */
	if (variant->desc == HOST_PAGE || backed(variant->desc, &start, &len))
		put_desc(self->desc, variant->control | FW_CFG_DMA_CTL_SELECT, variant->length,
			 self->buf);
	if (variant->desc == DONATED || variant->buf == DONATED)
		ASSERT_EQ(0, __pkvm_host_donate_hyp(HOST_DONATED >> 12, 1));
	self->nr_dma = fw_cfg_model.nr_dma;
	self->refused = refused();
}

FIXTURE_TEARDOWN(refused)
{
	if (variant->desc == DONATED || variant->buf == DONATED)
		EXPECT_EQ(0, __pkvm_host_reclaim(HOST_DONATED >> 12, 1));
	EXPECT_EQ(0u, fw_cfg_model.foreign_desc);
	EXPECT_EQ(0u, fw_cfg_model.rejected);
	EXPECT_EQ(0u, fw_cfg_model.wild);
}

static void check_refused(struct __test_metadata *_metadata, FIXTURE_DATA(refused) *self,
			  const FIXTURE_VARIANT(refused) *variant, u64 nr_refused)
{
	u64 start, len;

	EXPECT_EQ(self->nr_dma, fw_cfg_model.nr_dma);
	EXPECT_EQ(self->refused + nr_refused, refused());
	/* A host descriptor reads ERROR; one that is not the host's is not written. */
	if (variant->desc == HOST_PAGE)
		EXPECT_EQ(FW_CFG_DMA_CTL_ERROR, desc_control(self->desc));
	else if (backed(variant->desc, &start, &len))
		EXPECT_EQ(variant->control | FW_CFG_DMA_CTL_SELECT, desc_control(self->desc));
	if (backed(variant->buf, &start, &len))
		EXPECT_TRUE(holds(start, len, 0x33));
	EXPECT_TRUE(holds(HOST_BUF, PAGE, 0x22));
}

/* Refused: the device untouched, ERROR in a host descriptor, no byte changed. */
TEST_F(refused, nothing_reaches_the_device)
{
	u64 start, len;

	ASSERT_EQ(0, host_dma64(self->desc));
	check_refused(_metadata, self, variant, 1);
	/* Again through the split trigger (ERROR alone would be a no-op transfer). */
	if (variant->desc == HOST_PAGE || backed(variant->desc, &start, &len))
		put_desc(self->desc, variant->control | FW_CFG_DMA_CTL_SELECT, variant->length,
			 self->buf);
	ASSERT_EQ(0, host_dma_split(self->desc));
	check_refused(_metadata, self, variant, 2);
}

/* ---- last: it stops DMA for the rest of the program ------------------------- */

/*
 * A device that never writes control back: the host's store aborts
 * (-ETIMEDOUT), its descriptor reads ERROR, the buffer is pinned for good
 * (the device may still write it), and no transfer is started again.
 */
TEST_F(fw_cfg, zz_a_transfer_that_never_completes_stops_dma)
{
	fw_cfg_model.stall = true;
	put_desc(HOST_DESC, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 4, HOST_BUF);
	EXPECT_EQ(-ETIMEDOUT, host_dma64(HOST_DESC));
	EXPECT_EQ(self->nr_dma + 1, fw_cfg_model.nr_dma);
	EXPECT_EQ(FW_CFG_DMA_CTL_ERROR, desc_control(HOST_DESC));
	EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, __pkvm_host_page_state(HOST_BUF >> 12));
	EXPECT_EQ(-EBUSY, __pkvm_host_donate_hyp(HOST_BUF >> 12, 1));
	fw_cfg_model.stall = false;
	put_desc(HOST_DESC, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 4, HOST_BUF);
	EXPECT_EQ(0, host_dma64(HOST_DESC));
	EXPECT_EQ(self->nr_dma + 1, fw_cfg_model.nr_dma);
	EXPECT_EQ(FW_CFG_DMA_CTL_ERROR, desc_control(HOST_DESC));
	EXPECT_EQ(self->refused + 1, refused());
}

TEST_HARNESS_MAIN
