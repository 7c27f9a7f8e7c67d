"""Runs trainings in worker processes and records them in the run store.

Who does what (recording a run lives in `core.run.recording`, executing sweeps in
`core.run.executors`):
- `WorkerPool` keeps one warm worker process (TensorFlow already imported) and hands each job
  to its own process: two jobs never share Keras state (no `clear_session`), and Stop is
  certain. A worker checks Stop and that its parent is alive between chunks.
- A worker whose plain run ended cleanly goes back to being the spare (up to
  MAX_JOBS_PER_WORKER runs), with its compiled steps: Start again on the same model and batch
  size trains at once instead of compiling for seconds (issue 24). Sweeps, tasks and runs with
  replicas end their process.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import sys
import threading
import time
import types
from dataclasses import dataclass, field

from core.errors import InputError
from core.run.executors import run_sweep, run_sweep_ray
from core.run.recording import run_and_record
from core.run.store import RunStore
from core.train.engine import Prepared, TrainConfig, can_warm_up


# -- worker processes -------------------------------------------------------------------------
def _next_job(conn):
    """Wait for the job, priming on the way (engine.warm_up): of several primes waiting, only
    the newest runs, and none once a job has arrived. None: the pool has no job for this worker."""
    from core.train.engine import warm_up

    while True:
        message = conn.recv()
        while message is not None and message[0] == "prime" and conn.poll():
            message = conn.recv()  # a newer prime, or the job, supersedes this one
        if message is None or message[0] != "prime":
            return message
        _, config, key = message
        warm_up(TrainConfig.from_dict(config))
        conn.send(("primed", key))


def _worker_main(conn, stop_event, parent_pid: int) -> None:
    """Import TensorFlow while idle, then run one job and exit at once.

    When the job returns, everything is in the store and the parent has its answer: a normal
    interpreter exit would then tear TensorFlow down first, ~1.1 s of CPU on an idle 2-core
    machine, during which the process still counts as a busy slot and takes CPU from the page
    showing the outcome. `os._exit` skips that (Ray, when used, is shut down by its sweep).
    """
    _one_job(conn, stop_event, parent_pid)
    with contextlib.suppress(Exception):
        sys.stdout.flush()
        sys.stderr.flush()
        conn.close()
    os._exit(0)


# Training yields to the page: on a busy machine the server and the browser that show the run
# (and its Stop) get the CPU first. Idle cores are still all the worker's: niceness only
# orders processes that compete. With both cores busy beside the app, gaps in the live numbers
# reached 1.06 s at niceness 0 (issue 14, item 2).
WORKER_NICENESS = 5


def _one_job(conn, stop_event, parent_pid: int) -> None:
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)
    if os.environ.get("KERAS_BACKEND", "tensorflow") == "tensorflow":
        # Keras imports JAX whenever it is installed; a TensorFlow worker never needs it, and
        # it costs ~120 MB per process.
        sys.modules.setdefault("jax", None)
    from core.train.devices import describe_device, import_keras, list_devices

    import_keras()  # the warm-up: the slow import happens before a job arrives

    conn.send(("ready", {"devices": list_devices(), "trains_on": describe_device()}))
    for _ in range(MAX_JOBS_PER_WORKER):
        job = _next_job(conn)
        if job is None:
            return
        kept = _run_job(job, conn, stop_event, parent_pid)
        if kept is None or os.getppid() != parent_pid:
            return
        conn.send(("idle", kept))  # back to being a spare, this run's steps compiled


# Runs one worker process may train, one after another, before it makes way for a fresh one
# (Keras keeps a little state per model built, and no process should grow without bound).
MAX_JOBS_PER_WORKER = 16


def config_key(config: dict) -> str:
    """What identifies a run's config between the pool and its workers (priming, reuse)."""
    return repr(sorted(config.items()))


