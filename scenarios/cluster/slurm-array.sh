#!/bin/bash
# Runs the shards of one stratosim run as a Slurm job array, then merges them.
#
#   mkdir -p shards && sbatch --array=1-64 scenarios/cluster/slurm-array.sh sweep.toml
#
# Each array task runs shard $SLURM_ARRAY_TASK_ID of $SLURM_ARRAY_TASK_COUNT
# into shards/<task>/ on the shared file system, using the cores Slurm gave
# it. The last command submits the merge as a job that starts once every
# task of the array has succeeded (afterok), so it runs once. Results do not
# depend on how many tasks there are or on --jobs: the merged folder is the
# one a single `stratosim run sweep.toml` would have written.
#
#SBATCH --job-name=stratosim-shard
#SBATCH --cpus-per-task=8
#SBATCH --mem=4G
#SBATCH --time=02:00:00
#SBATCH --output=shards/slurm-%A_%a.out
set -euo pipefail

SCENARIO=${1:?usage: sbatch --array=1-N slurm-array.sh SCENARIO.toml}
NAME=$(basename "$SCENARIO" .toml)
SHARDS=${SLURM_ARRAY_TASK_COUNT:?submit with --array=1-N}
K=$SLURM_ARRAY_TASK_ID

mkdir -p "shards/$NAME"
stratosim run "$SCENARIO" --shard "$K/$SHARDS" --jobs "$SLURM_CPUS_PER_TASK" \
    --out "shards/$NAME/$K" --quiet

# The first task submits the merge, held until the whole array succeeded.
if [ "$K" -eq "${SLURM_ARRAY_TASK_MIN:-1}" ]; then
    sbatch --dependency="afterok:$SLURM_ARRAY_JOB_ID" --job-name=stratosim-merge \
        --output="shards/$NAME/merge.out" \
        --wrap="stratosim merge shards/$NAME/*/ --out results/$NAME"
fi
