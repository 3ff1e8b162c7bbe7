// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's PSCI and SMCCC calls (DEN0022 PSCI 1.1, DEN0028 SMCCC 1.4): the
 * mechanism of the relay; which call gets what is psci_policy.c's. The host
 * runs at EL1 with HCR_EL2.TSC, so each of its SMCs traps here. Calls whose
 * effect is the same with or without a hypervisor are forwarded to firmware
 * as they are. Calls that give firmware an entry point (CPU_ON, CPU_SUSPEND,
 * SMC64 forms only) are re-targeted to __hyp_secondary_entry, so a CPU that
 * powers up builds its EL2 state before it enters the host at EL1 with the
 * host's context id. A CPU the host names is checked against the CPU list,
 * and only the validated value reaches firmware. Power states that lose the
 * SMMUs' and the GIC's state are refused (psci_policy.c): SYSTEM_SUSPEND
 * never reaches firmware, CPU_SUSPEND only with a standby or retention
 * state, read in the power_state format firmware named at boot. Every other
 * SMC gets NOT_SUPPORTED: the host never reaches firmware with a call the
 * hypervisor has not vetted.
 */
#include <asm/inject.h>
#include <asm/psci.h>
#include <asm/sysreg.h>
#include <isohyp/console.h>
#include <isohyp/cpu.h>
#include <isohyp/errno.h>
#include <isohyp/power.h>

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

static void set_cpu_state(struct hyp_cpu *cpu, enum hyp_cpu_state state)
{
	hyp_spin_lock(&cpu->lock);
	cpu->state = state;
	hyp_spin_unlock(&cpu->lock);
}

/*
 * CPU_ON (SMC64) of @mpidr: only a CPU of the list, named by its affinity
 * fields alone, and only one the hypervisor has off. Firmware starts it at
 * __hyp_secondary_entry with its struct hyp_cpu as the context id.
 *
 * ALREADY_ON from firmware for a CPU that never left the hypervisor's control
 * through CPU_OFF means a CPU runs that we did not start (left running by
 * firmware, or started behind our back): it is not ours, it will never be,
 * and we say so. The host gets DENIED -- the call is refused by policy, not
 * a transient state it could wait out -- and so does every later CPU_ON of
 * it, without asking firmware again.
 */
static s64 psci_cpu_on(u64 mpidr, u64 entry, u64 ctx)
{
	struct hyp_cpu *cpu = psci_mpidr_valid(mpidr) ? hyp_cpu_by_mpidr(mpidr) : NULL;
	enum hyp_cpu_state was;
	struct smccc_res res;
	s64 ret;

	if (!cpu)
		return PSCI_RET_INVALID_PARAMS;
	hyp_spin_lock(&cpu->lock);
	was = cpu->state;
	if (was != HYP_CPU_OFF && was != HYP_CPU_OFF_PENDING) {
		hyp_spin_unlock(&cpu->lock);
		return was == HYP_CPU_ON ? PSCI_RET_ALREADY_ON :
		       was == HYP_CPU_ON_PENDING ? PSCI_RET_ON_PENDING : PSCI_RET_DENIED;
	}
	cpu->host_entry = entry;
	cpu->host_ctx = ctx;
	cpu->state = HYP_CPU_ON_PENDING;
	hyp_spin_unlock(&cpu->lock);

	smccc_smc(PSCI_CPU_ON_64, cpu->mpidr, hyp_entry_pa(), (u64)(uintptr_t)cpu, 0, 0, 0, 0,
		  &res);
	ret = (s64)res.a0;
	if (ret == PSCI_RET_SUCCESS)
		return ret;	/* the CPU marks itself on in hyp_cpu_entry() */
	if (ret == PSCI_RET_ALREADY_ON && was == HYP_CPU_OFF) {
		pr_err("PSCI: CPU %u (MPIDR %lx) is running but was not started by the "
		       "hypervisor: refusing it\n", cpu->index, (unsigned long)cpu->mpidr);
		set_cpu_state(cpu, HYP_CPU_FOREIGN);
		return PSCI_RET_DENIED;
	}
	/* Failed, or still powering down after its CPU_OFF: it did not enter. */
	set_cpu_state(cpu, was);
	pr_debug("PSCI CPU_ON %lx failed: %ld\n", (unsigned long)mpidr, (long)ret);
	return ret;
}

