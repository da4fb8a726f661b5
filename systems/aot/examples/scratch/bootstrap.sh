#!/bin/bash
# Example stage: makes the member's throw-away volume on /dev/sdf a file system mounted at /scratch,
# now and at every boot. Amazon Linux links the EBS device name given in the config (/dev/sdf) to
# the NVMe device the instance sees.
#
# It formats only an empty device: one where blkid finds no signature at all (no file system, no
# partition table). It never reformats: a device that already holds the xfs file system labelled
# scratch (this stage's own, from an earlier run) is mounted as it is, and a device holding anything
# else (a volume restored from a snapshot, data another stage wrote) is left untouched and fails
# the stage. It cannot tell a volume meant to be kept from a throw-away one while both are empty:
# list it only for members whose /dev/sdf is scratch space.
# AOT_ROOT is set only by strata's tests, to keep /etc/fstab and /scratch below a scratch directory.
set -euo pipefail
root=${AOT_ROOT:-}
device=${SCRATCH_DEVICE:-/dev/sdf}
mountpoint=/scratch
label=scratch
fstype=xfs

# The volume is attached after the instance starts: wait for it.
for _ in $(seq 60); do
	[[ -b $device ]] && break
	sleep 2
done
[[ -b $device ]] || {
	echo "no block device $device" >&2
	exit 1
}

# probe prints what the device holds, KEY=value a line. blkid -p reads the device itself, not
# blkid's cache; it exits 2 when it finds nothing, and anything else but 0 is an error, after
# which nothing is formatted.
probe() {
	local status=0
	blkid -p -o export "$device" || status=$?
	case $status in
	0 | 2) ;;
	*)
		echo "blkid cannot probe $device (status $status): not formatting it" >&2
		return 1
		;;
	esac
}

found=$(probe)
if [[ -z $found ]]; then
	echo "$device is empty: formatting it ($fstype, label $label)"
	mkfs.xfs -L "$label" "$device"
	found=$(probe)
fi
if ! grep -qx "TYPE=$fstype" <<<"$found" || ! grep -qx "LABEL=$label" <<<"$found"; then
	echo "$device already holds something other than this stage's file system, left untouched and not mounted:" >&2
	echo "$found" >&2
	echo "this stage formats only an empty device; give this member a bootstrap list without it, or its scratch volume another device" >&2
	exit 1
fi

if ! grep -q "^LABEL=$label " "$root/etc/fstab"; then
	echo "LABEL=$label $mountpoint $fstype defaults,nofail 0 2" >>"$root/etc/fstab"
fi
mkdir -p "$root$mountpoint"
mountpoint -q "$root$mountpoint" || mount "$root$mountpoint"
echo "$device is mounted at $mountpoint"
