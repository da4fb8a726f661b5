package tests

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/internal/mocktest"
)

// backendCommand is the backend image's own command with its arguments quoted and the password as
// --pw=<value>, so that argparse never reads a password starting with "-" as an option.
const backendCommand = `exec python server.py --database "$DATABASE" --host "$HOST" --user "$USER" --pw="$PASSWORD" --port "$PORT"`

// The backend starts whatever characters its password has, on both platforms: RDS's rotation picks
// them in production, and the image's shell-form command would split, glob or (a leading "-") hand
// them to argparse as an option.
func TestEpimetheusBackendTakesAnyPassword(t *testing.T) {
	prod := runStage(t, "production")
	back := containers(t, mocktest.Named(t, prod, typeTaskDef, "epimetheus"))["epimetheus-backend"]
	assert.Empty(t, back.EntryPoint, "the image has no entry point: the command runs as it is")
	assert.Equal(t, []string{"sh", "-c", backendCommand}, back.Command)
	assert.NotEmpty(t, back.secret("PASSWORD"), "the password still comes from the secret, into the environment")

	staging := runStage(t, "staging")
	dep := mocktest.One(t, staging, typeDeployment)
	var commands []any
	for _, c := range dep.In("containers").([]any) {
		if c := c.(map[string]any); c["containerName"] == "epimetheus-backend" {
			commands, _ = c["commands"].([]any)
		}
	}
	assert.Equal(t, []any{"sh", "-c", backendCommand}, commands, "Lightsail runs the same command")

	// The command quotes every variable and passes the password attached to its option.
	assert.Regexp(t, regexp.MustCompile(`--pw="\$PASSWORD"`), backendCommand)
	assert.NotRegexp(t, regexp.MustCompile(`[^"]\$[A-Z]+[^"]`), backendCommand, "no unquoted expansion")
}

// On Lightsail the stage's images come from the account's ECR: the service's image puller is on,
// and its principal, which the repositories' policies must admit, is a stack output.
func TestEpimetheusLightsailPullsFromECR(t *testing.T) {
	res := runStage(t, "staging")
	svc := mocktest.One(t, res, "aws:lightsail/containerService:ContainerService")
	assert.Equal(t, true, svc.In("privateRegistryAccess.ecrImagePullerRole.isActive"))
	out, ok := res.Outputs["epimetheus"].(map[string]any)
	require.True(t, ok)
	assert.Contains(t, out, "imagePullerPrincipalArn")

	db := mocktest.One(t, res, "aws:lightsail/database:Database")
	assert.Regexp(t, `^epimetheus-staging-app-db-final-[0-9a-f]{8}$`, db.In("finalSnapshotName"),
		"a final snapshot name unique to the database's lifetime")
}
