#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The scaling figure of docs/distributed.md: `taptr track --queue` of CLIPS clips of FRAMES frames of
# the bundled reference video with 1, 2, ... workers (--threads 1 each, one per CPU with taskset),
# on a private redis-server; prints, per run, the time from the first job's start to the last job's
# end (one model load per worker included); then the same two-at-once test without a queue (two local
# `taptr track` processes) as a control of what the machine gives, and the queue's own cost per job
# (40 trivial jobs). Run from the repository root after `npm ci`:
#   docs/distributed/measure-scaling.sh            # WORKERS="1 2" REPS=3 CLIPS=6 FRAMES=46
set -euo pipefail
WORKERS=${WORKERS:-"1 2"} REPS=${REPS:-3} CLIPS=${CLIPS:-6} FRAMES=${FRAMES:-46}
root=$(pwd)
tmp=$(mktemp -d)
taptr=(node --conditions @taptr/source --import tsx "$root/packages/cli/test/support/taptr-from-source.ts")
ref="$root/packages/cli/assets/reference"
port=$(( 20000 + RANDOM % 20000 ))
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$tmp" > "$tmp/redis.log" 2>&1 &
redis=$!
trap 'kill $redis 2>/dev/null; rm -rf "$tmp"' EXIT
until redis-cli -p "$port" ping > /dev/null 2>&1; do sleep 0.1; done
url="redis://127.0.0.1:$port/0"

# CLIPS different clips of FRAMES frames (different start frames) as .npy videos.
cat > "$tmp/clips.mts" <<EOF
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readNpy, tensor, writeNpy } from '$root/packages/tensor/src/index.ts';
const video = readNpy(new Uint8Array(readFileSync('$ref/video.npy')));
const [T, H, W] = video.dims as [number, number, number, number];
mkdirSync('$tmp/clips');
for (let i = 0; i < $CLIPS; i++) {
  const start = (i * 3) % (T - $FRAMES);
  const data = (video.data as Uint8Array).slice(start * H * W * 3, (start + $FRAMES) * H * W * 3);
  writeFileSync('$tmp/clips/clip' + i + '.npy', writeNpy(tensor('uint8', [$FRAMES, H, W, 3], data)));
}
EOF
(cd "$root/packages/cli" && node --conditions @taptr/source --import tsx "$tmp/clips.mts")

makespan() { # first "start" to last "done" over the worker logs given
  awk '/ (start|done) / { cmd = "date -d " $1 " +%s.%N"; cmd | getline t; close(cmd); if ($2 == "start" && (s == "" || t < s)) s = t; if ($2 == "done" && t > e) e = t; n += ($2 == "done") }
       END { printf "%.2f s for %d jobs", e - s, n }' "$@"
}

cpus=$(nproc)
for rep in $(seq 1 "$REPS"); do
  for w in $WORKERS; do
    redis-cli -p "$port" flushall > /dev/null
    pids=()
    for i in $(seq 1 "$w"); do
      taskset -c $(( (i - 1) % cpus )) "${taptr[@]}" worker --queue "$url" --threads 1 --allow-root "$root" --allow-root "$tmp" --name "w$i" > "$tmp/w$i.log" 2>&1 &
      pids+=($!)
    done
    for i in $(seq 1 "$w"); do until grep -q ' ready on ' "$tmp/w$i.log"; do sleep 0.2; done; done
    "${taptr[@]}" track "$tmp/clips" --model "$ref/checkpoint.pth" --config "$ref/config.json" --grid 4 \
      --queue "$url" --out-dir "$tmp/out-$w-$rep" --json > /dev/null 2> "$tmp/submit.log"
    kill -TERM "${pids[@]}"; wait "${pids[@]}" 2> /dev/null || true
    echo "run $rep, $w worker(s): $(makespan "$tmp"/w*.log) (load average $(cut -d' ' -f1 /proc/loadavg))"
    rm -f "$tmp"/w*.log
  done
done

# Control without any queue: one local `taptr track` of a clip alone, then two at once (one per CPU).
track() { taskset -c "$1" "${taptr[@]}" track "$tmp/clips/clip$2.npy" --model "$ref/checkpoint.pth" --config "$ref/config.json" --grid 4 --threads 1 --out "$tmp/local$2.json" --json | sed -E 's/.*"trackMs":([0-9]+).*/\1/'; }
for rep in $(seq 1 "$REPS"); do
  alone=$(track 0 0)
  track 0 0 > "$tmp/a.ms" & a=$!
  track $(( 1 % cpus )) 1 > "$tmp/b.ms" & b=$!
  wait $a $b
  echo "control $rep, no queue: one process alone ${alone} ms, two at once $(cat "$tmp/a.ms") and $(cat "$tmp/b.ms") ms (load average $(cut -d' ' -f1 /proc/loadavg))"
done

# The queue's own cost per job: 40 trivial jobs (zero-motion baseline on the clips), one worker.
redis-cli -p "$port" flushall > /dev/null
mkdir "$tmp/trivial"
for i in $(seq 0 39); do cp "$tmp/clips/clip$(( i % CLIPS )).npy" "$tmp/trivial/t$i.npy"; done
"${taptr[@]}" worker --queue "$url" --allow-root "$tmp" --name trivial > "$tmp/w1.log" 2>&1 &
w=$!
until grep -q ' ready on ' "$tmp/w1.log"; do sleep 0.2; done
"${taptr[@]}" track "$tmp/trivial" --baseline stationary --grid 2 --queue "$url" --out-dir "$tmp/trivial-out" --json > /dev/null 2> "$tmp/submit.log"
kill -TERM $w; wait $w 2> /dev/null || true
echo "queue overhead: $(makespan "$tmp/w1.log") (zero-motion baseline, one worker)"
