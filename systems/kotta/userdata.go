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

// userData is the boot script of the web server (RoleWeb) or a worker (RoleWorker): settings as
// shell variables, then the scripts. The settings hold names only, never a secret: the web server
// reads its secrets from Secrets Manager with its role. Every value is a bucket, object key,
// secret name or ARN, or a number, none of which can hold a single quote.
func (p PlatformPlan) userData(role string, w wiring) string {
	vars := [][2]string{{"KOTTA_BUCKET", w.bucket}, {"KOTTA_CODE", CodeKey}}
	// What the app's services need, besides the region: the worker's log upload the bucket, the
	// web server its secrets and port.
	units := []string{"KOTTA_BUCKET"}
	what, script := "a worker", workerScript
	if role == RoleWeb {
		vars = append(vars, [2]string{"KOTTA_LOGIN_SECRET", w.loginSecret}, [2]string{"KOTTA_SESSION_SECRET", w.sessionSecret},
			[2]string{"KOTTA_PORT", strconv.Itoa(WebPort)})
		units = []string{"KOTTA_LOGIN_SECRET", "KOTTA_SESSION_SECRET", "KOTTA_PORT"}
		what, script = "the web server", webScript
	}
	var b strings.Builder
	b.WriteString("#!/bin/bash\n# Cloud Kotta (" + p.Naming.Env + "): boot script of " + what + ", rendered by strata.\n")
	values := map[string]string{}
	for _, v := range vars {
		values[v[0]] = v[1]
		b.WriteString(v[0] + "='" + v[1] + "'\n")
	}
	env := make([]string, len(units))
	for i, k := range units {
		env[i] = k + "=" + values[k]
	}
	b.WriteString("KOTTA_UNITS='" + strings.Join(env, " ") + "'\n")
	b.WriteString(commonScript)
	b.WriteString(script)
	return b.String()
}
