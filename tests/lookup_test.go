package tests

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
)

const typeSecret = "aws:secretsmanager/secret:Secret"

// yamlIndicators are the characters that change the meaning of a plain YAML scalar when they start
// it (or, ":" and " #", inside it): qa_server's database.yml pastes MYSQL_PASSWORD unquoted. With
// a space, $ and \, they are also what a shell command line would split, expand or glob.
const yamlIndicators = "-?:,[]{}#&*!|>'\"%@`"

// On RDS the app logs in with a login of its own, created by the db-login init container with the
// master login: the app never reads the master secret (whose characters RDS picks, YAML indicators
// included), and its own password is generated from letters and digits.
func TestLookupAppLoginOnRDS(t *testing.T) {
	prod := runStage(t, "production")
	rds := mocktest.Named(t, prod, "aws:rds/instance:Instance", "lookup")
	masterSecret := fmt.Sprint(rds.Out("masterUserSecrets[0].secretArn"))
	login := mocktest.Named(t, prod, typeSecret, "lookup-db-app")
	assert.Equal(t, "lookup-production-db-app", login.In("name"))
	assert.True(t, login.Protect, "losing the app's login locks the app out")
	loginARN := fmt.Sprint(login.Out("arn"))

	defs := containers(t, mocktest.Named(t, prod, typeTaskDef, "lookup-app"))
	web, init := defs["qa-server-app"], defs["db-login"]
	user, _ := web.env("MYSQL_USER")
	assert.Equal(t, "lookup", user, "the app's own user, not RDS's master user")
	assert.NotEqual(t, rds.In("username"), user)
	assert.Equal(t, loginARN+":password::", web.secret("MYSQL_PASSWORD"))
	assert.True(t, web.waitsFor("db-login"), "the app starts once its login exists")
	for name, c := range defs {
		for _, s := range c.Secrets {
			if strings.HasPrefix(s.ValueFrom, masterSecret) && name != "db-login" {
				t.Errorf("%s reads the master secret (%s): only db-login may", name, s.Name)
			}
		}
	}

	// db-login: the MariaDB client of the pinned image, TLS verified against the RDS bundle, the
	// master password only in MYSQL_PWD, idempotent statements on the app's database only.
	assert.Equal(t, "public.ecr.aws/docker/library/mariadb:10.6.20", init.Image)
	assert.False(t, init.Essential, "an init container")
	assert.True(t, init.waitsFor("rds-certificates"), "it verifies the server with the bundle")
	assert.Equal(t, []string{"sh", "-c"}, init.EntryPoint)
	require.Len(t, init.Command, 1)
	script := init.Command[0]
	for _, want := range []string{"--ssl-ca=/rds-certificates/rds-ca.pem", "--ssl-verify-server-cert", `--host="$DB_HOST"`, `--user="$DB_USER"`,
		"CREATE USER IF NOT EXISTS '$APP_USER'@'%' IDENTIFIED BY '$APP_PASSWORD'", "ALTER USER '$APP_USER'@'%' IDENTIFIED BY '$APP_PASSWORD'",
		"GRANT ALL PRIVILEGES ON $APP_DATABASE.* TO '$APP_USER'@'%'"} {
		assert.Contains(t, script, want)
	}
	assert.NotContains(t, script, "--password", "the master password stays out of the command line")
	assert.NotContains(t, script, "`", "no command substitution in the SQL")
	assert.Equal(t, masterSecret+":password::", init.secret("MYSQL_PWD"), "the client reads the master password from MYSQL_PWD")
	assert.Equal(t, loginARN+":password::", init.secret("APP_PASSWORD"))
	env := map[string]string{}
	for _, k := range []string{"DB_HOST", "DB_PORT", "DB_USER", "APP_USER", "APP_DATABASE"} {
		env[k], _ = init.env(k)
	}
	assert.Equal(t, map[string]string{"DB_HOST": fmt.Sprint(rds.Out("address")), "DB_PORT": "3306", "DB_USER": "qa",
		"APP_USER": "lookup", "APP_DATABASE": "qa_authority"}, env)
	// Pasted into SQL and the shell unquoted by the script: letters, digits and underscores only.
	for _, v := range []string{env["APP_USER"], env["APP_DATABASE"]} {
		assert.Regexp(t, `^[a-z][a-z0-9_]*$`, v)
	}

	exec := mocktest.Grants(mocktest.Document(t, mocktest.Named(t, prod, "aws:iam/policy:Policy", "lookup-app-exec"), "policy"))
	assert.Contains(t, exec, "secretsmanager:GetSecretValue "+masterSecret)
	assert.Contains(t, exec, "secretsmanager:GetSecretValue "+loginARN)
}

