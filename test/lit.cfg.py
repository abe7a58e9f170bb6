# lit.cfg.py — lit configuration for guji's tests (test/**/*.guji, *.test).
#
# The build-specific facts (where the tools are, sanitizer or not) come from
# a lit.site.cfg.py that CMake writes into <build>/test/. Which one:
#   --param guji_site_config=PATH   (what ctest and the check-lit target pass)
#   $GUJI_LIT_SITE_CONFIG
#   otherwise <repo>/build/test/lit.site.cfg.py
# so `python3 /usr/lib/llvm-19/build/utils/lit/lit.py -sv test/x/y.guji`
# from the repo root runs one test against ./build.
#
# Substitutions (see test/README.md):
#   %gujic    <build>/bin/gujic
#   %guji     <build>/bin/guji
#   %both     test/tools/run-both: runs the file through `guji run` and
#             through gujic + the executable; fails unless both agree
#   %expect-exit N CMD   test/tools/expect-exit: CMD must exit with N
#   %gdb-script  <build>/share/guji/guji-gdb.py, the gdb pretty-printers
#   FileCheck, not, count   LLVM 19's tools, through PATH
#   %s %S %t %T %p          lit's usual ones
# Features: gdb, perf, asan (sanitizer build), x86_64 / aarch64.

import os
import platform
import shutil
import subprocess

import lit.formats

config.name = "guji"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".guji", ".test"]
# Inputs/ holds modules and data used by tests (not tests themselves).
# tools/ holds the harness (run-both, expect-exit: no test suffix) next to
# the tests of the tools themselves, which run with the rest.
config.excludes = ["Inputs", "README.md", "lit.cfg.py",
                   "lit.site.cfg.py.in", "conformance.xfail", "run-conformance.sh"]

config.test_source_root = os.path.dirname(os.path.abspath(__file__))
repo_root = os.path.dirname(config.test_source_root)

# ---- the build's site config -----------------------------------------------

if not hasattr(config, "guji_obj_root"):
    site = (lit_config.params.get("guji_site_config")
            or os.environ.get("GUJI_LIT_SITE_CONFIG")
            or os.path.join(repo_root, "build", "test", "lit.site.cfg.py"))
    if not os.path.isfile(site):
        lit_config.fatal("no lit.site.cfg.py at %s: configure a build first "
                         "(./build.sh), or pass --param guji_site_config=PATH" % site)
    lit_config.load_config(config, site)

config.test_exec_root = os.path.join(config.guji_obj_root, "test")

def tool(name, where):
    path = os.path.join(where, name)
    if not os.path.exists(path):
        # Still substitute: the RUN line then fails with "not found", which
        # says more than a configuration error would.
        lit_config.note("%s not found at %s" % (name, path))
    return path

gujic = tool("gujic", config.guji_tools_dir)
guji = tool("guji", config.guji_tools_dir)
run_both = os.path.join(config.test_source_root, "tools", "run-both")
expect_exit = os.path.join(config.test_source_root, "tools", "expect-exit")
llvm_bin = config.llvm_tools_dir or "/usr/lib/llvm-19/bin"

# ---- environment ------------------------------------------------------------

# lit starts tests with a cleaned environment; keep what tools need.
for var in ["PATH", "HOME", "TMPDIR", "TEMP", "TMP", "LANG", "LC_ALL"]:
    if var in os.environ:
        config.environment[var] = os.environ[var]
# The tools' own location and LLVM's first, so a test's plain `guji` or
# `FileCheck` means this build's.
config.environment["PATH"] = os.pathsep.join(
    [config.guji_tools_dir, llvm_bin, config.environment.get("PATH", "/usr/bin:/bin")])
config.environment["GUJI"] = guji
config.environment["GUJIC"] = gujic
# Repeatable Map/Set order (§20) so outputs never depend on the seed.
config.environment["GUJI_HASH_SEED"] = "1"
# Every program run by a test checks at exit that no object is left live
# (the runtime's per-kind counts): a leak turns the exit status into 98,
# which fails the test (heap-values issue, "no leaks").
config.environment["GUJI_LEAKCHECK"] = "1"
# The differential run of issue 7: %both also runs each program through
# `guji run --interp` (the GIR interpreter) and insists it agrees with the
# JIT and gujic. On by default, so ctest and ./build.sh test include it;
# --param interp_diff=0 runs only the two compiled paths.
if lit_config.params.get("interp_diff", "1") == "1":
    config.environment["RUN_BOTH_INTERP"] = "1"
# Diagnostics without colour whatever the terminal.
config.environment["NO_COLOR"] = "1"

if config.guji_sanitize:
    config.available_features.add("asan")
    config.environment["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=0:strict_string_checks=1"
    config.environment["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
    config.environment["LSAN_OPTIONS"] = "print_suppressions=0:suppressions=" + \
        os.path.join(config.test_source_root, "lsan.supp")

# ---- substitutions (order matters: %gujic before its prefix %guji) ---------

config.substitutions.append(("%expect-exit", expect_exit))
config.substitutions.append(("%gdb-script", os.path.join(
    os.path.dirname(config.guji_tools_dir), "share", "guji", "guji-gdb.py")))
config.substitutions.append(("%gujic", gujic))
config.substitutions.append(("%guji", guji))
config.substitutions.append(("%both", run_both))
# FileCheck, not and count are found through PATH (LLVM 19's bin comes
# first, above), not substituted: a substitution for `not` would also rewrite
# the word inside a quoted argument.

# ---- features ----------------------------------------------------------------

machine = platform.machine().lower()
if machine in ("x86_64", "amd64"):
    config.available_features.add("x86_64")
elif machine in ("aarch64", "arm64"):
    config.available_features.add("aarch64")

if shutil.which("gdb"):
    config.available_features.add("gdb")

def perf_why_not():
    """None when perf can record this user's processes, else why not."""
    if not shutil.which("perf"):
        return "perf is not installed"
    try:
        r = subprocess.run(["perf", "stat", "-e", "task-clock", "-x,", "true"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           timeout=20)
    except (OSError, subprocess.SubprocessError) as e:
        return "perf does not run (%s)" % e
    if r.returncode == 0:
        return None
    paranoid = "?"
    try:
        with open("/proc/sys/kernel/perf_event_paranoid") as f:
            paranoid = f.read().strip()
    except OSError:
        pass
    return ("the kernel refuses perf events (`perf stat true` failed; "
            "kernel.perf_event_paranoid is %s, needs <= 2, or a container "
            "without perf_event_open)" % paranoid)

perf_missing = perf_why_not()
if perf_missing is None:
    config.available_features.add("perf")
else:
    lit_config.note("tests that REQUIRE perf are skipped: " + perf_missing)
