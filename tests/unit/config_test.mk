unit_config_test_srcs := arch/arm64/efi/config.c hyp/printf.c
