"""One rank of three fails while the others wait in a collective: mpirun must exit non-zero
within the time limit, and the failing rank's reason must reach stderr."""
import subprocess
import sys
import time

mpirun, program = sys.argv[1], sys.argv[2]
limit_s = 60
started = time.monotonic()
try:
    done = subprocess.run([mpirun, "-np", "3", "--oversubscribe", program, "--fail-on-rank", "1"],
                          capture_output=True, text=True, timeout=limit_s)
except subprocess.TimeoutExpired:
    sys.exit(f"FAIL: the job still ran after {limit_s} s: a failed rank left the others hanging")
elapsed = time.monotonic() - started
if done.returncode == 0:
    sys.exit("FAIL: mpirun exited 0 although rank 1 failed")
if "rank 1 of 3: error: cannot read input" not in done.stderr:
    sys.exit("FAIL: the failing rank's reason is missing from stderr:\n" + done.stderr)
print(f"ok: mpirun exited {done.returncode} after {elapsed:.1f} s with the reason on stderr")