// Every password strata generates for the lookup and Epimetheus (MariaDB's logins, the app's own
// login on RDS, the Lightsail master password) and every app key is drawn from letters and digits:
// safe unquoted in database.yml, in shell command lines and in URLs. 32 of them are about 190 bits.
func TestGeneratedPasswordsAreYAMLAndShellSafe(t *testing.T) {
	safe := regexp.MustCompile(`^[A-Za-z0-9]+$`)
	for _, stage := range stages {
		t.Run(stage, func(t *testing.T) {
			res := runStage(t, stage)
			n := 0
			for _, pw := range res.ByType("random:index/randomPassword:RandomPassword") {
				if !inSystem(pw, "Lookup", "Epimetheus") {
					continue
				}
				n++
				assert.Equal(t, false, pw.In("special"), "%s: special characters", pw.Name)
				assert.Nil(t, pw.In("overrideSpecial"), "%s", pw.Name)
				assert.GreaterOrEqual(t, pw.In("length"), float64(32), "%s", pw.Name)
				// The alphabet the provider draws from with these inputs (the mock's own value does
				// not follow them): upper, lower and numeric are on unless set false.
				alphabet := ""
				for k, chars := range map[string]string{"upper": "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "lower": "abcdefghijklmnopqrstuvwxyz", "numeric": "0123456789"} {
					if pw.In(k) != false {
						alphabet += chars
					}
				}
				assert.Regexp(t, safe, alphabet, "%s", pw.Name)
				assert.False(t, strings.ContainsAny(alphabet, yamlIndicators+" $\\"), "%s", pw.Name)
			}
			assert.GreaterOrEqual(t, n, 3, "the generated passwords and keys of the stage")
		})
	}
}

// The app reads SECRET_KEY_BASE and RELOAD_TOKEN from secrets of their own, generated by the stack:
// the env file in S3 holds no secret of the app's any more.
func TestLookupAppSecretsInSecretsManager(t *testing.T) {
	for _, stage := range stages {
		t.Run(stage, func(t *testing.T) {
			res := runStage(t, stage)
			web := containers(t, mocktest.Named(t, res, typeTaskDef, "lookup-app"))["qa-server-app"]
			svc := mocktest.Named(t, res, typeECSService, "lookup-app")
			exec := mocktest.Grants(mocktest.Document(t, mocktest.Named(t, res, "aws:iam/policy:Policy", "lookup-app-exec"), "policy"))
			for variable, group := range map[string]string{"SECRET_KEY_BASE": "secret-key-base", "RELOAD_TOKEN": "reload-token"} {
				name := "lookup-" + stage + "-" + group
				assert.Equal(t, name, web.secret(variable), "%s by the secret's name", variable)
				secret := mocktest.Named(t, res, typeSecret, "lookup-"+group)
				assert.Equal(t, name, secret.In("name"))
				assert.Equal(t, stage == "production", secret.Protect)
				version := mocktest.Named(t, res, "aws:secretsmanager/secretVersion:SecretVersion", "lookup-"+group)
				assert.True(t, version.Inputs["secretString"].ContainsSecrets())
				assert.Contains(t, svc.Dependencies, version.URN, "tasks read %s at start: it must exist", variable)
				assert.Contains(t, exec, "secretsmanager:GetSecretValue arn:aws:secretsmanager:us-east-2:123456789012:secret:"+name+"-??????")
				_, plain := web.env(variable)
				assert.False(t, plain)
			}
			key := mocktest.Named(t, res, "random:index/randomPassword:RandomPassword", "lookup-secret-key-base")
			assert.Equal(t, float64(128), key.In("length"), "as long as `rails secret`'s")
		})
	}
}

// qa_server's authority configs call http:// endpoints: the app may send TCP 80 to the internet,
// with a rule that says why; nothing else of the lookup may.
func TestLookupReachesHTTPAuthorities(t *testing.T) {
	for _, stage := range stages {
		res := runStage(t, stage)
		rule := mocktest.Named(t, res, typeEgress, "lookup-app-out-http")
		assert.Equal(t, "0.0.0.0/0", rule.In("cidrIpv4"))
		assert.Equal(t, float64(80), rule.In("fromPort"))
		assert.Equal(t, float64(80), rule.In("toPort"))
		assert.Equal(t, "tcp", rule.In("ipProtocol"))
		assert.Contains(t, rule.In("description"), "http://")
		assert.Equal(t, groupNames(res)[fmt.Sprint(rule.In("securityGroupId"))], "lookup-"+stage+"-app")
	}
}

