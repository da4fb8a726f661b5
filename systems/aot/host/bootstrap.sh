#!/bin/bash
# aot's bootstrap of one cluster member, run as root by Systems Manager State Manager.
#
# 1. It finds this instance in the cluster's member list (its name and its pool or instance group).
# 2. It installs the cluster's SSH trust and facts: root's key pair and authorized key, this host's
#    own host key, every member's host key in /etc/ssh/ssh_known_hosts with strict host-key checking,
#    the members in /etc/hosts and /etc/cluster_facts.json. Every file is written whole, atomically
#    (a temporary file renamed over it), and only when its content or mode changes.
# 3. It runs the group's bootstrap stages in order: stage i is unpacked into $state/stage-<i>/ and
#    its bootstrap.sh runs there, once per tarball hash (kept in $state/stage-<i>.complete). A
#    changed tarball runs its stage and every later one again; a failing stage stops the sequence
#    and fails the run.
#
# It needs, from the image, the AWS CLI, python3, flock, curl, awk, tar, gzip, sha256sum, cmp, sshd
# and systemctl, and refuses to start without any of them.
#
# Environment: AOT_PATH is the cluster's SSM parameter path (/aot/<env>), AOT_BUCKET the bucket with
# cluster/ and bootstrap/. AOT_WAIT_SECONDS bounds the wait for this instance to appear in the member
# list (default 600). AOT_ROOT, for tests only, is a directory that stands in for /.
set -euo pipefail
umask 022

root=${AOT_ROOT:-}
path=${AOT_PATH:?AOT_PATH names the cluster parameter path}
bucket=${AOT_BUCKET:?AOT_BUCKET names the cluster bucket}
wait_seconds=${AOT_WAIT_SECONDS:-600}
state=$root/var/lib/aot
begin='# BEGIN aot cluster (managed by strata, do not edit)'
end='# END aot cluster'

log() { echo "aot: $*"; }
die() {
	echo "aot: $*" >&2
	exit 1
}

# The image must provide these (Amazon Linux 2023 does; Ubuntu, for one, has no AWS CLI): check them
# all before touching anything, rather than fail halfway.
missing=()
for tool in aws python3 flock curl awk tar gzip sha256sum cmp sshd systemctl; do
	command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
	die "this image lacks ${missing[*]} on the PATH: aot's bootstrap needs the AWS CLI (aws), python3, flock (util-linux), curl, awk, tar, gzip, sha256sum, cmp (diffutils), sshd and systemctl; use an image that provides them (Amazon Linux 2023 does) or bake them into it. Nothing was changed"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$state"
chmod 0700 "$state"
# One run at a time; appending leaves the lock file untouched.
exec 9>>"$state/lock"
flock -w "$wait_seconds" 9 || die "another bootstrap run holds $state/lock"

