#!/usr/bin/env bash
# The GPU checks of issue 24, as one script: run from the repository root on a CUDA machine with
# JAX (no TensorFlow needed). Writes every output to $OUT (default ./gpu_out).
#
#   WHL=.whl OUT=/tmp/out bash bench/gpu_check.sh [quick]
#
# WHL: a folder of wheels to install first (keras, namex, optree where the machine lacks them).
# 1. the device JAX picks; 2. `python -m core throughput` (share of the measured peak) for the
# MLP at B = 1..4096 and the digits CNN at B = 1..1024; 3. `python -m bench.engine --quick`;
# 4. start -> first step (cold, warm, primed) through the app's worker pool.
# With `quick` (a CPU rehearsal): fewer sizes, shorter timings, one rep.
set -u
export KERAS_BACKEND=jax PYTHONUNBUFFERED=1
OUT=${OUT:-gpu_out}
mkdir -p "$OUT"
if [ -n "${WHL:-}" ] && ls "$WHL"/*.whl >/dev/null 2>&1; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target /tmp/site "$WHL"/*.whl && export PYTHONPATH=/tmp/site:${PYTHONPATH:-}
fi
export PYTHONPATH=$PWD:${PYTHONPATH:-}
if [ "${1:-}" = quick ]; then
  MLP_SIZES=1,64,4096; CNN_SIZES=1,64,1024; SECONDS_EACH=0.2; FIRST_REPS=1; ENGINE=""
else
  MLP_SIZES=1,2,4,8,16,32,64,128,256,512,1024,2048,4096
  CNN_SIZES=1,2,4,8,16,32,64,128,256,512,1024
  SECONDS_EACH=0.5; FIRST_REPS=1; ENGINE=1
fi
{
  date -u; nvidia-smi -L 2>/dev/null; uptime
  python3 -c "import jax, keras; print('jax', jax.__version__, jax.devices(), 'keras', keras.__version__)"
} 2>&1 | tee "$OUT/device.txt"
python3 -m core throughput --dataset synthetic --n 8192 --batch-sizes $MLP_SIZES \
  --seconds $SECONDS_EACH --json > "$OUT/throughput_mlp.json" 2> "$OUT/throughput_mlp.err"
echo "mlp throughput rc=$?"
python3 -m core throughput --dataset digits --model cnn --batch-sizes $CNN_SIZES \
  --seconds $SECONDS_EACH --json > "$OUT/throughput_cnn.json" 2> "$OUT/throughput_cnn.err"
echo "cnn throughput rc=$?"
python3 -m bench.roofline_table "$OUT"/throughput_mlp.json "$OUT"/throughput_cnn.json \
  | tee "$OUT/roofline.txt"
python3 -m bench.first_step --repeats $FIRST_REPS --burners 0 2>&1 | tee "$OUT/first_step.txt"
if [ -n "$ENGINE" ]; then
  timeout 130 python3 -m bench.engine --quick --json "$OUT/engine.json" > "$OUT/engine.txt" 2>&1
  echo "bench.engine rc=$?"; tail -40 "$OUT/engine.txt"
fi
