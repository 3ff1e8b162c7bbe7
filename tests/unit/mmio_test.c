// SPDX-License-Identifier: GPL-2.0-only
/*
 * hyp/mmio.c: the data-abort decoder (Arm ARM D23.2.41, ISS of a Data Abort:
 * ISV, SAS, SSE, SRT, SF, WnR, CM, S1PTW) and the dispatch of a decoded
 * access to an emulated region, on a host register file of 31 registers
 * (x0..x30; SRT 31 is XZR and has no slot -- ASan catches a write to it).
 * Syndromes are built here from the field layout the spec gives, not from
 * the decoder's masks.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lib/heap_pages.h"
#include "lib/machine_layout.h"
#include <isohyp/errno.h>
#include <isohyp/mem_protect.h>
#include <isohyp/mmio.h>
#include <uapi/isohyp.h>

/* ESR_EL2 of a data abort from a lower EL (EC 0x24, IL 1) with ISV = 1. */
static u64 dabt(unsigned int sas, bool sse, unsigned int srt, bool sf, bool wnr)
{
	return (0x24ULL << 26) | (1ULL << 25) | (1ULL << 24) | ((u64)sas << 22) |
	       ((u64)sse << 21) | ((u64)srt << 16) | ((u64)sf << 15) | ((u64)wnr << 6) |
	       0x04 /* DFSC: translation fault, level 0 */;
}

TEST(decode_every_size_register_and_direction)
{
	struct mmio_access acc;
	unsigned int sas, srt;

	for (sas = 0; sas < 4; sas++) {
		for (srt = 0; srt < 32; srt++) {
			ASSERT_EQ(0, mmio_decode(dabt(sas, false, srt, true, srt & 1), &acc));
			EXPECT_EQ(1U << sas, acc.size);
			EXPECT_EQ(srt, acc.srt);
			EXPECT_EQ((bool)(srt & 1), acc.write);
			EXPECT_TRUE(acc.sf);
			EXPECT_FALSE(acc.sign_extend);
		}
	}
	ASSERT_EQ(0, mmio_decode(dabt(1, true, 3, false, false), &acc)); /* ldrsh w3 */
	EXPECT_TRUE(acc.sign_extend);
	EXPECT_FALSE(acc.sf);
}

/* What the syndrome cannot describe is refused, never guessed. */
TEST(decode_refuses_what_the_syndrome_does_not_describe)
{
	struct mmio_access acc;
	u64 ok = dabt(2, false, 1, false, true);

	EXPECT_EQ(0, mmio_decode(ok, &acc));
	EXPECT_EQ(-EINVAL, mmio_decode(ok & ~(1ULL << 24), &acc)); /* ISV = 0: ldp, writeback */
	EXPECT_EQ(-EINVAL, mmio_decode(ok | (1ULL << 8), &acc)); /* CM: cache maintenance */
	EXPECT_EQ(-EINVAL, mmio_decode(ok | (1ULL << 7), &acc)); /* S1PTW */
	EXPECT_EQ(-EINVAL, mmio_decode((ok & ~(0x3fULL << 26)) | (0x20ULL << 26), &acc)); /* IABT */
	EXPECT_EQ(-EINVAL, mmio_decode((ok & ~(0x3fULL << 26)) | (0x25ULL << 26), &acc)); /* EL2 */
	EXPECT_EQ(-EINVAL, mmio_decode(dabt(0, true, 1, false, true), &acc)); /* store with SSE */
	EXPECT_EQ(-EINVAL, mmio_decode(dabt(3, false, 1, false, false), &acc)); /* 64-bit into W */
	EXPECT_EQ(-EINVAL, mmio_decode(dabt(3, true, 1, true, false), &acc)); /* 64-bit SSE */
}

static u64 load(unsigned int sas, bool sse, bool sf, u64 val)
{
	struct mmio_access acc = { 1U << sas, 0, false, sse, sf };

	return mmio_load_result(&acc, val);
}

