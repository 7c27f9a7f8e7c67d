"""What trains: importing Keras quietly, the devices it sees, data-parallel replicas.

Kept apart from the training loop so pages can list devices, and workers can import Keras
ahead of a job, without loading the engine.
"""

from __future__ import annotations

import contextlib
import os
import platform
import sys

from core.errors import InputError


@contextlib.contextmanager
def _quiet_stderr():
    """Send file descriptor 2 to /dev/null: TensorFlow's C++ start-up logs ignore every env var."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def import_keras():
    """Import Keras and its backend once, without the CUDA/CPU-flag chatter on stderr."""
    if "keras" not in sys.modules:
        # Leave a core to whatever polls the run (the app): on 2 cores one TensorFlow thread per
        # pool trains these small models 1.5-2.5x faster and makes live polling nearly free
        # (bench/README.md). Set the variables yourself for big models on many cores.
        os.environ.setdefault("TF_NUM_INTRAOP_THREADS", str(max(1, (os.cpu_count() or 2) - 1)))
        os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
        with _quiet_stderr():
            import keras

            if keras.backend.backend() == "tensorflow":
                import tensorflow as tf

                tf.config.list_physical_devices()  # the cuInit probe logs here
    return sys.modules["keras"]


def configure_replicas(replicas: int) -> None:
    """Split the CPU into `replicas` logical devices, unless there are enough GPUs.

    Must run before the backend creates its devices (that is why a run with replicas gets a
    fresh worker process): TensorFlow's logical CPU devices, or JAX's
    `--xla_force_host_platform_device_count` (read when JAX first initialises).
    """
    if os.environ.get("KERAS_BACKEND", "tensorflow") == "jax":
        flag = f"--xla_force_host_platform_device_count={replicas}"
        if "xla_force_host_platform_device_count" not in os.environ.get("XLA_FLAGS", ""):
            os.environ["XLA_FLAGS"] = f"{os.environ.get('XLA_FLAGS', '')} {flag}".strip()
        import_keras()
        return
    import_keras()
    import tensorflow as tf

    if len(tf.config.list_physical_devices("GPU")) >= replicas:
        return
    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(replicas)]
        )
    except RuntimeError:
        if len(tf.config.list_logical_devices("CPU")) < replicas:
            raise InputError(
                "TensorFlow already started with fewer than {replicas} CPU devices: run replicas "
                "in a fresh process (the CLI and the Train page do).",
                replicas=replicas,
            ) from None


def replica_strategy(replicas: int) -> tuple[object, str]:
    """(what to build the model under, its description) for data-parallel replicas.

    TensorFlow: a MirroredStrategy over `replicas` GPUs, or logical CPUs when there are not
    enough. JAX: Keras's `DataParallel` distribution over as many devices, set for the process
    (its trainer looks the distribution up at fit time; a run with replicas has its own process).
    """
    configure_replicas(replicas)
    keras = import_keras()
    if keras.backend.backend() == "jax":
        import jax

        gpus = [d for d in jax.devices() if d.platform != "cpu"]
        devices = gpus if len(gpus) >= replicas else jax.devices("cpu")
        _check_devices(len(devices), replicas)
        chosen = devices[:replicas]
        distribution = keras.distribution.DataParallel(devices=chosen)
        keras.distribution.set_distribution(distribution)
        names = ", ".join(f"{d.platform.upper()}:{d.id}" for d in chosen)
        return distribution, f"{replicas} replicas (DataParallel, jax) on {names}"
    import tensorflow as tf

    gpus = tf.config.list_logical_devices("GPU")
    devices = gpus if len(gpus) >= replicas else tf.config.list_logical_devices("CPU")
    _check_devices(len(devices), replicas)
    names = [d.name for d in devices[:replicas]]
    ops = None if gpus else tf.distribute.ReductionToOneDevice()
    strategy = tf.distribute.MirroredStrategy(names, cross_device_ops=ops)
    short = ", ".join(d.split("device:")[-1] for d in strategy.extended.worker_devices)
    return strategy, f"{replicas} replicas (MirroredStrategy) on {short}"


def _check_devices(count: int, replicas: int) -> None:
    if count < replicas:
        raise InputError(
            "only {count} devices for {replicas} replicas: start a fresh process (the CLI does), "
            "or lower the replicas.",
            count=count,
            replicas=replicas,
        )


def list_devices() -> list[dict]:
    """Every device the Keras backend sees, CPU first: what the Train page lists before a run.

    Each is {"kind": "CPU" | "GPU" | ..., "name": ..., "cores": (CPU only)}; pages word them.
    """
    keras = import_keras()
    cpu = {
        "kind": "CPU",
        "name": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
    }
    if keras.backend.backend() == "jax":
        import jax

        others = [
            {"kind": d.platform.upper(), "name": str(getattr(d, "device_kind", d))}
            for d in jax.devices()
            if d.platform != "cpu"
        ]
        return [cpu, *others]
    import tensorflow as tf

    gpus = [
        {
            "kind": "GPU",
            "name": tf.config.experimental.get_device_details(g).get("device_name", g.name),
        }
        for g in tf.config.list_physical_devices("GPU")
    ]
    return [cpu, *gpus]


def describe_device() -> str:
    """What trains: the first GPU Keras's backend sees, else the CPU."""
    keras = import_keras()

    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        dev = jax.devices()[0]
        return f"{dev.platform.upper()}: {getattr(dev, 'device_kind', dev)} (jax)"
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        names = []
        for g in gpus:
            details = tf.config.experimental.get_device_details(g)
            names.append(details.get("device_name", g.name))
        return f"GPU: {', '.join(names)} (tensorflow)"
    return f"CPU: {platform.processor() or platform.machine()}, {os.cpu_count()} cores (tensorflow)"


# -- peak memory: what a run held at most, the reason people accumulate gradients.
def reset_peak_memory() -> None:
    """Start a run's peak-memory count afresh (a worker trains many runs in one process).

    Linux resets the process's peak RSS (VmHWM) when "5" is written to /proc/self/clear_refs
    (proc(5)); a GPU's peak counter is reset through the backend. Either may be unavailable:
    then the peak is the process's since it started.
    """
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    for device in _accelerators():
        with contextlib.suppress(Exception):
            _reset_device_peak(device)


def peak_memory() -> tuple[int, str]:
    """(peak bytes, what was measured): the accelerators' peak when the backend reports one
    (summed over devices), else the training process's peak RSS."""
    device_peak = 0
    for device in _accelerators():
        with contextlib.suppress(Exception):
            device_peak += _device_peak(device)
    if device_peak:
        return device_peak, "device"
    return _peak_rss(), "rss"


def _peak_rss() -> int:
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024  # kB
    import resource

    # Linux reports ru_maxrss in kilobytes (macOS in bytes)
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def _accelerators() -> list:
    """The backend's GPU devices, if the backend is loaded (never imports it)."""
    keras = sys.modules.get("keras")
    if keras is None:
        return []
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        return [f"GPU:{i}" for i, _ in enumerate(tf.config.list_logical_devices("GPU"))]
    if backend == "jax":
        import jax

        return [d for d in jax.devices() if d.platform != "cpu"]
    return []


def _device_peak(device) -> int:
    if isinstance(device, str):  # TensorFlow
        import tensorflow as tf

        return int(tf.config.experimental.get_memory_info(device)["peak"])
    stats = device.memory_stats() or {}
    return int(stats.get("peak_bytes_in_use", 0))


def _reset_device_peak(device) -> None:
    if isinstance(device, str):  # TensorFlow; JAX has no reset: its peak is the process's
        import tensorflow as tf

        tf.config.experimental.reset_memory_stats(device)