/*
 * CPU_OFF: if firmware powers this CPU down it never returns. Until it is
 * really off, firmware may still report it on (DEN0022 5.1.5: AFFINITY_INFO
 * says ON until the power-down completes), so an ALREADY_ON to a CPU_ON in
 * that window is normal: OFF_PENDING tells psci_cpu_on() so.
 */
static void psci_cpu_off(struct host_ctxt *ctxt)
{
	struct hyp_cpu *cpu = this_cpu();

	set_cpu_state(cpu, HYP_CPU_OFF_PENDING);
	forward(ctxt);
	/* Still here: firmware refused; the CPU stays on. */
	set_cpu_state(cpu, HYP_CPU_ON);
}

/*
 * Firmware's PSCI_FEATURES(CPU_SUSPEND), asked once at boot (psci_init):
 * which power_state format it takes. NOT_SUPPORTED until then, and on
 * firmware that has no answer: the original format.
 */
static s64 cpu_suspend_firmware = PSCI_RET_NOT_SUPPORTED;

/*
 * CPU_SUSPEND (power_state, entry, ctx), SMC64 form: standby and retention
 * states only. A power-down state gets INVALID_PARAMETERS: DEN0022 lists
 * SUCCESS, INVALID_PARAMETERS, INVALID_ADDRESS and DENIED as CPU_SUSPEND's
 * results (NOT_SUPPORTED is not one: the call itself is mandatory), DENIED
 * belongs to OS-initiated mode, which the relay never enables, and
 * INVALID_PARAMETERS is what an implementation answers for a power_state it
 * does not offer -- which, with the hypervisor in front, is every state that
 * would lose the SMMUs' state. The host's PSCI_FEATURES(CPU_SUSPEND) names
 * the format read here (psci_features()).
 *
 * power_state is a 32-bit parameter (w1): only those bits, checked, reach
 * firmware. The entry point is still ours: a standby state returns here,
 * but if firmware powered the CPU down anyway it would otherwise wake up at
 * EL2 at the host's entry.
 */
static void psci_cpu_suspend(struct host_ctxt *ctxt, u32 fn)
{
	static bool warned;
	struct hyp_cpu *cpu = this_cpu();
	u64 *r = ctxt->regs, hyp_ctx = (u64)(uintptr_t)cpu;
	u32 power_state = (u32)r[1];
	struct smccc_res res;

	switch (psci_power_state_kind(power_state,
				      psci_suspend_format_extended(cpu_suspend_firmware))) {
	case PSCI_POWER_STATE_STANDBY:
		break;
	case PSCI_POWER_STATE_POWER_DOWN:
		/* Once: a host idle driver would ask on every idle entry (a race logs twice). */
		if (!warned) {
			warned = true;
			pr_warn("PSCI: CPU_SUSPEND to power-down state %x refused: the SMMUs "
				"would lose their state (logged once)\n", power_state);
		}
		r[0] = (u64)(s64)PSCI_RET_INVALID_PARAMS;
		return;
	case PSCI_POWER_STATE_MALFORMED:
		r[0] = (u64)(s64)PSCI_RET_INVALID_PARAMS;
		return;
	}
	cpu->host_entry = r[2];
	cpu->host_ctx = r[3];
	smccc_smc(fn, power_state, hyp_entry_pa(), hyp_ctx, 0, 0, 0, 0, &res);
	/* Back here: the standby state ended, or an error. Either way the host resumes. */
	r[0] = res.a0;
}

/*
 * AFFINITY_INFO (target_affinity, lowest_affinity_level): the target must be
 * well formed and name at least one CPU of the list at that level; firmware
 * gets the target with the ignored lower fields cleared. Levels above 0 are
 * optional in PSCI 1.x: firmware answers for them as it can.
 */
static s64 psci_affinity_info(u32 fn, u64 target, u64 level)
{
	u64 mask = psci_affinity_level_mask(level);
	struct smccc_res res;
	unsigned int i;

	if (!mask || !psci_mpidr_valid(target))
		return PSCI_RET_INVALID_PARAMS;
	target &= mask;
	for (i = 0; i < hyp_nr_cpus; i++)
		if ((hyp_cpus[i].mpidr & mask) == target)
			break;
	if (i == hyp_nr_cpus)
		return PSCI_RET_INVALID_PARAMS;
	smccc_smc(fn, target, level, 0, 0, 0, 0, 0, &res);
	return (s64)res.a0;
}