/* LDRB/LDRH/LDR zero-extend; LDRSB/LDRSH/LDRSW sign-extend to W or X. */
TEST(load_results_extend_as_the_instruction_says)
{
	EXPECT_EQ(0x80ULL, load(0, false, false, 0xffffff80)); /* ldrb w */
	EXPECT_EQ(0xffffff80ULL, load(0, true, false, 0x80)); /* ldrsb w */
	EXPECT_EQ(0xffffffffffffff80ULL, load(0, true, true, 0x80)); /* ldrsb x */
	EXPECT_EQ(0x7fULL, load(0, true, true, 0x7f)); /* ldrsb x, positive */
	EXPECT_EQ(0x8001ULL, load(1, false, false, 0x12348001)); /* ldrh w */
	EXPECT_EQ(0xffff8001ULL, load(1, true, false, 0x8001)); /* ldrsh w */
	EXPECT_EQ(0xffffffffffff8001ULL, load(1, true, true, 0x8001)); /* ldrsh x */
	EXPECT_EQ(0x80000000ULL, load(2, false, false, 0xdead80000000ULL)); /* ldr w */
	EXPECT_EQ(0xffffffff80000000ULL, load(2, true, true, 0x80000000)); /* ldrsw x */
	EXPECT_EQ(0x123456789abcdef0ULL, load(3, false, true, 0x123456789abcdef0ULL)); /* ldr x */
}

/* ---- dispatch to a region -------------------------------------------------- */

#define DEV_BASE 0x0a000000ULL
#define DEV_SIZE 0x2000ULL

struct fake_dev {
	u64 last_off, last_val, read_val;
	unsigned int last_size, nr_calls;
	int ret;
};

static int fake_read(void *priv, u64 off, unsigned int size, u64 *val)
{
	struct fake_dev *d = priv;

	d->last_off = off;
	d->last_size = size;
	d->nr_calls++;
	*val = d->read_val;
	return d->ret;
}

static int fake_write(void *priv, u64 off, unsigned int size, u64 val)
{
	struct fake_dev *d = priv;

	d->last_off = off;
	d->last_size = size;
	d->last_val = val;
	d->nr_calls++;
	return d->ret;
}

static const struct hyp_mmio_ops fake_ops = { .read = fake_read, .write = fake_write };

static void zero_pages(phys_addr_t pa, u64 size)
{
}

static const struct mem_protect_ops mp_ops = { .zero_pages = zero_pages };
static const struct boot_mem_range ram[] = { { RAM0, RAM0_SIZE }, { RAM1, RAM1_SIZE } };

/* One region per test program: hyp_mmio_register() is boot-time only. */
static struct fake_dev dev;
static struct hyp_mmio_region region = {
	.name = "fake", .base = DEV_BASE, .size = DEV_SIZE, .ops = &fake_ops, .priv = &dev,
};

static void region_setup(void)
{
	static bool done;

	memset(&dev, 0, sizeof(dev));
	if (done)
		return;
	if (host_stage2_init(ram, 2, IA_BITS, &heap_mm_ops, NULL, &mp_ops) ||
	    hyp_mmio_register(&region))
		abort();
	done = true;
}

/* The region is the hypervisor's: unmapped for the host, PAGE_STATE 4. */
TEST(a_registered_region_is_hypervisor_mmio)
{
	region_setup();
	EXPECT_EQ(ISOHYP_PAGE_MMIO_HYP, __pkvm_host_page_state(DEV_BASE >> 12));
	EXPECT_EQ(ISOHYP_PAGE_MMIO_HYP, __pkvm_host_page_state((DEV_BASE + DEV_SIZE - 1) >> 12));
	EXPECT_EQ(ISOHYP_PAGE_MMIO_HOST, __pkvm_host_page_state((DEV_BASE + DEV_SIZE) >> 12));
	EXPECT_EQ(-EPERM, host_stage2_idmap(DEV_BASE + 0x1000));
	EXPECT_TRUE(hyp_mmio_find(DEV_BASE) == &region);
	EXPECT_TRUE(hyp_mmio_find(DEV_BASE + DEV_SIZE - 1) == &region);
	EXPECT_NULL(hyp_mmio_find(DEV_BASE + DEV_SIZE));
	EXPECT_NULL(hyp_mmio_find(DEV_BASE - 1));
}

