#!/usr/bin/env bash
# Brings up a single-node Slurm on this machine for the cluster tests (tests/cluster/): Debian's
# slurm-wlm and munge, installed with apt-get when missing (needs root), a munge key, a slurm.conf
# for localhost without cgroups or systemd, then munged, slurmctld and slurmd. Idempotent: when the
# node already answers, it only prints the configuration's path. Prints `SLURM_CONF=<path>` last;
# ../shared/SLURM.md-style notes are in the README ("A real cluster, tested").
#   scripts/slurm-up.sh            # start (or find) it
#   scripts/slurm-up.sh --down     # stop what this script started
set -euo pipefail

STATE="${DIGIT_SLURM_DIR:-/var/tmp/digit-slurm}"
CONF="$STATE/slurm.conf"
say() { echo "slurm-up: $*" >&2; }

if [[ "${1:-}" == "--down" ]]; then
  for pid in "$STATE/slurmd.pid" "$STATE/slurmctld.pid"; do
    [[ -f "$pid" ]] && kill "$(cat "$pid")" 2>/dev/null || true
  done
  say "stopped"
  exit 0
fi

if [[ -f "$CONF" ]] && SLURM_CONF="$CONF" timeout 10 sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
  say "already up"
  echo "SLURM_CONF=$CONF"
  exit 0
fi

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  if [[ $(id -u) -ne 0 ]]; then say "slurm-wlm and munge are not installed and this is not root"; exit 1; fi
  say "installing Debian's slurm-wlm and munge"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi
if [[ $(id -u) -ne 0 ]]; then say "must run as root (slurmd runs jobs as their users)"; exit 1; fi

mkdir -p "$STATE/spool" "$STATE/state" /etc/munge /var/log/munge /run/munge /var/lib/munge
if [[ ! -s /etc/munge/munge.key ]]; then
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chown -R munge:munge /etc/munge /var/log/munge /run/munge /var/lib/munge
chmod 0400 /etc/munge/munge.key
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  munged --force 2>/dev/null || munged --force
  for _ in $(seq 1 20); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.25; done
fi
munge -n | unmunge >/dev/null || { say "munge does not answer"; exit 1; }

cpus=$(nproc)
# Leave the node a little memory headroom so jobs asking for --mem are accepted.
memory=$(( $(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo) - 512 ))
cat > "$CONF" <<CONF
ClusterName=digit
SlurmctldHost=localhost
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SlurmUser=root
SlurmdUser=root
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmdSpoolDir=$STATE/spool
StateSaveLocation=$STATE/state
ReturnToService=2
MaxArraySize=1001
NodeName=localhost CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=main Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF

export SLURM_CONF="$CONF"
for pid in "$STATE/slurmd.pid" "$STATE/slurmctld.pid"; do
  [[ -f "$pid" ]] && kill "$(cat "$pid")" 2>/dev/null || true
done
sleep 0.5
slurmctld -f "$CONF" -L "$STATE/slurmctld.log"
slurmd -f "$CONF" -L "$STATE/slurmd.log"
for _ in $(seq 1 60); do
  if sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
    say "up: $cpus CPUs, $memory MiB ($CONF)"
    echo "SLURM_CONF=$CONF"
    exit 0
  fi
  sleep 0.5
done
say "the node did not become idle; see $STATE/slurmctld.log and $STATE/slurmd.log"
sinfo >&2 || true
exit 1