/*
 * SSBD (CVE-2018-3639, SMCCC_ARCH_WORKAROUND_2). The host may not switch a
 * dynamic firmware mitigation, since it would switch it for EL2 too: the
 * hypervisor turns it on for each CPU it sets up (psci_ssbd_cpu_setup) and
 * never forwards the host's call. Firmware's SMCCC_ARCH_FEATURES answer,
 * asked once at boot through the SMCCC 1.1 discovery sequence (DEN0028
 * "SMCCC_VERSION": PSCI_FEATURES(SMCCC_VERSION), then SMCCC_VERSION >= 1.1),
 * is passed on except for 0 ("the call is available, use it"): the host
 * then hears NOT_REQUIRED, which is what a permanently enabled mitigation
 * looks like from where it stands (KVM tells its guests the same).
 */
static s64 ssbd_firmware = SMCCC_RET_NOT_SUPPORTED;

/*
 * SMCCC_ARCH_FEATURES(@fn) of firmware, or NOT_SUPPORTED when firmware
 * cannot be asked: the SMCCC 1.1 discovery sequence (DEN0028
 * "SMCCC_VERSION"): PSCI 1.0+, PSCI_FEATURES(SMCCC_VERSION), SMCCC 1.1+.
 */
s32 smccc_arch_features(u32 fn)
{
	struct smccc_res res;

	/* Versions are (major << 16 | minor) in w0; negative is an error. */
	smccc_smc(PSCI_VERSION, 0, 0, 0, 0, 0, 0, 0, &res);
	if ((s32)res.a0 < 0x10000) /* PSCI 1.0 brings PSCI_FEATURES */
		return SMCCC_RET_NOT_SUPPORTED;
	smccc_smc(PSCI_FEATURES, SMCCC_VERSION, 0, 0, 0, 0, 0, 0, &res);
	if ((s32)res.a0 != 0)
		return SMCCC_RET_NOT_SUPPORTED;
	smccc_smc(SMCCC_VERSION, 0, 0, 0, 0, 0, 0, 0, &res);
	if ((s32)res.a0 < 0x10001)
		return SMCCC_RET_NOT_SUPPORTED;
	smccc_smc(SMCCC_ARCH_FEATURES, fn, 0, 0, 0, 0, 0, 0, &res);
	return (s32)res.a0;
}

/*
 * PSCI MEM_PROTECT (DEN0022 5.18): where firmware offers it, it wipes memory
 * before the next boot after any reset -- the hypervisor's own scrub
 * (scrub.c) cannot cover a reset it never sees (a watchdog, a button).
 * Turned on once; the host cannot turn it off (the relay refuses the call).
 */
static void psci_mem_protect_init(void)
{
	struct smccc_res res;

	smccc_smc(PSCI_FEATURES, PSCI_MEM_PROTECT, 0, 0, 0, 0, 0, 0, &res);
	if ((s32)res.a0 != 0)
		return;
	smccc_smc(PSCI_MEM_PROTECT, 1, 0, 0, 0, 0, 0, 0, &res);
	pr_info("PSCI MEM_PROTECT on: firmware wipes memory at the next reset (was %s)\n",
		(s32)res.a0 == 1 ? "on" : (s32)res.a0 == 0 ? "off" : "unknown");
}

void psci_init(void)
{
	struct smccc_res res;
	s32 version;

	/* Versions are (major << 16 | minor) in w0; negative is an error. */
	smccc_smc(PSCI_VERSION, 0, 0, 0, 0, 0, 0, 0, &res);
	version = (s32)res.a0;
	if (version >= 0x10000) { /* PSCI 1.0 brings PSCI_FEATURES */
		/* PSCI_FEATURES returns an int32 in w0. */
		smccc_smc(PSCI_FEATURES, PSCI_CPU_SUSPEND_64, 0, 0, 0, 0, 0, 0, &res);
		cpu_suspend_firmware = (s32)res.a0;
		ssbd_firmware = smccc_arch_features(SMCCC_ARCH_WORKAROUND_2);
		psci_mem_protect_init();
	}
	pr_info("PSCI %d.%d: CPU_SUSPEND to standby states only (%s power_state format), "
		"SYSTEM_SUSPEND refused: nothing would restore the SMMUs\n",
		version >> 16, version & 0xffff,
		psci_suspend_format_extended(cpu_suspend_firmware) ? "extended" : "original");
}

