#!/bin/bash
# A Slurm array task: shard $SLURM_ARRAY_TASK_ID of $N of the paths in $LIST.
# Submit:  sbatch --array=0-$((N-1)) --export=ALL,CNBUDGET=/path/cnbudget,LIST=paths.txt,OUT=/scratch/run,N=$N docs/slurm-job.sh
# Resubmitting resumes every shard; merge with: cat $OUT/shard-*/records.jsonl > all.jsonl
#SBATCH --job-name=cnbudget
#SBATCH --cpus-per-task=1
set -u
"$CNBUDGET" extract --quiet -j "${SLURM_CPUS_PER_TASK:-1}" --files-from "$LIST" \
  --shard "$SLURM_ARRAY_TASK_ID/$N" --out "$OUT/shard-$SLURM_ARRAY_TASK_ID" --resume
status=$?
# Status 1 means some inputs failed; they are recorded, the task did its work.
[ $status -le 1 ]
