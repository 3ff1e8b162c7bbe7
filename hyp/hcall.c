// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's hypercalls (ARCHITECTURE.md section 4): SMCCC 1.1 fast calls
 * over HVC, function id in x0, arguments in x1..x3. An implemented call
 * returns x0 = 0 and its result in x1 (or more); an unknown one returns
 * x0 = -1 (NOT_SUPPORTED) and changes nothing.
 */
#include <asm/psci.h>
#include <isohyp/console.h>
#include <isohyp/errno.h>
#include <isohyp/hcall.h>
#include <isohyp/iommu.h>
#include <isohyp/mem_protect.h>
#include <isohyp/version.h>
#include <uapi/isohyp.h>

#include <asm/host_ctxt.h>

static void handle_call_uid(u64 *r)
{
	r[0] = ISOHYP_UUID_W0;
	r[1] = ISOHYP_UUID_W1;
	r[2] = ISOHYP_UUID_W2;
	r[3] = ISOHYP_UUID_W3;
}

/*
 * x4..x7 say where the first SMMU's structures are in the carve-out: what a
 * test needs to aim DMA at them, and what nobody else should learn about the
 * hypervisor's layout. Only with test hooks; 0 otherwise.
 */
static void handle_iommu_info(u64 *r)
{
	struct kvm_iommu_info info;
	bool layout = hyp_test_hooks_enabled();
	unsigned int i;

	kvm_iommu_info(&info);
	r[0] = ISOHYP_SMCCC_SUCCESS;
	r[1] = info.nr_iommus;
	r[2] = info.nr_faults;
	r[3] = info.last_fault_addr;
	for (i = 0; i < 4; i++)
		r[4 + i] = layout ? info.structs[i] : 0;
}

/* A "ret" in writable data: W^X must refuse to execute it. */
static u32 test_hook_data_insn[1] = { 0xd65f03c0 };

/* Uses a page of stack per call and cannot become a loop: an overflow. */
static u64 __attribute__((noinline)) test_hook_recurse(u64 depth)
{
	volatile u8 frame[4096];

	frame[0] = (u8)depth;
	if (depth > (1ULL << 20))
		return frame[0];
	return test_hook_recurse(depth + 1) + frame[0];
}

/*
 * Test suites only (test_hooks=1 at boot): put the hypervisor in a state a
 * test cannot reach otherwise. FORGET_CPU: the PSCI relay's view of a CPU
 * says off while it runs (psci_test_forget_cpu). EL2_ABORT: make the
 * hypervisor itself take an exception it does not expect. Page 0 is nothing
 * the EL2 tables map (they map the carve-out, RAM, the UART and the SMMUs),
 * so this load is a translation fault at EL2 -- the unexpected-exception
 * path, dump and stop.
 */
static void handle_test_hook(u64 *r)
{
	if (!hyp_test_hooks_enabled()) {
		r[0] = (u64)(s64)ISOHYP_SMCCC_NOT_SUPPORTED;
		return;
	}
	r[0] = ISOHYP_SMCCC_SUCCESS;
	if (r[1] == ISOHYP_TEST_HOOK_FORGET_CPU) {
		r[1] = (u64)(s64)psci_test_forget_cpu(r[2]);
		return;
	}
	switch (r[1]) {
	case ISOHYP_TEST_HOOK_EL2_ABORT:
		pr_warn("TEST_HOOK: taking a data abort at EL2 on purpose\n");
		__asm__ __volatile__("ldr %0, [%1]" : "=r"(r[1]) : "r"(8UL) : "memory");
		return;
	case ISOHYP_TEST_HOOK_WRITE_TEXT:
		pr_warn("TEST_HOOK: writing to the hypervisor's text at %lx\n",
			(unsigned long)(uintptr_t)handle_test_hook);
		*(volatile u32 *)(uintptr_t)handle_test_hook = 0xd503201f; /* nop */
		break;
	case ISOHYP_TEST_HOOK_EXEC_DATA:
		pr_warn("TEST_HOOK: executing the hypervisor's data at %lx\n",
			(unsigned long)(uintptr_t)test_hook_data_insn);
		((void (*)(void))(uintptr_t)test_hook_data_insn)();
		break;
	case ISOHYP_TEST_HOOK_READ_HOST:
		pr_warn("TEST_HOOK: reading host RAM at %lx\n", (unsigned long)r[2]);
		r[1] = *(volatile u64 *)(uintptr_t)r[2];
		break;
	case ISOHYP_TEST_HOOK_STACK_OVERFLOW:
		pr_warn("TEST_HOOK: overflowing this CPU's EL2 stack\n");
		r[1] = test_hook_recurse(0);
		break;
	default:
		r[1] = (u64)(s64)-EINVAL;
		return;
	}
	pr_err("TEST_HOOK: the hypervisor survived what must fault\n");
}

static void handle_revision(u64 *r)
{
	r[0] = ISOHYP_VERSION_MAJOR;
	r[1] = ISOHYP_VERSION_MINOR;
}

void handle_host_hcall(struct host_ctxt *ctxt)
{
	u64 *r = ctxt->regs;

	switch ((u32)r[0]) {
	case ISOHYP_FN_CALL_UID:
		handle_call_uid(r);
		break;
	case ISOHYP_FN_REVISION:
		handle_revision(r);
		break;
	case ISOHYP_FN_HOST_SHARE_HYP:
		r[1] = (u64)(s64)__pkvm_host_share_hyp(r[1], r[2]);
		r[0] = ISOHYP_SMCCC_SUCCESS;
		break;
	case ISOHYP_FN_HOST_UNSHARE_HYP:
		r[1] = (u64)(s64)__pkvm_host_unshare_hyp(r[1], r[2]);
		r[0] = ISOHYP_SMCCC_SUCCESS;
		break;
	case ISOHYP_FN_HOST_DONATE_HYP:
		r[1] = (u64)(s64)__pkvm_host_donate_hyp(r[1], r[2]);
		r[0] = ISOHYP_SMCCC_SUCCESS;
		break;
	case ISOHYP_FN_HOST_RECLAIM:
		r[1] = (u64)(s64)__pkvm_host_reclaim(r[1], r[2]);
		r[0] = ISOHYP_SMCCC_SUCCESS;
		break;
	case ISOHYP_FN_HOST_BATCH:
		r[1] = (u64)(s64)__pkvm_host_batch(r[1], r[2], r[3]);
		r[0] = ISOHYP_SMCCC_SUCCESS;
		break;
	case ISOHYP_FN_PAGE_STATE:
		r[1] = (u64)(s64)__pkvm_host_page_state(r[1]);
		r[0] = ISOHYP_SMCCC_SUCCESS;
		break;
	case ISOHYP_FN_IOMMU_INFO:
		handle_iommu_info(r);
		break;
	case ISOHYP_FN_TEST_HOOK:
		handle_test_hook(r);
		break;
	default:
		r[0] = (u64)(s64)ISOHYP_SMCCC_NOT_SUPPORTED;
		break;
	}
}
