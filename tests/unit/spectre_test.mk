# The Spectre-v2/BHB policy is arch code with no system-register access.
unit_spectre_test_srcs := arch/arm64/hyp/spectre_policy.c
unit_spectre_test_cflags := -Iarch/arm64/include
