# A worker (the app's task executor).

# kotta-scratch mounts /scratch at every boot: the instance-store disks striped together (RAID 0),
# or a plain directory on the root volume when the instance type has none. It is idempotent: a
# mounted /scratch is left alone, an existing array is assembled and an existing file system kept.
script /usr/local/sbin/kotta-scratch <<'SCRIPT'
#!/bin/bash
set -euo pipefail
mkdir -p /scratch
if mountpoint -q /scratch; then
	exit 0
fi
# Nitro instance types show their instance-store disks as NVMe devices of this model.
mapfile -t disks < <(lsblk -dnpo NAME,MODEL | awk '/Amazon EC2 NVMe Instance Storage/ {print $1}')
if [ "${#disks[@]}" -eq 0 ]; then
	chmod 1777 /scratch
	exit 0
fi
dev=${disks[0]}
if [ "${#disks[@]}" -gt 1 ]; then
	command -v mdadm >/dev/null || dnf -y install mdadm || apt-get -y install mdadm
	dev=/dev/md/scratch
	if [ ! -e "$dev" ]; then
		mdadm --assemble "$dev" "${disks[@]}" 2>/dev/null ||
			mdadm --create "$dev" --name=scratch --level=0 --raid-devices="${#disks[@]}" --run "${disks[@]}"
	fi
fi
blkid -s TYPE -o value "$dev" >/dev/null || mkfs.ext4 -q -L scratch "$dev"
mount -o noatime "$dev" /scratch
chmod 1777 /scratch
SCRIPT

unit kotta-scratch.service <<'UNIT'
[Unit]
Description=Cloud Kotta scratch space on the instance-store disks
Before=kotta-worker.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/sbin/kotta-scratch

[Install]
WantedBy=multi-user.target
UNIT

install_app

# kotta-postmortem copies the worker's logs to postmortem/<instance id>/ in the jobs bucket each
# time the worker stops: a crash, a scale-in, a Spot interruption.
script /usr/local/sbin/kotta-postmortem <<'SCRIPT'
#!/bin/bash
set -uo pipefail
token=$(curl -sSf -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' http://169.254.169.254/latest/api/token)
id=$(curl -sSf -H "X-aws-ec2-metadata-token: $token" http://169.254.169.254/latest/meta-data/instance-id)
for log in /var/log/kotta/worker.log /opt/kotta/cloud_kotta/task_executor.log; do
	if [ -f "$log" ]; then
		aws s3 cp --only-show-errors "$log" "s3://$KOTTA_BUCKET/postmortem/$id/${log##*/}"
	fi
done
SCRIPT

unit kotta-worker.service <<UNIT
[Unit]
Description=Cloud Kotta worker
Wants=network-online.target kotta-scratch.service
After=network-online.target kotta-scratch.service

[Service]
User=kotta
WorkingDirectory=$app
Environment=AWS_DEFAULT_REGION=$AWS_DEFAULT_REGION $KOTTA_UNITS
ExecStart=$app/task_executor.py -c production.conf
ExecStopPost=+/usr/local/sbin/kotta-postmortem
StandardOutput=append:/var/log/kotta/worker.log
StandardError=inherit
Restart=always
RestartSec=5

[Install]
WantedBy=multi-user.target
UNIT
