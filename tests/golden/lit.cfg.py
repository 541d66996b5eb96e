# lit configuration for jitexpr's golden tests: each test is a transcript of `jitexpr` runs with
# its expected output inline, checked by FileCheck.
import os
import lit.formats

config.name = "jitexpr-golden"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.jitexpr_obj_root, "tests", "golden")
config.substitutions.append(("%jitexpr-aot", config.jitexpr_aot))
config.substitutions.append(("%jitexpr", config.jitexpr_tool))
config.substitutions.append(("%python", config.jitexpr_python))
config.substitutions.append(("%expect_exit", config.jitexpr_python + " " + os.path.join(os.path.dirname(__file__), "expect_exit.py")))
config.excludes = ["expect_exit.py"]
config.environment["PATH"] = os.pathsep.join([config.llvm_tools_dir, config.environment.get("PATH", "")])
# Keep tests independent of the user's environment.
for var in ["JITEXPR_NUM_THREADS", "JITEXPR_CACHE_DIR", "JITEXPR_CACHE", "XDG_CACHE_HOME"]:
    config.environment.pop(var, None)
# The target a whole run is for (scripts/test.sh runs the suite again for x86-64-v2 and for
# 512-bit vectors); tests that pin a target say so on their command lines.
for var in ["JITEXPR_CPU", "JITEXPR_VECTOR_WIDTH"]:
    if os.environ.get(var):
        config.environment[var] = os.environ[var]
# A disk cache of the test run's own, never the user's.
config.environment["JITEXPR_CACHE_DIR"] = os.path.join(config.test_exec_root, "disk-cache")
