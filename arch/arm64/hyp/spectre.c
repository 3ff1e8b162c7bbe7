// SPDX-License-Identifier: GPL-2.0-only
/*
 * Spectre-v2/BHB hardening of the host's entry to EL2 (asm/spectre.h): read
 * this CPU's identification and firmware's workarounds, let the policy
 * (spectre_policy.c) choose, and leave the choice in struct hyp_cpu for
 * entry.S, which runs it before the trap handler's first indirect branch.
 */
#include <asm/psci.h>
#include <asm/spectre.h>
#include <asm/sysreg.h>
#include <isohyp/console.h>
#include <isohyp/cpu.h>

/* Firmware's answers, asked once on the boot CPU (they are per system). */
static bool fw_wa1, fw_wa3;
static bool reported;

void spectre_init(void)
{
	fw_wa1 = smccc_arch_features(SMCCC_ARCH_WORKAROUND_1) == 0;
	fw_wa3 = smccc_arch_features(SMCCC_ARCH_WORKAROUND_3) == 0;
}

static const char *bhb_name(const struct spectre_mitigation *m)
{
	if (m->bhb_vulnerable)
		return "VULNERABLE";
	if (m->vec & VEC_MIT_CLRBHB)
		return "CLRBHB";
	if (m->vec & VEC_MIT_BHB_LOOP)
		return "branch loop";
	if ((m->vec & VEC_MIT_FW) && m->fw_fn == SMCCC_ARCH_WORKAROUND_3)
		return "firmware WORKAROUND_3";
	return "not affected";
}

void spectre_cpu_setup(struct hyp_cpu *cpu)
{
	struct spectre_cpu_id id = {
		.midr = read_sysreg(midr_el1),
		.pfr0 = read_sysreg(id_aa64pfr0_el1),
		.mmfr1 = read_sysreg(id_aa64mmfr1_el1),
		.isar2 = read_sysreg(s3_0_c0_c6_2), /* ID_AA64ISAR2_EL1 */
		.fw_wa1 = fw_wa1,
		.fw_wa3 = fw_wa3,
	};
	struct spectre_mitigation m;

	spectre_choose(&id, &m);
	cpu->vec_mitigation = m.vec;
	cpu->bhb_loops = m.bhb_loops;
	cpu->fw_workaround = m.fw_fn;
	/* Once per boot (the CPUs of one system rarely differ); every CPU at debug. */
	hyp_log(reported ? LOG_DEBUG : (m.v2_vulnerable || m.bhb_vulnerable) ? LOG_WARN : LOG_INFO,
		"CPU %u (MIDR %x): EL2 entry: Spectre-BHB %s (loop %u), Spectre-v2 %s\n",
		cpu->index, id.midr, bhb_name(&m), m.bhb_loops,
		m.v2_vulnerable ? "VULNERABLE (no firmware WORKAROUND_1)" :
		(m.vec & VEC_MIT_FW) ? "firmware workaround" : "not affected");
	reported = true;
}
