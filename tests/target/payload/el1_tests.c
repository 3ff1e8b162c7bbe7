// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the host sees at EL1 under isohyp (ARCHITECTURE.md sections 2 and 4):
 * its exception level, the discovery hypercalls, NOT_SUPPORTED for unknown
 * calls, a synchronous external abort for any access to the carve-out, and
 * PSCI CPU_ON bringing every secondary CPU to EL1 through the proxy.
 */
#include <efi.h>
#include <efilib.h>
#include <libfdt.h>
#include <string.h>

#include <asm/cache.h>
#include <asm/esr.h>
#include <asm/sysreg.h>
#include <isohyp/version.h>
#include <uapi/isohyp.h>

#include "harness.h"
#include "payload.h"

volatile struct payload_caught payload_caught;

static EFI_GUID fdt_guid = { 0xb1b621d5, 0xf19c, 0x41a5,
			     { 0x83, 0x0b, 0xd9, 0x15, 0x2c, 0x69, 0xaa, 0xe0 } };

void payload_hvc(u64 fn, u64 a1, u64 a2, u64 a3, struct smccc_res *res)
{
	register u64 x0 __asm__("x0") = fn, x1 __asm__("x1") = a1;
	register u64 x2 __asm__("x2") = a2, x3 __asm__("x3") = a3;

	__asm__ __volatile__("hvc #0"
			     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			     :
			     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
			       "x14", "x15", "x16", "x17", "memory");
	res->a0 = x0, res->a1 = x1, res->a2 = x2, res->a3 = x3;
}

/* An SMCCC 1.2 call with results in x0..x7 (IOMMU_INFO). */
void payload_hvc8(u64 fn, u64 *res)
{
	register u64 x0 __asm__("x0") = fn, x1 __asm__("x1") = 0, x2 __asm__("x2") = 0;
	register u64 x3 __asm__("x3") = 0, x4 __asm__("x4") = 0, x5 __asm__("x5") = 0;
	register u64 x6 __asm__("x6") = 0, x7 __asm__("x7") = 0;

	__asm__ __volatile__("hvc #0"
			     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5),
			       "+r"(x6), "+r"(x7)
			     :
			     : "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17",
			       "memory");
	res[0] = x0, res[1] = x1, res[2] = x2, res[3] = x3;
	res[4] = x4, res[5] = x5, res[6] = x6, res[7] = x7;
}

void payload_smc(u64 fn, u64 a1, u64 a2, u64 a3, struct smccc_res *res)
{
	register u64 x0 __asm__("x0") = fn, x1 __asm__("x1") = a1;
	register u64 x2 __asm__("x2") = a2, x3 __asm__("x3") = a3;

	__asm__ __volatile__("smc #0"
			     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			     :
			     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
			       "x14", "x15", "x16", "x17", "memory");
	res->a0 = x0, res->a1 = x1, res->a2 = x2, res->a3 = x3;
}

const void *host_fdt(void)
{
	UINTN i;

	for (i = 0; i < ST->NumberOfTableEntries; i++)
		if (!CompareGuid(&ST->ConfigurationTable[i].VendorGuid, &fdt_guid))
			return ST->ConfigurationTable[i].VendorTable;
	return NULL;
}

/* The carve-out, as the host learns it: /reserved-memory/hypervisor@... */
int find_carveout(u64 *base, u64 *size)
{
	const void *fdt = host_fdt();
	const fdt32_t *reg;
	int node, len;

	if (!fdt)
		return -1;
	node = fdt_node_offset_by_compatible(fdt, -1, ISOHYP_DT_CARVEOUT_COMPATIBLE);
	reg = node >= 0 ? fdt_getprop(fdt, node, "reg", &len) : NULL;
	if (!reg || len != 16 || !fdt_getprop(fdt, node, "no-map", NULL))
		return -1;
	*base = (u64)fdt32_to_cpu(reg[0]) << 32 | fdt32_to_cpu(reg[1]);
	*size = (u64)fdt32_to_cpu(reg[2]) << 32 | fdt32_to_cpu(reg[3]);
	return 0;
}