imds() {
	local token
	token=$(curl -sSf -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' http://169.254.169.254/latest/api/token)
	curl -sSf -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/$1"
}

# fetch KEY FILE copies an object of the cluster bucket.
fetch() { aws s3 cp --only-show-errors "s3://$bucket/$1" "$2"; }

# secret NAME FILE writes a SecureString parameter, decrypted, to FILE (mode 0600).
secret() {
	(
		umask 077
		aws ssm get-parameter --with-decryption --name "$1" --query Parameter.Value --output text >"$2"
	)
}

changed=()
# place SRC DEST MODE replaces DEST (below the root) with SRC, unless it already has that content
# and mode.
place() {
	local src=$1 dest=$root$2 mode=$3 tmp
	if [[ -f $dest ]] && cmp -s "$src" "$dest" && [[ $(stat -c %a "$dest") == "${mode#0}" ]]; then
		return 0
	fi
	mkdir -p "$(dirname "$dest")"
	tmp=$(mktemp "$dest.aot.XXXXXX")
	cat "$src" >"$tmp"
	chmod "$mode" "$tmp"
	mv -f "$tmp" "$dest"
	changed+=("$2")
	log "wrote $2"
}

# block FILE CONTENT OUT writes to OUT the lines of FILE (below the root) outside aot's block,
# followed by the block holding CONTENT: other entries stay, and aot's are never duplicated.
block() {
	{
		if [[ -f $root$1 ]]; then
			awk -v b="$begin" -v e="$end" '$0 == b { skip = 1; next } $0 == e { skip = 0; next } !skip' "$root$1"
		fi
		echo "$begin"
		cat "$2"
		echo "$end"
	} >"$3"
}

# 1. Who am I? (The AWS CLI does not look up the region by itself.)
id=$(imds instance-id)
AWS_DEFAULT_REGION=$(imds placement/region)
export AWS_DEFAULT_REGION
deadline=$((SECONDS + wait_seconds))
while :; do
	fetch cluster/members "$work/members"
	read -r name group < <(awk -v id="$id" '$1 == id { print $2, $3 }' "$work/members") || true
	[[ -n ${name:-} ]] && break
	if ((SECONDS >= deadline)); then
		die "instance $id is not in the member list of $path after ${wait_seconds}s: pulumi up publishes it"
	fi
	log "instance $id is not in the member list yet: waiting for pulumi up to publish it"
	sleep 10
done
log "this is $name (group $group)"

# 2. Trust and facts.
fetch cluster/facts.json "$work/facts.json"
python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$work/facts.json" ||
	die "cluster/facts.json is not valid JSON: left /etc/cluster_facts.json as it was"
fetch cluster/known_hosts "$work/known_hosts"
fetch cluster/authorized_keys "$work/authorized_keys"
secret "$path/root/id_ed25519" "$work/id_ed25519"
secret "$path/groups/$group/$name/ssh_host_ed25519_key" "$work/host_key"
# This host's public key is its own line of the cluster's known_hosts.
awk -v n="$name" '{ split($1, h, ","); if (h[1] == n) print $2, $3 }' "$work/known_hosts" >"$work/host_key.pub"
[[ -s $work/host_key.pub ]] || die "$name has no line in cluster/known_hosts"
awk '{ split($1, h, ","); print h[3], h[1] }' "$work/known_hosts" >"$work/hosts"

cat >"$work/ssh_config" <<'EOF'
# aot: every host key is checked; the cluster's are in /etc/ssh/ssh_known_hosts.
Host *
    StrictHostKeyChecking yes
EOF
cat >"$work/sshd_config" <<'EOF'
# aot: root logs in between members with the cluster's key only.
PermitRootLogin prohibit-password
PasswordAuthentication no
EOF

place "$work/facts.json" /etc/cluster_facts.json 0644
place "$work/known_hosts" /etc/ssh/ssh_known_hosts 0644
place "$work/ssh_config" /etc/ssh/ssh_config.d/40-aot.conf 0644
place "$work/sshd_config" /etc/ssh/sshd_config.d/40-aot.conf 0600
place "$work/host_key" /etc/ssh/ssh_host_ed25519_key 0600
place "$work/host_key.pub" /etc/ssh/ssh_host_ed25519_key.pub 0644
sshd_changes=${#changed[@]}
mkdir -p "$root/root/.ssh"
chmod 0700 "$root/root/.ssh"
place "$work/id_ed25519" /root/.ssh/id_ed25519 0600
place "$work/authorized_keys" /root/.ssh/id_ed25519.pub 0644
block /root/.ssh/authorized_keys "$work/authorized_keys" "$work/root_authorized_keys"
place "$work/root_authorized_keys" /root/.ssh/authorized_keys 0600
block /etc/hosts "$work/hosts" "$work/etc_hosts"
place "$work/etc_hosts" /etc/hosts 0644
if ((sshd_changes > 0)); then
	sshd -t || die "sshd refuses its configuration: not reloaded"
	systemctl reload sshd
	log "reloaded sshd"
fi

# 3. Stages.
fetch "cluster/stages/$group" "$work/stages"
mapfile -t stages <"$work/stages"
rerun=0
for i in "${!stages[@]}"; do
	sha=${stages[$i]}
	[[ $sha =~ ^[0-9a-f]{64}$ ]] || die "stage $i: $sha is not a SHA-256"
	marker=$state/stage-$i.complete
	if ((!rerun)) && [[ -f $marker && $(<"$marker") == "$sha" ]]; then
		log "stage $i: done before ($sha)"
		continue
	fi
	# This stage runs, and so does every later one: they may build on what it does.
	rerun=1
	rm -f "$marker"
	fetch "bootstrap/$sha.tar.gz" "$work/stage.tar.gz"
	got=$(sha256sum "$work/stage.tar.gz" | cut -d' ' -f1)
	[[ $got == "$sha" ]] || die "stage $i: the tarball's SHA-256 is $got, not $sha"
	dir=$state/stage-$i
	rm -rf "$dir"
	mkdir -p "$dir"
	tar -xzf "$work/stage.tar.gz" -C "$dir" --no-same-owner
	[[ -f $dir/bootstrap.sh ]] || die "stage $i: the tarball has no bootstrap.sh at its top"
	log "stage $i: running bootstrap.sh ($sha)"
	status=0
	(cd "$dir" && AOT_STAGE=$i bash bootstrap.sh </dev/null) || status=$?
	if ((status != 0)); then
		die "stage $i failed with status $status: later stages did not run; fix the tarball and run the bootstrap again"
	fi
	printf '%s\n' "$sha" >"$marker.tmp"
	mv -f "$marker.tmp" "$marker"
	log "stage $i: complete"
done
# A stage dropped from the end runs again if it comes back.
for marker in "$state"/stage-*.complete; do
	[[ -e $marker ]] || continue
	i=${marker##*/stage-}
	i=${i%.complete}
	if ((i >= ${#stages[@]})); then
		rm -f "$marker"
		log "stage $i: no longer in the sequence"
	fi
done
log "bootstrap of $name complete (${#stages[@]} stages)"
