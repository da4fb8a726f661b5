# The web server. Its service's environment (KOTTA_UNITS) holds KOTTA_LOGIN_SECRET and
# KOTTA_SESSION_SECRET (secret names or ARNs) and KOTTA_PORT, the port the load balancer forwards to.
install_app

# kotta-web starts the web server. Its settings, the four secret values included, reach it through
# a named pipe that a helper fills each time it is opened, with the secrets read from Secrets
# Manager then: they live only in memory, never in a file, and the app's reloader, which reads
# the settings again in its child process, gets them too. A new value takes effect at the next
# restart.
script /usr/local/sbin/kotta-web <<'SCRIPT'
#!/bin/bash
set -euo pipefail
# secret ID KEY prints one key of a JSON secret, waiting until the secret has a value.
secret() {
	local value
	until value=$(aws secretsmanager get-secret-value --secret-id "$1" --query SecretString --output text); do
		echo "kotta: waiting for a value in secret $1" >&2
		sleep 60
	done
	python3 -c 'import json, sys; print(json.loads(sys.stdin.read())[sys.argv[1]])' "$2" <<<"$value"
}
settings() {
	cat production.conf
	printf '\n[server]\nport = %s\n' "$KOTTA_PORT"
	printf 'aws_client_id = %s\n' "$(secret "$KOTTA_LOGIN_SECRET" clientId)"
	printf 'aws_client_secret = %s\n' "$(secret "$KOTTA_LOGIN_SECRET" clientSecret)"
	printf 'session.encrypt_key = %s\n' "$(secret "$KOTTA_SESSION_SECRET" encryptKey)"
	printf 'session.validate_key = %s\n' "$(secret "$KOTTA_SESSION_SECRET" validateKey)"
}
conf=$RUNTIME_DIRECTORY/settings.conf
rm -f "$conf"
mkfifo -m 0600 "$conf"
(
	trap '' PIPE
	while :; do
		settings >"$conf" || sleep 5
	done
) &
exec ./web_server.py -c "$conf"
SCRIPT

unit kotta-web.service <<UNIT
[Unit]
Description=Cloud Kotta web server
Wants=network-online.target
After=network-online.target

[Service]
User=kotta
WorkingDirectory=$app/web2
Environment=AWS_DEFAULT_REGION=$AWS_DEFAULT_REGION $KOTTA_UNITS
RuntimeDirectory=kotta
RuntimeDirectoryMode=0700
ExecStart=/usr/local/sbin/kotta-web
StandardOutput=append:/var/log/kotta/web.log
StandardError=inherit
Restart=always
RestartSec=5

[Install]
WantedBy=multi-user.target
UNIT