/* The host runs at EL1: the firmware was dropped there by the hypervisor. */
TEST(host_runs_at_el1)
{
	ASSERT_EQ(1u, current_el());
}

/* CALL_UID returns the isohyp UUID in w0..w3. */
TEST(call_uid_returns_isohyp_uuid)
{
	struct smccc_res res;

	payload_hvc(ISOHYP_FN_CALL_UID, 0, 0, 0, &res);
	EXPECT_EQ(ISOHYP_UUID_W0, res.a0);
	EXPECT_EQ(ISOHYP_UUID_W1, res.a1);
	EXPECT_EQ(ISOHYP_UUID_W2, res.a2);
	EXPECT_EQ(ISOHYP_UUID_W3, res.a3);
}

/* REVISION returns the major and minor version. */
TEST(revision_returns_version)
{
	struct smccc_res res;

	payload_hvc(ISOHYP_FN_REVISION, 0, 0, 0, &res);
	EXPECT_EQ((u64)ISOHYP_VERSION_MAJOR, res.a0);
	EXPECT_EQ((u64)ISOHYP_VERSION_MINOR, res.a1);
}

/* An unknown hypercall returns NOT_SUPPORTED (-1) in x0. */
TEST(unknown_hvc_returns_not_supported)
{
	struct smccc_res res;

	payload_hvc(0xC600ABCD, 1, 2, 3, &res);
	EXPECT_EQ((u64)-1, res.a0);
	payload_hvc(0x12345678, 0, 0, 0, &res);
	EXPECT_EQ((u64)-1, res.a0);
}

/*
 * The test-only hypercall does nothing unless the loader said test_hooks=1;
 * with it, an unknown hook is -EINVAL (an EL2 abort is el2-crash.test's).
 */
TEST(test_hook_only_with_test_hooks)
{
	struct smccc_res res;

	if (payload_test_hooks) {
		payload_hvc(ISOHYP_FN_TEST_HOOK, 0x7e57, 0, 0, &res);
		EXPECT_EQ(0u, res.a0);
		EXPECT_EQ((u64)-22, res.a1);
		return;
	}
	payload_hvc(ISOHYP_FN_TEST_HOOK, ISOHYP_TEST_HOOK_EL2_ABORT, 0, 0, &res);
	EXPECT_EQ((u64)-1, res.a0);
}

/* An SMC the proxy does not know returns NOT_SUPPORTED and never reaches firmware. */
TEST(unknown_smc_returns_not_supported)
{
	struct smccc_res res;

	payload_smc(0xC2001234, 0, 0, 0, &res);
	EXPECT_EQ((u64)-1, res.a0);
}

/* PSCI_VERSION is forwarded: firmware answers (>= 0.2). */
TEST(psci_version_is_forwarded)
{
	struct smccc_res res;

	payload_smc(0x84000000, 0, 0, 0, &res);
	EXPECT_GE(res.a0 & 0xffffffff, 0x2u);
}

/* Run @access with our vector installed and interrupts masked; return faults seen. */
u64 with_payload_vectors(void (*access)(volatile u64 *), volatile u64 *addr)
{
	u64 old_vbar = read_sysreg(vbar_el1), daif = read_sysreg(daif), count;

	write_sysreg(daif | PSR_I_BIT | PSR_F_BIT, daif);
	write_sysreg((u64)(uintptr_t)payload_vectors, vbar_el1);
	isb();
	count = payload_caught.count;
	access(addr);
	isb();
	count = payload_caught.count - count;
	write_sysreg(old_vbar, vbar_el1);
	isb();
	write_sysreg(daif, daif);
	return count;
}

void read_once(volatile u64 *p)
{
	u64 v;

	/* A single LDR: the vector steps over exactly one instruction. */
	__asm__ __volatile__("ldr %0, [%1]" : "=r"(v) : "r"(p) : "memory");
	(void)v;
}

void write_once(volatile u64 *p)
{
	__asm__ __volatile__("str %0, [%1]" : : "r"(0x5a5a5a5a5a5a5a5aull), "r"(p) : "memory");
}

