#!/bin/bash
# slurm_e2e.sh tests `bcp-native sweep --slurm` on a real Slurm cluster.
#
# As root it installs Debian's slurm-wlm and munge when they are missing,
# starts a private munged and a one-node cluster on localhost (slurmctld and
# slurmd, everything under a temporary folder, on ports 16817/16818), submits
# a sweep of four tiny fear-conditioning runs as a job array, waits for it,
# checks the table of `bcp-native collect` and stops the daemons again, also
# when the test fails. Without root, or when Slurm daemons already run on this
# machine, it does nothing and says why.
#
# Usage: native/testdata/slurm_e2e.sh   (from anywhere; GO selects the go command)
set -euo pipefail

say() { echo "slurm_e2e: $*"; }

if [ "$(id -u)" != 0 ]; then
	say "skipped: installing and starting Slurm needs root"
	exit 0
fi
if pgrep -x slurmctld >/dev/null || pgrep -x slurmd >/dev/null; then
	say "skipped: Slurm daemons already run on this machine, and this test leaves them alone"
	exit 0
fi

repo=$(cd "$(dirname "$0")/../.." && pwd)
timeout_s=${BCP_SLURM_TIMEOUT:-300}

# Install what is missing; refresh the package lists only when that fails.
need=""
for p in slurm-wlm munge; do
	dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
done
if [ -n "$need" ]; then
	say "installing$need"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -qq $need >/dev/null 2>&1 ||
		{ apt-get update -qq && apt-get install -y -qq $need >/dev/null; }
fi

tmp=$(mktemp -d /tmp/bcp-slurm-e2e.XXXXXX)
chmod 755 "$tmp"
pids=()
ok=0
cleanup() {
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	# Job steps that were finishing end on their own; only ours can exist.
	for _ in $(seq 50); do
		pgrep -x slurmstepd >/dev/null || break
		sleep 0.2
	done
	if [ "$ok" = 1 ]; then
		rm -rf "$tmp"
	else
		say "FAILED; the daemons' logs and the sweep are in $tmp"
		for f in "$tmp"/slurmctld.log "$tmp"/slurmd.log "$tmp"/munged.log "$tmp"/sweep/logs/*; do
			[ -f "$f" ] && { echo "--- $f"; tail -n 20 "$f"; }
		done
	fi
}
trap cleanup EXIT

# A private munge daemon with its own key and socket.
mkdir -p "$tmp/munge"
chmod 755 "$tmp/munge"
dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$tmp/munge/munge.key"
socket="$tmp/munge/munge.socket"
munged --foreground --force --key-file="$tmp/munge/munge.key" --socket="$socket" \
	--pid-file="$tmp/munge/munged.pid" --seed-file="$tmp/munge/munged.seed" \
	--log-file="$tmp/munged.log" 2>>"$tmp/munged.log" &
pids+=($!)
for _ in $(seq 50); do
	[ -S "$socket" ] && break
	sleep 0.1
done
munge --socket="$socket" -n | unmunge --socket="$socket" >/dev/null || { say "munged does not answer"; exit 1; }

# A one-node cluster: the node is this machine as slurmd -C describes it.
host=$(hostname -s)
node=$(slurmd -C | head -n 1)
mkdir -p "$tmp/state" "$tmp/spool"
export SLURM_CONF="$tmp/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=bcpe2e
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -D -i >>"$tmp/slurmctld.log" 2>&1 &
pids+=($!)
slurmd -D -N "$host" >>"$tmp/slurmd.log" 2>&1 &
pids+=($!)
state=""
for _ in $(seq 60); do
	state=$(sinfo -h -N -o %t 2>/dev/null || true)
	[ "$state" = idle ] && break
	sleep 1
done
[ "$state" = idle ] || { say "the node did not become idle (state: ${state:-none})"; exit 1; }
say "cluster up: node $host idle"

# The sweep: 2 overlaps × 2 seeds of a 2-pairing fear-conditioning run.
${GO:-go} build -C "$repo" -o "$tmp/bcp-native" ./native
cd "$tmp"
./bcp-native sweep --slurm --grid overlap=0,10 --seeds 1-2 --partition debug --time 5 \
	--cpus-per-task 1 --out "$tmp/sweep" -- --task fearcond --trials 2
job=$(sbatch --parsable "$tmp/sweep/sweep.sbatch")
say "submitted job array $job"

deadline=$((SECONDS + timeout_s))
while [ -n "$(squeue -h -j "$job" -o %i 2>/dev/null)" ]; do
	if [ "$SECONDS" -ge "$deadline" ]; then
		say "the job array did not finish within $timeout_s s"
		scancel "$job" || true
		exit 1
	fi
	sleep 1
done
states=$(scontrol -o show job "$job" | grep -o 'JobState=[A-Z_]*' | sort | uniq -c)
if [ "$(scontrol -o show job "$job" | grep -c 'JobState=COMPLETED')" != 4 ]; then
	say "not all four array tasks completed: $states"
	exit 1
fi
outs=$(ls "$tmp"/sweep/logs/slurm-"${job}"_*.out | wc -l)
[ "$outs" = 4 ] || { say "want 4 Slurm output files, found $outs"; exit 1; }

# The table: a header and four rows whose overlap, seed and final freezing
# are numbers; the summary: two configurations of two runs each.
./bcp-native collect --summary "$tmp/summary.csv" "$tmp/sweep" >"$tmp/table.csv"
cat "$tmp/table.csv"
awk -F, '
	NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i
	          if (!("overlap" in col) || !("seed" in col) || !("freezing_cs_plus" in col)) { print "missing columns: " $0; exit 1 }
	          next }
	{ rows++
	  for (k in col) if (k != "run" && $col[k] !~ /^-?[0-9.]+(e[-+]?[0-9]+)?$/) { print "row " NR ": " k " = " $col[k] " is not a number"; exit 1 }
	  if ($col["freezing_cs_plus"] <= 0 || $col["freezing_cs_plus"] >= 1) { print "row " NR ": freezing out of (0, 1)"; exit 1 } }
	END { if (rows != 4) { print "want 4 rows, found " rows + 0; exit 1 } }' "$tmp/table.csv"
awk -F, 'NR > 1 && $2 != 2 { print "summary row " NR ": " $2 " runs, want 2"; exit 1 }
	END { if (NR != 3) { print "summary: want 2 configurations, found " NR - 1; exit 1 } }' "$tmp/summary.csv"

ok=1
say "ok: 4 array tasks completed and collect found 4 runs in 2 configurations"