def _run_job(job, conn, stop_event, parent_pid: int) -> str | None:
    """Run JOB; the config key of a plain run that ended cleanly (the worker may take another
    job, its compiled steps kept), else None (the process ends)."""
    from core.train.engine import prepare

    def should_stop() -> bool:
        return stop_event.is_set() or os.getppid() != parent_pid

    if job[0] == "task":
        _, name, kwargs = job
        if name in PROGRESS_TASKS:  # a long task tells the page how far it is
            kwargs = {**kwargs, "progress": lambda p: conn.send(("progress", p))}
        try:
            conn.send(("done", TASKS[name](should_stop=should_stop, **kwargs)))
        except Exception as exc:  # ValueError: the user's input; anything else: a failure
            conn.send(
                (
                    "failed",
                    str(exc) if isinstance(exc, ValueError) else f"{type(exc).__name__}: {exc}",
                )
            )
        return None
    if job[0] == "sweep":
        _, configs, csv_bytes, db_path, sweep_id, executor = job
        _sweep_job(conn, configs, csv_bytes, db_path, sweep_id, should_stop, parent_pid, executor)
        return None
    _, config, csv_bytes, db_path, run_id = job
    store = RunStore(db_path)
    try:
        try:
            prepared = prepare(TrainConfig.from_dict(config), csv_bytes)
        except Exception as exc:
            store.update_run(run_id, status="failed", message=str(exc), pid=os.getpid())
            raise
        result = run_and_record(prepared, store, run_id, should_stop)
        if os.getppid() != parent_pid:  # the app that started us is gone: not a user's Stop
            _mark_orphaned(store, run_id)
        conn.send(("done", result.status))
    except Exception as exc:  # recorded as failed by run_and_record; tell the parent too
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return None
    finally:
        store.close()
    return config_key(config) if can_warm_up(prepared.config) else None


def _noise_scale_task(config: dict, micro: int, should_stop) -> dict:
    from dataclasses import asdict

    from core.study.science import measure_noise_scale

    result = measure_noise_scale(
        TrainConfig.from_dict(config), micro=micro, should_stop=should_stop, exact=True
    )
    return {**asdict(result), "epoch_range": result.epoch_range}


def _throughput_task(config: dict, batch_sizes: list[int], seconds: float, should_stop) -> dict:
    from core.study.science import throughput

    return {
        "rows": throughput(
            TrainConfig.from_dict(config), batch_sizes, seconds, should_stop=should_stop
        )
    }


def _advise_task(spec: dict, should_stop, progress, db_path: str | None = None) -> dict:
    """The Advise page's procedure; the user's InputError comes back whole, for its language."""
    from core.errors import InputError
    from core.run.advise import AdviseSpec, advise

    store = RunStore(db_path)
    try:
        advice = advise(AdviseSpec.from_dict(spec), store, should_stop, progress)
    except InputError as exc:
        return {"error": exc}
    finally:
        store.close()
    return {"advice": advice}


# Work other than a run that a page hands to a worker process: name → function(**kwargs).
TASKS = {
    "noise_scale": _noise_scale_task,
    "throughput": _throughput_task,
    "advise": _advise_task,
}
PROGRESS_TASKS = {"advise"}  # also given `progress(value)`: RunHandle.progress holds the last


def _mark_orphaned(store: RunStore, run_id: str) -> None:
    store.update_run(
        run_id,
        status="interrupted",
        message="the app that started this run stopped; steps so far are kept",
    )


def _sweep_job(
    conn, configs, csv_bytes, db_path, sweep_id, should_stop, parent_pid, executor="local"
) -> None:
    store = RunStore(db_path)
    configs = [TrainConfig.from_dict(c) for c in configs]
    try:
        if executor == "ray":
            run_ids = run_sweep_ray(configs, store, sweep_id, csv_bytes)
        else:
            run_ids = run_sweep(configs, store, sweep_id, csv_bytes, should_stop)
        if run_ids and os.getppid() != parent_pid:
            _mark_orphaned(store, run_ids[-1])
        conn.send(("done", "stopped" if should_stop() else "completed"))
    except Exception as exc:  # the failing run is recorded as failed by run_and_record
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
    finally:
        store.close()