void check_sea(struct __test_metadata *_metadata, u64 addr, bool write)
{
	u64 esr = payload_caught.esr;

	ASSERT_EQ((u64)ESR_EC_DABT_CUR, FIELD_GET(ESR_EC, esr));
	EXPECT_EQ((u64)ESR_FSC_EXTABT, FIELD_GET(ESR_ABT_FSC, esr));
	EXPECT_EQ(write, !!(esr & ESR_DABT_WNR));
	EXPECT_EQ(addr, payload_caught.far);
}

/* A read of the carve-out is a synchronous external abort at EL1. */
TEST(carveout_read_raises_sea)
{
	u64 base, size, addr;

	ASSERT_EQ(0, find_carveout(&base, &size));
	addr = base + size / 2 + 8;
	ASSERT_EQ(1u, with_payload_vectors(read_once, (volatile u64 *)addr));
	check_sea(_metadata, addr, false);
}

/* A write of the carve-out is a synchronous external abort at EL1. */
TEST(carveout_write_raises_sea)
{
	u64 base, size, addr;

	ASSERT_EQ(0, find_carveout(&base, &size));
	addr = base + 0x40;
	ASSERT_EQ(1u, with_payload_vectors(write_once, (volatile u64 *)addr));
	check_sea(_metadata, addr, true);
}

/* The hypervisor survives: after the faults a hypercall still works. */
TEST(hypervisor_alive_after_faults)
{
	struct smccc_res res;

	payload_hvc(ISOHYP_FN_CALL_UID, 0, 0, 0, &res);
	EXPECT_EQ(ISOHYP_UUID_W0, res.a0);
}

#define MAX_SLOTS 64

/* The MPIDRs (affinity fields) of the CPUs in the host's device tree. */
int payload_cpus(u64 *mpidrs, int max)
{
	const void *fdt = host_fdt();
	int cpus, node, n = 0;

	cpus = fdt ? fdt_path_offset(fdt, "/cpus") : -1;
	if (cpus < 0)
		return 0;
	fdt_for_each_subnode(node, fdt, cpus) {
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", NULL);
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);

		if (reg && type && !strcmp(type, "cpu") && n < max)
			mpidrs[n++] = fdt32_to_cpu(reg[0]);
	}
	return n;
}

struct cpu_slot {
	u64 done, el, mpidr, pad[5];
};

static struct cpu_slot slots[MAX_SLOTS] __attribute__((aligned(64)));

/* PSCI CPU_ON brings every secondary CPU to EL1 at the payload's entry point. */
TEST(cpu_on_brings_every_secondary_to_el1)
{
	u64 self = read_sysreg(mpidr_el1) & MPIDR_AFF_MASK, mpidrs[MAX_SLOTS];
	int n = payload_cpus(mpidrs, MAX_SLOTS), i, started = 0;
	struct smccc_res res;

	if (n < 2)
		SKIP(return, "one CPU: no secondary to start");
	memset(slots, 0, sizeof(slots));
	dcache_clean_inval_poc(slots, sizeof(slots));
	for (i = 0; i < n; i++) {
		if (mpidrs[i] == self)
			continue;
		payload_smc(0xC4000003, mpidrs[i], (u64)(uintptr_t)payload_secondary_entry,
			    (u64)(uintptr_t)&slots[i], &res);
		EXPECT_EQ(0, (s64)res.a0);
		started++;
	}
	/* Bounded wait, 10 s: each CPU sets its done flag, then turns itself off. */
	for (i = 0; i < 1000; i++) {
		int done = 0, j;

		dcache_clean_inval_poc(slots, sizeof(slots));
		for (j = 0; j < n; j++)
			done += slots[j].done == 1;
		if (done == started)
			break;
		uefi_call_wrapper(BS->Stall, 1, 10000);
	}
	for (i = 0; i < n; i++) {
		if (mpidrs[i] == self)
			continue;
		EXPECT_EQ(1u, slots[i].done);
		EXPECT_EQ(1u, slots[i].el);
		EXPECT_EQ(mpidrs[i], slots[i].mpidr & MPIDR_AFF_MASK);
	}
	TH_LOG("%d secondary CPUs reached EL1", started);
}

