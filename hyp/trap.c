// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's traps to EL2, by exception class (Arm ARM D23.2.41): hypercalls,
 * SMCs (PSCI proxy), stage-2 aborts. Anything else the host manages to trap
 * is reflected back to it as an Undefined Instruction: the host never crashes
 * the hypervisor. The hypervisor takes no interrupts, so each trap is also
 * when it looks at what the IOMMUs recorded.
 */
#include <asm/esr.h>
#include <asm/host_stage2.h>
#include <asm/inject.h>
#include <asm/psci.h>
#include <asm/sysreg.h>
#include <isohyp/console.h>
#include <isohyp/hcall.h>
#include <isohyp/iommu.h>
#include <isohyp/lock.h>
#include <isohyp/mmio.h>

#include <asm/host_ctxt.h>

/* Host traps by kind since boot (make bench reports them per Linux boot). */
static u64 nr_traps[4];

static void count(unsigned int kind)
{
	__atomic_fetch_add(&nr_traps[kind], 1, __ATOMIC_RELAXED);
}

void hyp_trap_report(void)
{
	pr_info("host traps since boot: hvc %lu, smc %lu, stage-2 aborts %lu (%lu emulated MMIO "
		"accesses), other %lu\n", (unsigned long)nr_traps[0], (unsigned long)nr_traps[1],
		(unsigned long)nr_traps[2], (unsigned long)hyp_mmio_nr_accesses(),
		(unsigned long)nr_traps[3]);
}

void handle_host_trap(struct host_ctxt *ctxt)
{
	u64 esr = read_sysreg(esr_el2);

	/* One call: an SMMU that timed out in it is not waited on again before the host runs. */
	hyp_call_begin();
	switch (FIELD_GET(ESR_EC, esr)) {
	case ESR_EC_HVC64:
		count(0);
		handle_host_hcall(ctxt);
		break;
	case ESR_EC_SMC64:
		count(1);
		handle_host_smc(ctxt);
		break;
	case ESR_EC_DABT_LOW:
	case ESR_EC_IABT_LOW:
		count(2);
		handle_host_mem_abort(ctxt, esr);
		break;
	default:
		count(3);
		pr_warn("unexpected trap from the host: ESR %lx at %lx, injecting UNDEF\n",
			(unsigned long)esr, (unsigned long)read_sysreg(elr_el2));
		inject_host_undef();
		break;
	}
	kvm_iommu_poll();
	hyp_call_end();
}
