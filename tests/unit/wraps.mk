# per-test sources and --wrap lists for the cmocka tests