// Rails serves the compiled assets under public/ itself (nothing in front of Puma does), and Puma
// keeps idle connections open longer than the load balancer in front, so that the load balancer
// never sends on a connection Puma is closing (a 502).
func TestLookupServesAssetsAndOutlivesTheLoadBalancer(t *testing.T) {
	keepAlive := func(c container) int {
		require.Len(t, c.Command, 3)
		assert.Equal(t, []string{"sh", "-c"}, c.Command[:2])
		m := regexp.MustCompile(`^echo 'persistent_timeout (\d+)' > tmp/puma-keepalive\.rb && exec bundle exec puma -C config/puma\.rb -C tmp/puma-keepalive\.rb -v -b tcp://0\.0\.0\.0:3000$`).
			FindStringSubmatch(c.Command[2])
		require.NotNil(t, m, "the image's puma command with the keep-alive file: %q", c.Command[2])
		n, _ := strconv.Atoi(m[1])
		return n
	}
	idle := func(res *mock.Result, name string) int {
		v, _ := mocktest.Named(t, res, "aws:lb/loadBalancer:LoadBalancer", name).In("idleTimeout").(float64)
		return int(v)
	}
	for _, stage := range stages {
		res := runStage(t, stage)
		web := containers(t, mocktest.Named(t, res, typeTaskDef, "lookup-app"))["qa-server-app"]
		static, _ := web.env("RAILS_SERVE_STATIC_FILES")
		assert.Equal(t, "true", static, "%s: config/environments read RAILS_SERVE_STATIC_FILES", stage)
		path, ro := web.mount("rails-tmp")
		assert.Equal(t, "/app/ld4p/qa_server-webapp/tmp", path, "the keep-alive file goes to the writable tmp volume")
		assert.False(t, ro)
		assert.Greater(t, keepAlive(web), idle(res, "front"), "%s: Puma must outlive the shared load balancer's idle timeout", stage)
	}
	res, err := runEdited(t, "staging", "staging", map[string]string{
		"strata:lookup": patched(t, "staging", "strata:lookup", `{"loadBalancer":{"dedicated":true,"idleTimeoutSeconds":300}}`),
	})
	require.NoError(t, err)
	web := containers(t, mocktest.Named(t, res, typeTaskDef, "lookup-app"))["qa-server-app"]
	assert.Equal(t, 315, keepAlive(web), "a dedicated load balancer's own timeout, plus a margin")
	assert.Equal(t, 300, idle(res, "lookup"))
}

// In container mode the app's service is created only once MariaDB is healthy: the MariaDB service
// waits for steady state (its health check passing), and the app depends on it. The app's
// entry point migrates once, at start, and its own wait only reaches the Service Connect proxy.
// Both services wait for the file system's mount targets.
func TestLookupStartsAfterMariaDB(t *testing.T) {
	res := runStage(t, "staging")
	app, db := mocktest.Named(t, res, typeECSService, "lookup-app"), mocktest.Named(t, res, typeECSService, "lookup-mariadb")
	assert.Equal(t, true, db.In("waitForSteadyState"), "MariaDB's deployment waits for its health check")
	assert.Contains(t, app.Dependencies, db.URN, "the app's service waits for MariaDB's")
	mariadb := containers(t, mocktest.Named(t, res, typeTaskDef, "lookup-mariadb"))["qa-mariadb"]
	require.NotNil(t, mariadb.HealthCheck)
	assert.Equal(t, []string{"CMD", "healthcheck.sh", "--connect", "--innodb_initialized"}, mariadb.HealthCheck.Command)
	assert.Nil(t, app.In("waitForSteadyState"), "nothing depends on the app")

	mounts := res.ByType("aws:efs/mountTarget:MountTarget")
	require.NotEmpty(t, mounts)
	for _, svc := range []*mock.Resource{app, db} {
		for _, mt := range mounts {
			assert.Contains(t, svc.Dependencies, mt.URN, "%s waits for %s", svc.Name, mt.Name)
		}
	}
}

// The shipped images exist upstream: LD4P publishes qa_server's releases only to ECR Public
// (public.ecr.aws/u8a1v5x2/ld4p/qa_authority_lookup:<VERSION>), and Epimetheus publishes only
// :latest, so the stage files name pinned copies in the account's ECR (README's first step).
// Nothing names the images that never existed.
func TestShippedImagesAreUpstreams(t *testing.T) {
	for _, stage := range stages {
		res := runStage(t, stage)
		web := containers(t, mocktest.Named(t, res, typeTaskDef, "lookup-app"))["qa-server-app"]
		assert.Equal(t, "public.ecr.aws/u8a1v5x2/ld4p/qa_authority_lookup:v2.0.0", web.Image)
		var images []string
		for _, td := range res.ByType(typeTaskDef) {
			for _, c := range containers(t, td) {
				images = append(images, c.Image)
			}
		}
		for _, d := range res.ByType(typeDeployment) {
			for _, c := range d.In("containers").([]any) {
				images = append(images, fmt.Sprint(c.(map[string]any)["image"]))
			}
		}
		for _, image := range images {
			assert.False(t, strings.Contains(image, "qa_server-webapp") || strings.Contains(image, "salabs/"), "%s: %s does not exist upstream", stage, image)
		}
		assert.True(t, slices.Contains(images, "123456789012.dkr.ecr.us-east-2.amazonaws.com/epimetheus/backend:1.2.1"), "%s: %v", stage, images)
	}
}
