"""cli-slurm-requeue: scripts/slurm/entrepot.sbatch outside Slurm, with stand-ins for srun (runs
the command) and scontrol (notes its arguments). SIGTERM to the job, as Slurm sends before a
time limit, makes the run checkpoint and the script requeue the job; the requeued job
(SLURM_RESTART_COUNT=1) resumes from the checkpoint, and its result file holds the bytes of a
run that never stopped.

Called as `python3 slurm_requeue.py ENTREPOT SOURCE_DIR`."""
import os
import signal
import stat
import subprocess

import clitest


def write_tool(path, text):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)


def body(t):
    shocks = os.path.join(t.source, "tests", "mpi", "shocks.yaml")
    config = t.path("job.yaml")
    with open(config, "w") as f:
        # 5·10^4 agents (at 2·10^4 a country's jobs can collapse within 80 steps) and the
        # price limit off: a small region can see its prices run away over 80 steps; the
        # check is about the requeue.
        f.write(f"base: {shocks}\nsteps: 80\nagents: {{consumers: 45000, firms: 5000}}\n"
                f"health: {{price_limit: 0}}\n"
                "output: {flush_every: 1}\n")
    reference = t.path("reference.h5")
    rc, _, err, _ = t.run(["run", config, "--quiet", "--out", reference], timeout=300)
    t.check(rc == 0, f"reference run exits 0: {err}")

    tools = t.path("bin")
    os.mkdir(tools)
    write_tool(os.path.join(tools, "srun"),
               '#!/bin/bash\nwhile [[ $1 == -* ]]; do shift; done\nexec "$@"\n')
    write_tool(os.path.join(tools, "scontrol"),
               f'#!/bin/bash\necho "$@" >> {t.path("scontrol.log")}\n')
    env = clitest.child_env()
    env.update(PATH=tools + os.pathsep + env["PATH"], SLURM_JOB_ID="42",
               SLURM_JOB_NAME="entrepot", SLURM_SUBMIT_DIR=t.tmp, SLURM_RESTART_COUNT="0",
               ENTREPOT=t.binary, CHECKPOINT_EVERY="1000")
    script = os.path.join(t.source, "scripts", "slurm", "entrepot.sbatch")
    out = t.path("results", "job.h5")

    def job(restart, log):
        env["SLURM_RESTART_COUNT"] = str(restart)
        with open(t.path(log), "w") as f:
            child = subprocess.Popen(["bash", script, config, out], cwd=t.tmp, env=env,
                                     stdin=subprocess.DEVNULL, stdout=f,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        t.children.append(child)
        return child

    first = job(0, "first.log")
    if clitest.wait_for_steps(t, first, out, 4) is None:
        return
    os.killpg(first.pid, signal.SIGTERM)  # what Slurm does to a job it preempts
    rc = clitest.wait_for_exit(t, first, 90, "SIGTERM")
    if rc is None:
        return
    with open(t.path("first.log")) as f:
        log = f.read()
    t.check(rc == 143, f"the stopped job exits 143 (got {rc}): {log[-600:]}")
    t.check("requeueing job 42" in log, f"the job says it requeues: {log[-600:]}")
    requeued = ""
    if os.path.exists(t.path("scontrol.log")):
        with open(t.path("scontrol.log")) as f:
            requeued = f.read()
    t.check(requeued.strip() == "requeue 42", f"scontrol requeue 42 was called: {requeued!r}")

    second = job(1, "second.log")
    rc = second.wait(timeout=300)
    with open(t.path("second.log")) as f:
        log = f.read()
    t.check(rc == 0, f"the requeued job finishes (exit {rc}): {log[-600:]}")
    t.check("resuming from" in log, f"the requeued job resumes: {log[-600:]}")
    rc, text, err, _ = t.run(["compare", reference, out])
    t.check(rc == 0, f"stopped, requeued and resumed: the uninterrupted bytes: {text} {err}")


clitest.Test("cli-slurm-requeue").run_main(body)
