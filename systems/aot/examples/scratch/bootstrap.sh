#!/bin/bash
# Example stage: formats the member's data volume (once: an existing file system is kept) and
# mounts it at /scratch, now and at every boot. Amazon Linux links the EBS device name given in
# the config (/dev/sdf) to the NVMe device the instance sees.
set -euo pipefail
device=${SCRATCH_DEVICE:-/dev/sdf}
mountpoint=/scratch
label=scratch

# The volume is attached after the instance starts: wait for it.
for _ in $(seq 60); do
	[[ -b $device ]] && break
	sleep 2
done
[[ -b $device ]] || { echo "no block device $device" >&2; exit 1; }

if ! blkid "$device" >/dev/null; then
	mkfs.xfs -L "$label" "$device"
fi
if ! grep -q "^LABEL=$label " /etc/fstab; then
	echo "LABEL=$label $mountpoint xfs defaults,nofail 0 2" >>/etc/fstab
fi
mkdir -p "$mountpoint"
mountpoint -q "$mountpoint" || mount "$mountpoint"
echo "$device is mounted at $mountpoint"