TEST(overlapping_or_misaligned_regions_are_refused)
{
	struct hyp_mmio_region r = { .name = "x", .ops = &fake_ops };

	region_setup();
	r.base = DEV_BASE + DEV_SIZE - 0x1000, r.size = 0x2000;
	EXPECT_EQ(-EINVAL, hyp_mmio_register(&r));
	r.base = DEV_BASE - 0x1000, r.size = 0x2000;
	EXPECT_EQ(-EINVAL, hyp_mmio_register(&r));
	r.base = DEV_BASE + 0x10000, r.size = 0x800;
	EXPECT_EQ(-EINVAL, hyp_mmio_register(&r));
	r.base = ~0xfffULL, r.size = 0x2000; /* wraps */
	EXPECT_EQ(-EINVAL, hyp_mmio_register(&r));
	r.base = DEV_BASE + 0x10000, r.size = 0x1000, r.ops = NULL;
	EXPECT_EQ(-EINVAL, hyp_mmio_register(&r));
	EXPECT_EQ(ISOHYP_PAGE_MMIO_HOST, __pkvm_host_page_state((DEV_BASE + 0x10000) >> 12));
}

static int emulate(u64 addr, u64 esr, u64 *regs)
{
	struct mmio_access acc;
	int ret = mmio_decode(esr, &acc);

	return ret ?: hyp_mmio_emulate(&region, addr, &acc, regs);
}

/* A store hands the device the register's bits the access covers. */
TEST(stores_pass_the_register_truncated_to_the_access)
{
	u64 *regs = calloc(31, sizeof(u64));

	region_setup();
	regs[5] = 0x1122334455667788ULL;
	ASSERT_EQ(0, emulate(DEV_BASE + 0x10, dabt(3, false, 5, true, true), regs));
	EXPECT_EQ(0x10ULL, dev.last_off);
	EXPECT_EQ(8U, dev.last_size);
	EXPECT_EQ(0x1122334455667788ULL, dev.last_val);
	ASSERT_EQ(0, emulate(DEV_BASE + 0x1004, dabt(2, false, 5, false, true), regs)); /* str w5 */
	EXPECT_EQ(0x1004ULL, dev.last_off);
	EXPECT_EQ(0x55667788ULL, dev.last_val);
	ASSERT_EQ(0, emulate(DEV_BASE + 0x2, dabt(1, false, 5, false, true), regs)); /* strh */
	EXPECT_EQ(0x7788ULL, dev.last_val);
	ASSERT_EQ(0, emulate(DEV_BASE + 0x1, dabt(0, false, 5, false, true), regs)); /* strb */
	EXPECT_EQ(0x88ULL, dev.last_val);
	regs[30] = 0xabcdULL;
	ASSERT_EQ(0, emulate(DEV_BASE + 0x8, dabt(3, false, 30, true, true), regs)); /* x30 */
	EXPECT_EQ(0xabcdULL, dev.last_val);
	ASSERT_EQ(0, emulate(DEV_BASE + 0x8, dabt(3, false, 31, true, true), regs)); /* xzr */
	EXPECT_EQ(0ULL, dev.last_val);
	EXPECT_EQ(0x1122334455667788ULL, regs[5]); /* a store changes no register */
	free(regs);
}

