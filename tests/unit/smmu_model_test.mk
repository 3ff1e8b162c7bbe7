unit_smmu_model_test_srcs := tests/unit/lib/smmu_rig.c tests/unit/lib/smmu_model.c \
	tests/unit/lib/smmu_model_s1.c tests/unit/lib/smmu_model_cache.c tests/unit/lib/poc_memory.c
unit_smmu_model_inval_test_srcs := $(unit_smmu_model_test_srcs)