/* PSCI AFFINITY_INFO (SMC64) of @mpidr at level 0: 0 ON, 1 OFF, 2 ON_PENDING. */
static s64 affinity(u64 mpidr)
{
	struct smccc_res res;

	payload_smc(0xC4000004, mpidr, 0, 0, &res);
	return (s64)res.a0;
}

/* Up to 10 s for @mpidr to be OFF again (it turns itself off when done). */
static bool wait_off(u64 mpidr)
{
	int i;

	for (i = 0; i < 1000; i++) {
		if (affinity(mpidr) == 1)
			return true;
		uefi_call_wrapper(BS->Stall, 1, 10000);
	}
	return false;
}

/* A started CPU stays on until released, then turns itself off. */
static struct {
	volatile u64 running, release;
} hold;

static void hold_worker(void *arg)
{
	u64 spins;

	hold.running = 1;
	/* Bounded: a lost release ends in ~seconds, not a hang. */
	for (spins = 0; !hold.release && spins < (1ULL << 32); spins++)
		__asm__ __volatile__("yield" ::: "memory");
}

/*
 * The relay keeps PSCI's state machine (DEN0022 5.6, CPU_ON): a second
 * CPU_ON of a CPU that is on (or being started) is ALREADY_ON or
 * ON_PENDING, never a second start; once the CPU is OFF again it can be
 * started again -- three rounds.
 */
TEST(cpu_on_twice_is_pending_or_already_on_and_cpus_restart)
{
	u64 self = read_sysreg(mpidr_el1) & MPIDR_AFF_MASK, mpidrs[MAX_SLOTS], target = ~0ULL;
	int n = payload_cpus(mpidrs, MAX_SLOTS), i, round;
	EFI_PHYSICAL_ADDRESS stack;
	struct secondary_boot boot;
	struct smccc_res res;

	for (i = 0; i < n && target == ~0ULL; i++)
		if (mpidrs[i] != self)
			target = mpidrs[i];
	if (target == ~0ULL)
		SKIP(return, "one CPU: no secondary to start");
	ASSERT_FALSE(EFI_ERROR(uefi_call_wrapper(BS->AllocatePages, 4, AllocateAnyPages,
						 EfiLoaderData, 4, &stack)));
	boot = (struct secondary_boot){
		.mair = read_sysreg(mair_el1), .tcr = read_sysreg(tcr_el1),
		.ttbr0 = read_sysreg(ttbr0_el1), .sctlr = read_sysreg(sctlr_el1),
		.vbar = (u64)(uintptr_t)payload_vectors, .sp = stack + 4 * 4096,
		.fn = hold_worker, .arg = NULL,
	};
	dcache_clean_inval_poc(&boot, sizeof(boot));
	for (round = 0; round < 3; round++) {
		ASSERT_TRUE(wait_off(target));
		hold.running = hold.release = 0;
		dcache_clean_inval_poc(&hold, sizeof(hold));
		payload_smc(0xC4000003, target, (u64)(uintptr_t)payload_secondary_c_entry,
			    (u64)(uintptr_t)&boot, &res);
		ASSERT_EQ(0, (s64)res.a0);
		/* Right away (likely ON_PENDING) and once it runs (ALREADY_ON). */
		payload_smc(0xC4000003, target, (u64)(uintptr_t)payload_secondary_c_entry,
			    (u64)(uintptr_t)&boot, &res);
		EXPECT_TRUE((s64)res.a0 == -4 || (s64)res.a0 == -5);
		for (i = 0; i < 1000 && !hold.running; i++)
			uefi_call_wrapper(BS->Stall, 1, 10000);
		EXPECT_EQ(1u, hold.running);
		payload_smc(0xC4000003, target, (u64)(uintptr_t)payload_secondary_c_entry,
			    (u64)(uintptr_t)&boot, &res);
		EXPECT_EQ(-4, (s64)res.a0); /* ALREADY_ON */
		EXPECT_EQ(0, affinity(target)); /* ON */
		hold.release = 1;
		__asm__ __volatile__("dsb sy" ::: "memory");
	}
	ASSERT_TRUE(wait_off(target));
	uefi_call_wrapper(BS->FreePages, 2, stack, 4);
}