@dataclass
class _Worker:
    process: mp.Process
    conn: object
    stop_event: object
    ready: dict | None = None  # the devices it reported once TensorFlow was imported
    prime_sent: str | None = None  # the config it was last asked to compile ahead
    primed: str | None = None  # the config it has compiled (primed, or its last run's)
    job: int = 0  # jobs handed to it so far; the current one's number
    idle: bool = True  # no job running: a spare, or back from a run
    compiled: set = field(default_factory=set)  # configs it has compiled (their keys)
    outcomes: dict = field(default_factory=dict)  # job number → ("done", …) | ("failed", …)
    progress: object = None  # the last progress a PROGRESS_TASKS task reported
    lock: threading.Lock = field(default_factory=threading.Lock)

    def drain(self) -> None:
        """Read what the worker has sent: readiness, priming, progress, outcomes, idleness.

        Every read of the pipe goes through here (the pool and a job's handle both read it).
        """
        with self.lock:
            try:
                while self.conn.poll():
                    kind, value = self.conn.recv()
                    if kind == "ready":
                        self.ready = value
                    elif kind in ("primed", "idle"):
                        self.primed = value
                        self.compiled.add(value)
                        self.idle = self.idle or kind == "idle"
                    elif kind == "progress":
                        self.progress = value
                    else:
                        self.outcomes[self.job] = (kind, value)
            except (EOFError, OSError):
                if not self.idle and self.job not in self.outcomes:
                    self.outcomes[self.job] = (
                        "failed",
                        "the worker process ended without a result",
                    )
                self.idle = True

    def retire(self) -> None:
        """Ask an idle worker to exit (it ends at once; a spare still importing, when done)."""
        with contextlib.suppress(OSError):
            self.conn.send(None)


