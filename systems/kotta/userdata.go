package kotta

import (
	_ "embed"
	"strconv"
	"strings"
)

// The boot scripts: what the web server and the workers share, then each one's own part.
var (
	//go:embed boot/common.sh
	commonScript string
	//go:embed boot/web.sh
	webScript string
	//go:embed boot/worker.sh
	workerScript string
)

// userData is the boot script of the web server (RoleWeb) or a worker (RoleWorker): the bucket and
// the tarball's key as shell variables, the environment of the app's services in KOTTA_UNITS, then
// the scripts. It holds names only, never a secret: the web server reads its secrets from Secrets
// Manager with its role. Every value is a bucket, object key, secret name or ARN, or a number,
// none of which can hold a quote, a space or a percent sign.
func (p PlatformPlan) userData(role string, w wiring) string {
	// The worker's log upload needs the bucket; the web server its secrets and port.
	what, script, units := "a worker", workerScript, []string{"KOTTA_BUCKET=" + w.bucket}
	if role == RoleWeb {
		what, script = "the web server", webScript
		units = []string{"KOTTA_LOGIN_SECRET=" + w.loginSecret, "KOTTA_SESSION_SECRET=" + w.sessionSecret, "KOTTA_PORT=" + strconv.Itoa(WebPort)}
	}
	var b strings.Builder
	b.WriteString("#!/bin/bash\n# Cloud Kotta (" + p.Naming.Env + "): boot script of " + what + ", rendered by strata.\n")
	b.WriteString("KOTTA_BUCKET='" + w.bucket + "'\n")
	b.WriteString("KOTTA_CODE='" + CodeKey + "'\n")
	b.WriteString("KOTTA_UNITS='" + strings.Join(units, " ") + "'\n")
	b.WriteString(commonScript)
	b.WriteString(script)
	return b.String()
}
