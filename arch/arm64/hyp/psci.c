// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's PSCI and SMCCC calls (DEN0022 PSCI 1.1, DEN0028 SMCCC 1.1). The
 * host runs at EL1 with HCR_EL2.TSC, so each of its SMCs traps here. Calls
 * whose effect is the same with or without a hypervisor are forwarded to
 * firmware as they are. Calls that give firmware an entry point (CPU_ON,
 * CPU_SUSPEND, SYSTEM_SUSPEND) are re-targeted to __hyp_secondary_entry, so a
 * CPU that powers up builds its EL2 state before it enters the host at EL1
 * with the host's context id. Every other SMC gets NOT_SUPPORTED: the host
 * never reaches firmware with a call the hypervisor has not vetted.
 */
#include <asm/psci.h>
#include <asm/sysreg.h>
#include <isohyp/console.h>
#include <isohyp/cpu.h>
#include <isohyp/iommu.h>

#include <asm/host_ctxt.h>

extern char __hyp_secondary_entry[];

void smccc_smc(u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5, u64 a6, u64 a7,
	       struct smccc_res *res)
{
	register u64 x0 __asm__("x0") = a0;
	register u64 x1 __asm__("x1") = a1;
	register u64 x2 __asm__("x2") = a2;
	register u64 x3 __asm__("x3") = a3;
	register u64 x4 __asm__("x4") = a4;
	register u64 x5 __asm__("x5") = a5;
	register u64 x6 __asm__("x6") = a6;
	register u64 x7 __asm__("x7") = a7;

	/* SMCCC 1.1: x4-x17 may be clobbered by the callee (SMC64 up to 1.2: x0-x17). */
	__asm__ __volatile__("smc #0"
			     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5),
			       "+r"(x6), "+r"(x7)
			     :
			     : "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16",
			       "x17", "memory");
	res->a0 = x0;
	res->a1 = x1;
	res->a2 = x2;
	res->a3 = x3;
}

static bool is_smc32(u32 fn)
{
	return !(fn & 0x40000000U);
}

static void forward(struct host_ctxt *ctxt)
{
	struct smccc_res res;
	u64 *r = ctxt->regs;

	smccc_smc(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], &res);
	r[0] = res.a0;
	r[1] = res.a1;
	r[2] = res.a2;
	r[3] = res.a3;
}

static u64 hyp_entry_pa(void)
{
	return (u64)(uintptr_t)__hyp_secondary_entry; /* VA == PA at EL2 */
}

static s64 psci_cpu_on(u32 fn, u64 mpidr, u64 entry, u64 ctx)
{
	struct hyp_cpu *cpu = hyp_cpu_by_mpidr(mpidr);
	struct smccc_res res;

	if (!cpu)
		return PSCI_RET_INVALID_PARAMS;
	hyp_spin_lock(&cpu->lock);
	if (cpu->state != HYP_CPU_OFF) {
		hyp_spin_unlock(&cpu->lock);
		return cpu->state == HYP_CPU_ON ? PSCI_RET_ALREADY_ON : PSCI_RET_ON_PENDING;
	}
	cpu->host_entry = entry;
	cpu->host_ctx = ctx;
	cpu->state = HYP_CPU_ON_PENDING;
	hyp_spin_unlock(&cpu->lock);

	smccc_smc(fn, mpidr, hyp_entry_pa(), (u64)(uintptr_t)cpu, 0, 0, 0, 0, &res);
	if ((s64)res.a0 != PSCI_RET_SUCCESS) {
		hyp_spin_lock(&cpu->lock);
		/* Firmware says it is already on: then it entered through us before. */
		cpu->state = (s64)res.a0 == PSCI_RET_ALREADY_ON ? HYP_CPU_ON : HYP_CPU_OFF;
		hyp_spin_unlock(&cpu->lock);
		pr_debug("PSCI CPU_ON %lx failed: %ld\n", (unsigned long)mpidr, (long)res.a0);
	}
	return (s64)res.a0;
}