class RunHandle:
    """A job in a worker process: its id, Stop, and whether it is still going."""

    def __init__(self, run_id: str, worker: _Worker) -> None:
        self.run_id = run_id
        self._worker = worker
        self._job = worker.job
        self.started = time.time()

    @property
    def progress(self):
        """The last progress a PROGRESS_TASKS task reported."""
        return self._worker.progress

    def stop(self) -> None:
        if self._worker.job == self._job:  # never the next job of a reused worker
            self._worker.stop_event.set()

    def stop_requested(self) -> bool:
        """Whether Stop was pressed for this run (in any session that holds it)."""
        return self._worker.stop_event.is_set()

    def alive(self) -> bool:
        """Whether this job is still going (its worker may live on, as the spare)."""
        self._worker.drain()
        worker = self._worker
        return worker.process.is_alive() and worker.job == self._job and not worker.idle

    @property
    def pid(self) -> int | None:
        return self._worker.process.pid

    def join(self, timeout: float | None = None) -> None:
        """Wait for this job to end (not for its process, which may take the next run)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.alive() and (deadline is None or time.monotonic() < deadline):
            if self._worker.process.is_alive():
                self._worker.process.join(0.05)

    def outcome(self) -> tuple[str, str] | None:
        """('done', status) or ('failed', message) once the worker has reported."""
        self._worker.drain()
        if not self._worker.process.is_alive() and self._job not in self._worker.outcomes:
            self._worker.drain()  # a last read: the process may have written before ending
            if self._job not in self._worker.outcomes and self._worker.job == self._job:
                return ("failed", "the worker process ended without a result")
        return self._worker.outcomes.pop(self._job, None)


# Priming loads the run's data in the spare too: worth it for the small sets users click through.
PRIME_MAX_BYTES = 64 * 2**20


class PoolBusy(InputError):
    """Every training slot of the server is taken (demo mode's global limit)."""


class WorkerPool:
    """Process per run, with one warm spare so a Start does not wait for TensorFlow.

    `max_concurrent` bounds the workers busy at once over every session of this server.
    """

    def __init__(self, max_concurrent: int | None = None, spare_while_busy: bool = True) -> None:
        self._ctx = mp.get_context("spawn")
        self._lock = threading.Lock()
        self._spare: _Worker | None = None
        self._busy: list[_Worker] = []
        self.max_concurrent = max_concurrent
        # A spare holds a whole TensorFlow in memory: small hosts keep one only while idle.
        self.spare_while_busy = spare_while_busy
        # What the last warm worker's backend saw: {"devices": [...], "trains_on": "..."}.
        self.devices: dict | None = None
        # The runs training now, by run id: a reloaded page or a second tab finds its run here.
        self._runs: dict[str, RunHandle] = {}
        self._wanted: str | None = None  # the config the page asked to prime last (its key)

    def busy(self) -> int:
        """Workers running a job now."""
        self._recycle()
        with self._lock:
            self._busy = [w for w in self._busy if w.process.is_alive()]
            return len(self._busy)

    def _recycle(self) -> None:
        """Workers back from a run become the spare (their compiled steps with them); one spare
        is kept, the one that has compiled what the page asked for last, the other retires."""
        for worker in list(self._busy):
            worker.drain()
        with self._lock:
            back = [w for w in self._busy if w.idle and w.process.is_alive()]
            for worker in back:
                self._busy.remove(worker)
                spare = self._spare
                if spare is None or not spare.process.is_alive():
                    self._spare = worker
                elif self._wanted in worker.compiled and self._wanted not in spare.compiled:
                    spare.retire()
                    self._spare = worker
                else:
                    worker.retire()

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        stop_event = self._ctx.Event()
        process = self._ctx.Process(
            target=_worker_main,
            args=(child, stop_event, os.getpid()),
            daemon=True,
            name="batchlab-worker",
        )
        # The child would re-import this process's __main__ (for the app: Streamlit itself,
        # ~150 MB); workers need nothing from it, so it sees an empty one while it starts.
        main = sys.modules["__main__"]
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            process.start()
        finally:
            sys.modules["__main__"] = main
        child.close()
        return _Worker(process, parent, stop_event)

    def warm(self) -> None:
        """Start the spare worker if there is none (returns at once)."""
        self._recycle()
        if not self.spare_while_busy and self.busy():
            return
        with self._lock:
            if self._spare is None or not self._spare.process.is_alive():
                self._spare = self._spawn()

    def is_warm(self) -> bool:
        self._recycle()
        with self._lock:
            spare = self._spare
        if spare is None:
            return False
        spare.drain()
        if spare.ready is not None:  # ("ready", devices): TensorFlow is imported
            self.devices = spare.ready
        return spare.ready is not None

    def prime(self, config: TrainConfig, data_bytes: int = 0) -> None:
        """Have the spare worker compile CONFIG's model now, so its Start skips the trace.

        Only for runs the spare can take as they are (the fused engine, one replica, data the
        worker can load by name, not an upload) and data small enough (`data_bytes`, the
        arrays' size) that a second copy in the spare costs little.
        """
        if not can_warm_up(config) or config.dataset == "csv" or data_bytes > PRIME_MAX_BYTES:
            return
        key = config_key(config.to_dict())
        self._recycle()
        with self._lock:
            self._wanted = key
            spare = self._spare
            if spare is None or not spare.process.is_alive():
                return
            if spare.prime_sent == key or key in spare.compiled:
                return
            spare.prime_sent = key
            spare.conn.send(("prime", config.to_dict(), key))

    def primed(self) -> str | None:
        """The key of the config the spare has compiled, once it has."""
        self.is_warm()
        with self._lock:
            return self._spare.primed if self._spare is not None else None

    def readiness(self, config: TrainConfig) -> str:
        """What Start on CONFIG waits for now: "compiled" (the spare has compiled it: the first
        step follows within a second), "compiling" (the spare is compiling it), "loading"
        (the spare is still importing the backend), or "cold" (Start compiles it)."""
        warm = self.is_warm()
        with self._lock:
            spare = self._spare
        if spare is None or not spare.process.is_alive():
            return "cold"
        if not warm:
            return "loading"
        key = config_key(config.to_dict())
        if key in spare.compiled:
            return "compiled"
        return "compiling" if spare.prime_sent == key else "cold"

    def has_slot(self) -> bool:
        """Whether a job may start now (always, unless demo mode's global limit is reached)."""
        return self.max_concurrent is None or self.busy() < self.max_concurrent

    def check_slot(self) -> None:
        """Raise PoolBusy when no more work may start now (demo mode's global limit)."""
        if not self.has_slot():
            raise PoolBusy(
                "all {slots} training slots of this shared demo are busy: press Start again in "
                "a minute, when a run has finished.",
                slots=self.max_concurrent,
            )

    def _take(self, untouched: bool = False) -> _Worker:
        """The spare (or a new worker). `untouched`: one whose backend has created no devices
        yet (replicas configure them), so not a spare that has trained a priming step."""
        self.check_slot()
        self._recycle()
        with self._lock:
            worker = self._spare if self._spare and self._spare.process.is_alive() else None
            if untouched and worker is not None and (worker.prime_sent or worker.job):
                worker = None  # keep it as the spare for the next plain run
            else:
                self._spare = None
        worker = worker or self._spawn()
        with self._lock:
            self._busy.append(worker)
        worker.drain()  # what it said as a spare, before this job's messages
        with worker.lock:
            worker.stop_event.clear()  # a Stop meant for its last run
            worker.job += 1
            worker.idle = False
        return worker

    def submit(
        self, prepared: Prepared, db_path: str, run_id: str, csv_bytes: bytes | None = None
    ) -> RunHandle:
        worker = self._take(untouched=prepared.config.replicas > 1)
        worker.conn.send(("run", prepared.config.to_dict(), csv_bytes, str(db_path), run_id))
        handle = RunHandle(run_id, worker)
        with self._lock:
            self._runs = {key: h for key, h in self._runs.items() if h.alive()}
            self._runs[run_id] = handle
        return handle

    def running(self, run_id: str) -> RunHandle | None:
        """The handle of RUN_ID while its worker lives (any session may hold it: a reload or a
        second tab re-attaches to the run and its Stop), else None."""
        with self._lock:
            handle = self._runs.get(run_id)
        return handle if handle is not None and handle.alive() else None

    def submit_sweep(
        self,
        configs: list[TrainConfig],
        db_path: str,
        sweep_id: str,
        csv_bytes: bytes | None = None,
        executor: str = "local",
    ) -> RunHandle:
        """A sweep's runs in one worker process: one after another, or as Ray tasks."""
        worker = self._take()
        worker.conn.send(
            ("sweep", [c.to_dict() for c in configs], csv_bytes, str(db_path), sweep_id, executor)
        )
        return RunHandle(sweep_id, worker)

    def submit_task(self, name: str, **kwargs) -> RunHandle:
        """A `TASKS` entry in a worker process; `outcome()` gives ('done', its result)."""
        if name not in TASKS:
            raise ValueError(f"unknown task {name!r}")
        worker = self._take()
        worker.conn.send(("task", name, kwargs))
        return RunHandle(name, worker)

    def shutdown(self) -> None:
        self._recycle()
        with self._lock:
            if self._spare is not None:
                with contextlib.suppress(OSError):
                    self._spare.conn.send(None)
                self._spare.process.join(30)  # it may still be importing TensorFlow
                if self._spare.process.is_alive():
                    self._spare.process.terminate()
                    self._spare.process.join(5)
                self._spare = None


_SHARED: WorkerPool | None = None
_SHARED_LOCK = threading.Lock()


def shared_pool() -> WorkerPool:
    """The server's one pool (every page and session), with demo mode's global limit."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            from core import demo

            limits = demo.limits()
            _SHARED = (
                WorkerPool(limits.max_concurrent, spare_while_busy=False)
                if limits
                else WorkerPool()
            )
        return _SHARED
