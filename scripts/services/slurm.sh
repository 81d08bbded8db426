#!/usr/bin/env bash
# A single-node Slurm on this machine for the scheduler tests (Debian/Ubuntu, as root). Idempotent:
# installs slurm-wlm and munge when missing, writes a one-node /etc/slurm/slurm.conf (only when there
# is none, or it is the one this script wrote), starts munged, slurmctld and slurmd when they are not
# running, resumes the node, and writes IE_TEST_SLURM=1 and IE_TEST_SLURM_PARTITION to .services/env.
# Prints one status line.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_root slurm
fail() { unset_env IE_TEST_SLURM; unset_env IE_TEST_SLURM_PARTITION; echo "slurm: not available: $*" >&2; exit 1; }
marker="# written by InferenceEconomics scripts/services/slurm.sh"
partition=debug

if ! command -v slurmctld >/dev/null 2>&1 || ! command -v slurmd >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  apt_install slurm-wlm munge || fail "apt-get install slurm-wlm munge failed"
fi

# munge: a key, its run folder, the daemon.
if [[ ! -s /etc/munge/munge.key ]]; then
  if command -v mungekey >/dev/null 2>&1; then mungekey --create --force >/dev/null 2>&1 || true; fi
  [[ -s /etc/munge/munge.key ]] || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
install -d -o munge -g munge -m 755 /run/munge
install -d -o munge -g munge -m 700 /var/lib/munge /var/log/munge
if ! munge -n >/dev/null 2>&1; then
  runuser -u munge -- /usr/sbin/munged --force >/dev/null 2>&1 || fail "munged did not start (see /var/log/munge/munged.log)"
  for _ in $(seq 1 20); do munge -n >/dev/null 2>&1 && break; sleep 0.25; done
  munge -n >/dev/null 2>&1 || fail "munge cannot encode a credential"
fi

# slurm.conf: one node (this machine, on 127.0.0.1), one partition.
host="$(hostname -s)"
conf=/etc/slurm/slurm.conf
cpus="$(nproc)"
mem_mb="$(( $(awk '/MemTotal/ { print $2 }' /proc/meminfo) / 1024 - 1024 ))"
if [[ -f "$conf" ]] && ! grep -qF "$marker" "$conf"; then
  echo "slurm: note: $conf was not written by this script; using it as it is" >&2
else
  mkdir -p /etc/slurm
  cat > "$conf.tmp" <<CONF
$marker
ClusterName=ie-local
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=$partition Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  if [[ -f "$conf" ]] && cmp -s "$conf" "$conf.tmp"; then rm -f "$conf.tmp"; else mv -f "$conf.tmp" "$conf"; fi
fi
install -d -m 755 /var/spool/slurmctld /var/spool/slurmd /var/log/slurm

if ! pgrep -x slurmctld >/dev/null 2>&1; then
  slurmctld || fail "slurmctld did not start (see /var/log/slurm/slurmctld.log)"
fi
if ! pgrep -x slurmd >/dev/null 2>&1; then
  slurmd || fail "slurmd did not start (see /var/log/slurm/slurmd.log)"
fi

state=""
for _ in $(seq 1 60); do
  state="$(sinfo -h -n "$host" -o '%T' 2>/dev/null | head -n 1 || true)"
  case "$state" in
    idle|mixed|allocated|completing) break ;;
    down*|drain*|drained*) scontrol update NodeName="$host" State=RESUME >/dev/null 2>&1 || true ;;
  esac
  sleep 0.5
done
case "$state" in
  idle|mixed|allocated|completing) ;;
  *) fail "node $host is '${state:-unknown}' after 30 s (see /var/log/slurm/slurmd.log)" ;;
esac
set_env IE_TEST_SLURM 1
set_env IE_TEST_SLURM_PARTITION "$partition"
echo "slurm: running ($(sinfo --version 2>/dev/null || echo slurm), one node $host with $cpus CPUs, partition $partition, state $state)"
