# The e2e suite shares tests/lit's configuration; only its roots differ.
import os

lit_config.load_config(
    config, os.path.join(os.path.dirname(__file__), "..", "lit", "lit.cfg.py"))
config.name = "Tessera-e2e"
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.tessera_build_dir, "tests", "e2e")