void psci_ssbd_cpu_setup(void)
{
	struct smccc_res res;

	if (ssbd_firmware == 0)
		smccc_smc(SMCCC_ARCH_WORKAROUND_2, 1, 0, 0, 0, 0, 0, 0, &res);
}

static s64 psci_ssbd_features(void)
{
	return ssbd_firmware == 0 ? SMCCC_RET_NOT_REQUIRED : ssbd_firmware;
}

/*
 * PSCI_FEATURES / SMCCC_ARCH_FEATURES (function id in w1): a call the relay
 * refuses is NOT_SUPPORTED whatever firmware has; WORKAROUND_2 is answered
 * here, and so is PSCI_FEATURES(CPU_SUSPEND): the format the relay reads
 * power states in, without OS-initiated mode; anything else is firmware's
 * answer.
 */
static void psci_features(struct host_ctxt *ctxt, u32 fn)
{
	u64 *r = ctxt->regs;

	switch (psci_relay_action((u32)r[1])) {
	case PSCI_RELAY_REFUSE:
		r[0] = (u64)(s64)PSCI_RET_NOT_SUPPORTED;
		return;
	case PSCI_RELAY_CPU_SUSPEND:
		if (fn == PSCI_FEATURES) {
			r[0] = (u64)psci_cpu_suspend_features_host(cpu_suspend_firmware);
			return;
		}
		forward(ctxt);
		return;
	case PSCI_RELAY_SSBD:
		r[0] = (u64)(fn == SMCCC_ARCH_FEATURES ? psci_ssbd_features() :
							 PSCI_RET_NOT_SUPPORTED);
		return;
	default:
		forward(ctxt);
		return;
	}
}

void handle_host_smc(struct host_ctxt *ctxt)
{
	u64 *r = ctxt->regs;
	u32 fn = (u32)r[0];
	/* SMC32 arguments are the W registers: the upper halves are not part of them. */
	u64 mask = is_smc32(fn) ? 0xffffffffULL : ~0ULL;

	/* A trapped SMC returns to itself (D1.11.2): step over it. */
	host_skip_instr();
	switch (psci_relay_action(fn)) {
	case PSCI_RELAY_REFUSE:
	case PSCI_RELAY_SSBD:
		r[0] = (u64)(s64)SMCCC_RET_NOT_SUPPORTED;
		return;
	case PSCI_RELAY_CPU_ON:
		r[0] = (u64)psci_cpu_on(r[1], r[2], r[3]);
		return;
	case PSCI_RELAY_CPU_OFF:
		psci_cpu_off(ctxt);
		return;
	case PSCI_RELAY_CPU_SUSPEND:
		psci_cpu_suspend(ctxt, fn);
		return;
	case PSCI_RELAY_AFFINITY_INFO:
		r[0] = (u64)psci_affinity_info(fn, r[1] & mask, r[2] & mask);
		return;
	case PSCI_RELAY_FEATURES:
		psci_features(ctxt, fn);
		return;
	case PSCI_RELAY_SYSTEM_OFF:
		hyp_system_down_prepare();
		forward(ctxt);
		/* Firmware refused; the hypervisor's memory is gone: stop here. */
		for (;;)
			__asm__ __volatile__("wfi");
		return;
	case PSCI_RELAY_FORWARD:
		forward(ctxt);
		return;
	}
}

#ifdef CONFIG_TEST_KEYS
/*
 * Test hook: a CPU that runs but is recorded off is what a CPU started behind
 * the hypervisor's back looks like to the relay (psci_cpu_on() must refuse
 * it). Only reachable with test_hooks=1 (hyp/hcall.c), only built into a
 * test build (CONFIG_TEST_KEYS).
 */
int psci_test_forget_cpu(u64 mpidr)
{
	struct hyp_cpu *cpu = psci_mpidr_valid(mpidr) ? hyp_cpu_by_mpidr(mpidr) : NULL;

	if (!cpu)
		return -EINVAL;
	pr_warn("TEST_HOOK: the PSCI relay forgets that CPU %u is on\n", cpu->index);
	set_cpu_state(cpu, HYP_CPU_OFF);
	return 0;
}
#endif

void psci_system_off(void)
{
	struct smccc_res res;

	smccc_smc(PSCI_SYSTEM_OFF, 0, 0, 0, 0, 0, 0, 0, &res);
}