/* A load writes the extended value to its register, and nothing to XZR. */
TEST(loads_write_the_extended_result_to_the_register)
{
	u64 *regs = calloc(31, sizeof(u64));
	unsigned int i;

	region_setup();
	dev.read_val = 0xfedcba9876543280ULL;
	ASSERT_EQ(0, emulate(DEV_BASE + 0x20, dabt(3, false, 7, true, false), regs));
	EXPECT_EQ(0xfedcba9876543280ULL, regs[7]);
	regs[8] = ~0ULL;
	ASSERT_EQ(0, emulate(DEV_BASE + 0x20, dabt(2, false, 8, false, false), regs)); /* ldr w8 */
	EXPECT_EQ(0x76543280ULL, regs[8]);
	ASSERT_EQ(0, emulate(DEV_BASE + 0x20, dabt(0, true, 9, true, false), regs)); /* ldrsb x9 */
	EXPECT_EQ(0xffffffffffffff80ULL, regs[9]);
	ASSERT_EQ(0, emulate(DEV_BASE + 0x20, dabt(0, true, 10, false, false), regs)); /* ldrsb w */
	EXPECT_EQ(0xffffff80ULL, regs[10]);
	ASSERT_EQ(0, emulate(DEV_BASE + 0x20, dabt(2, true, 0, true, false), regs)); /* ldrsw x0 */
	EXPECT_EQ(0x0000000076543280ULL, regs[0]);
	memset(regs, 0x5a, 31 * sizeof(u64));
	ASSERT_EQ(0, emulate(DEV_BASE + 0x20, dabt(3, false, 31, true, false), regs)); /* xzr */
	for (i = 0; i < 31; i++)
		EXPECT_EQ(0x5a5a5a5a5a5a5a5aULL, regs[i]);
	free(regs);
}

/* A refusal, an unaligned or out-of-range access: -errno, no register changes. */
TEST(refused_accesses_change_no_register)
{
	u64 *regs = calloc(31, sizeof(u64));
	u64 refused;

	region_setup();
	refused = region.nr_refused;
	dev.read_val = 0x1234;
	dev.ret = -EPERM;
	regs[3] = 0x77;
	EXPECT_EQ(-EPERM, emulate(DEV_BASE, dabt(3, false, 3, true, false), regs));
	EXPECT_EQ(0x77ULL, regs[3]);
	EXPECT_EQ(refused + 1, region.nr_refused);
	dev.ret = 0;
	dev.nr_calls = 0;
	EXPECT_EQ(-EINVAL, emulate(DEV_BASE + 4, dabt(3, false, 3, true, false), regs));
	EXPECT_EQ(-EINVAL, emulate(DEV_BASE + 2, dabt(2, false, 3, true, true), regs));
	EXPECT_EQ(-EINVAL, emulate(DEV_BASE + DEV_SIZE - 4, dabt(3, false, 3, true, false), regs));
	/* Just below the base: the offset wraps to -size, and offset + size to 0. */
	EXPECT_EQ(-EINVAL, emulate(DEV_BASE - 1, dabt(0, false, 3, true, false), regs));
	EXPECT_EQ(-EINVAL, emulate(DEV_BASE - 8, dabt(3, false, 3, true, true), regs));
	EXPECT_EQ(0U, dev.nr_calls);
	EXPECT_EQ(0x77ULL, regs[3]);
	free(regs);
}

/* Regions that touch but do not overlap are both accepted, each found at its own pages. */
TEST(zz_adjacent_regions_are_accepted)
{
	static struct hyp_mmio_region below = { .name = "below", .ops = &fake_ops },
				      above = { .name = "above", .ops = &fake_ops };

	region_setup();
	below.base = DEV_BASE - 0x1000, below.size = 0x1000;
	above.base = DEV_BASE + DEV_SIZE, above.size = 0x1000;
	EXPECT_EQ(0, hyp_mmio_register(&below));
	EXPECT_EQ(0, hyp_mmio_register(&above));
	EXPECT_TRUE(hyp_mmio_find(DEV_BASE - 1) == &below);
	EXPECT_TRUE(hyp_mmio_find(DEV_BASE) == &region);
	EXPECT_TRUE(hyp_mmio_find(DEV_BASE + DEV_SIZE - 1) == &region);
	EXPECT_TRUE(hyp_mmio_find(DEV_BASE + DEV_SIZE) == &above);
	EXPECT_NULL(hyp_mmio_find(DEV_BASE + DEV_SIZE + 0x1000));
	EXPECT_EQ(ISOHYP_PAGE_MMIO_HYP, __pkvm_host_page_state((DEV_BASE + DEV_SIZE) >> 12));
}

TEST_HARNESS_MAIN