/*
 * CPU_SUSPEND (power_state, entry, ctx) and SYSTEM_SUSPEND (entry, ctx): if
 * the CPU powers down, it wakes up through us.
 */
static void psci_suspend(struct host_ctxt *ctxt, u32 fn, u64 mask, bool system)
{
	struct hyp_cpu *cpu = this_cpu();
	u64 *r = ctxt->regs, hyp_ctx = (u64)(uintptr_t)cpu;
	struct smccc_res res;

	cpu->host_entry = r[system ? 1 : 2] & mask;
	cpu->host_ctx = r[system ? 2 : 3] & mask;
	if (system)
		smccc_smc(fn, hyp_entry_pa(), hyp_ctx, 0, 0, 0, 0, 0, &res);
	else
		smccc_smc(fn, r[1] & mask, hyp_entry_pa(), hyp_ctx, 0, 0, 0, 0, &res);
	/* Back here: a standby state, or an error. Either way the host resumes. */
	ctxt->regs[0] = res.a0;
}

static bool psci_fn_proxied(u32 fn)
{
	switch (fn) {
	case PSCI_VERSION:
	case PSCI_CPU_SUSPEND:
	case PSCI_FN64(1):
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON:
	case PSCI_FN64(3):
	case PSCI_AFFINITY_INFO:
	case PSCI_FN64(4):
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_SYSTEM_RESET2:
	case PSCI_FN64(18):
	case PSCI_FEATURES:
	case PSCI_SYSTEM_SUSPEND:
	case PSCI_FN64(14):
	case SMCCC_VERSION:
	case SMCCC_ARCH_FEATURES:
	case SMCCC_ARCH_SOC_ID:
	case SMCCC_ARCH_WORKAROUND_1:
	case SMCCC_ARCH_WORKAROUND_2:
	case SMCCC_ARCH_WORKAROUND_3:
		return true;
	}
	return false;
}

void handle_host_smc(struct host_ctxt *ctxt)
{
	u64 *r = ctxt->regs;
	u32 fn = (u32)r[0];
	u64 mask = is_smc32(fn) ? 0xffffffffULL : ~0ULL;

	/* A trapped SMC returns to itself (D1.11.2): step over it. */
	write_sysreg(read_sysreg(elr_el2) + 4, elr_el2);
	if (!psci_fn_proxied(fn)) {
		r[0] = (u64)(s64)SMCCC_RET_NOT_SUPPORTED;
		return;
	}
	switch (fn) {
	case PSCI_CPU_ON:
	case PSCI_FN64(3):
		r[0] = (u64)psci_cpu_on(fn, r[1] & mask, r[2] & mask, r[3] & mask);
		return;
	case PSCI_CPU_SUSPEND:
	case PSCI_FN64(1):
		psci_suspend(ctxt, fn, mask, false);
		return;
	case PSCI_SYSTEM_SUSPEND:
	case PSCI_FN64(14):
		psci_suspend(ctxt, fn, mask, true);
		return;
	case PSCI_CPU_OFF:
		hyp_spin_lock(&this_cpu()->lock);
		this_cpu()->state = HYP_CPU_OFF;
		hyp_spin_unlock(&this_cpu()->lock);
		forward(ctxt);
		/* Still here: firmware refused; the CPU stays on. */
		this_cpu()->state = HYP_CPU_ON;
		return;
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_SYSTEM_RESET2:
	case PSCI_FN64(18):
		/* The last chance to say what DMA the IOMMUs refused. */
		kvm_iommu_report();
		break;
	case PSCI_FEATURES:
	case SMCCC_ARCH_FEATURES:
		if (!psci_fn_proxied((u32)r[1])) {
			r[0] = (u64)(s64)PSCI_RET_NOT_SUPPORTED;
			return;
		}
		break;
	}
	forward(ctxt);
}

void psci_system_off(void)
{
	struct smccc_res res;

	smccc_smc(PSCI_SYSTEM_OFF, 0, 0, 0, 0, 0, 0, 0, &res);
}
