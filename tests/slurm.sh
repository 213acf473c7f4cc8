#!/usr/bin/env bash
# A one-node Slurm cluster on this machine runs the corpus as a job array of
# shards; the merged shards must equal a single-process run, record for
# record.  The job script is docs/slurm-job.sh, the recipe for a real cluster.
# Needs root and Debian's slurm-wlm + munge (.ci/run installs them); exits 77
# (skipped) without them.
set -euo pipefail
bin=$(readlink -f "$1"); root=$(readlink -f "$2")
for c in sbatch slurmctld slurmd munged; do
  command -v $c >/dev/null || { echo "slurm: $c not installed; skipped"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "slurm: needs root to start the daemons; skipped"; exit 77; }
t=$(mktemp -d /tmp/cnbudget-slurm.XXXXXX); chmod 755 "$t"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 1; rm -rf "$t"; }
trap cleanup EXIT
host=$(hostname -s)
mkdir -p "$t/munge" "$t/spool" "$t/state" "$t/log"
# munge: a key and a daemon of our own, on a socket of our own.
dd if=/dev/urandom of="$t/munge/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$t/munge/munge.key"
munged --force -S "$t/munge/socket" --key-file "$t/munge/munge.key" --pid-file "$t/munge/pid" \
  --log-file "$t/munge/log" --seed-file "$t/munge/seed"
pids+=("$(cat "$t/munge/pid")")
cores=$(nproc)
cat > "$t/slurm.conf" <<CONF
ClusterName=cnbudget-test
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$t/munge/socket
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmctldPort=16817
SlurmdPort=16818
SlurmctldPidFile=$t/slurmctld.pid
SlurmdPidFile=$t/slurmd.pid
SlurmdSpoolDir=$t/spool
StateSaveLocation=$t/state
SlurmctldLogFile=$t/log/slurmctld.log
SlurmdLogFile=$t/log/slurmd.log
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$host CPUs=$cores State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$t/slurm.conf
slurmctld -f "$SLURM_CONF" -i
slurmd -f "$SLURM_CONF"
sleep 1
[ -f "$t/slurmctld.pid" ] && pids+=("$(cat "$t/slurmctld.pid")")
[ -f "$t/slurmd.pid" ] && pids+=("$(cat "$t/slurmd.pid")")
for _ in $(seq 1 60); do
  sinfo -h -o %T 2>/dev/null | grep -qE "idle|mixed" && break
  sleep 0.5
done
sinfo -h -o %T | grep -qE "idle|mixed" || { echo "FAIL: the node did not come up"; tail -20 "$t"/log/*.log; exit 1; }

# The inputs: the shared corpus, as a list of paths every task reads.
find "$root/corpus" -name '*.pdf' -o -name '*.txt' | sort > "$t/list"
N=3
sbatch --wait --array=0-$((N - 1)) --output="$t/log/task-%a.out" \
  --export=ALL,CNBUDGET="$bin",LIST="$t/list",OUT="$t/out",N=$N "$root/docs/slurm-job.sh" > "$t/log/sbatch.out" 2>&1 || {
  echo "FAIL: the job array failed"; cat "$t/log/sbatch.out"; tail -n 5 "$t"/log/task-*.out 2>/dev/null
  tail -n 15 "$t/log/slurmctld.log" "$t/log/slurmd.log"; exit 1; }
cat "$t"/out/shard-*/records.jsonl > "$t/merged.jsonl"
"$bin" extract --quiet -j1 --files-from "$t/list" -o "$t/single.jsonl" || [ $? -eq 1 ]
if ! diff <(sort "$t/single.jsonl") <(sort "$t/merged.jsonl") > "$t/diff"; then
  echo "FAIL: merged shards differ from the single-process run"; head -5 "$t/diff"; exit 1
fi
echo "slurm: $(wc -l < "$t/merged.jsonl") records from $N array tasks equal the single-process run"
echo "slurm: 1 passed, 0 failed"
