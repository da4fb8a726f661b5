# What the web server and the workers share. The user data that strata renders sets, before this:
# KOTTA_BUCKET (the jobs bucket), KOTTA_CODE (the app tarball's key in it) and KOTTA_UNITS (the
# environment of the app's services), and what the role's part below needs.
set -euo pipefail
umask 022

log() { echo "kotta: $*"; }

# imds PATH prints an instance metadata value, through IMDSv2.
imds() {
	local token
	token=$(curl -sSf -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' http://169.254.169.254/latest/api/token)
	curl -sSf -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/$1"
}

# The AWS CLI and the app's SDK do not read the region from the instance metadata themselves.
AWS_DEFAULT_REGION=$(imds placement/region)
export AWS_DEFAULT_REGION
app=/opt/kotta/cloud_kotta

# install_app unpacks the app's tarball into /opt/kotta, waiting until someone uploads it, and
# creates the unprivileged kotta user that runs the app.
install_app() {
	id kotta >/dev/null 2>&1 || useradd --system --home-dir /opt/kotta --shell /sbin/nologin kotta
	mkdir -p /opt/kotta /var/log/kotta
	until aws s3 cp --only-show-errors "s3://$KOTTA_BUCKET/$KOTTA_CODE" /opt/kotta/cloud_kotta.tar.gz; do
		log "waiting for s3://$KOTTA_BUCKET/$KOTTA_CODE"
		sleep 60
	done
	tar -xzf /opt/kotta/cloud_kotta.tar.gz -C /opt/kotta
	chown -R kotta: /opt/kotta /var/log/kotta
}

# script PATH installs the script on stdin as an executable.
script() { install -m 0755 /dev/stdin "$1"; }

# unit NAME installs the systemd unit on stdin as NAME and starts it now and at every boot.
unit() {
	install -m 0644 /dev/stdin "/etc/systemd/system/$1"
	systemctl daemon-reload
	systemctl enable --now "$1"
}
