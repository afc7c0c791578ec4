"""How long the test suite takes: wall clock, CPU and the machine's load while it ran.

    .venv/bin/python scripts/bench_tests.py                 # SQLite, without browser tests
    .venv/bin/python scripts/bench_tests.py --workers 0     # the same in one process
    .venv/bin/python scripts/bench_tests.py --browser       # SQLite, browser tests included
    TEST_DATABASE_URL=postgresql://… .venv/bin/python scripts/bench_tests.py --postgres

Without --postgres, TEST_DATABASE_URL is removed from the environment (SQLite only). CPU
time (user + system of pytest and its children) is the figure to compare between runs on
a busy machine; wall time moves with the load, printed before and after.
"""

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--browser", action="store_true", help="include tests/browser")
    parser.add_argument("--postgres", action="store_true", help="keep TEST_DATABASE_URL")
    parser.add_argument("--workers", default="auto",
                        help="pytest-xdist workers, as `make test` (auto: one per core; 0: none)")
    parser.add_argument("pytest_args", nargs="*", help="passed on to pytest")
    args = parser.parse_args()

    env = dict(os.environ)
    if not args.postgres:
        env.pop("TEST_DATABASE_URL", None)
    elif not env.get("TEST_DATABASE_URL"):
        parser.error("--postgres needs TEST_DATABASE_URL")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    if args.workers != "0":
        command += ["-n", args.workers, "--dist", "loadgroup"]
    else:
        command += ["-p", "no:xdist"]
    if not args.browser:
        command += ["-m", "not browser"]
    command += args.pytest_args

    load_before = os.getloadavg()
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    summary = [line for line in result.stdout.splitlines() if " in " in line and "passed" in line]

    databases = "SQLite + PostgreSQL" if args.postgres else "SQLite"
    print(f"suite:      {databases}, {'with' if args.browser else 'without'} browser tests, "
          f"workers: {args.workers}")
    print(f"result:     {summary[-1] if summary else result.stdout[-500:]}")
    print(f"wall:       {wall:.1f} s")
    print(f"cpu:        {usage.ru_utime + usage.ru_stime:.1f} s "
          f"(user {usage.ru_utime:.1f}, system {usage.ru_stime:.1f})")
    print(f"load (1m):  {load_before[0]:.2f} before, {os.getloadavg()[0]:.2f} after "
          f"({os.cpu_count()} cores)")
    if result.returncode:
        print("\n".join(line for line in result.stdout.splitlines()
                        if line.startswith(("FAILED", "ERROR"))) or result.stdout[-3000:])
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
