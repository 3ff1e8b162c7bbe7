# The PSCI relay's policy is arch code with no system-register access.
unit_psci_test_srcs := arch/arm64/hyp/psci_policy.c
unit_psci_test_cflags := -Iarch/arm64/include
