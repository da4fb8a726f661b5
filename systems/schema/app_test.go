package schema_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/app"
	"github.com/strata-iac/strata/systems/schema"
)

func ptr[T any](v T) *T { return &v }

func twoContainers() app.Spec {
	return app.Spec{
		CPU: 256, MemoryMiB: 1024,
		Containers: []app.Container{
			{Name: "frontend", Image: "eficode/epimetheus-frontend:1.2.0", Ports: []int{8080},
				Environment: map[string]string{"BACKEND_URL": "http://localhost:5000"}},
			{Name: "backend", Image: "eficode/epimetheus-backend:1.2.0", Ports: []int{5000},
				Secrets:     map[string]app.Secret{"PASSWORD": {Database: "db", Key: app.KeyPassword}},
				DatabaseEnv: map[string]app.DatabaseValue{"HOST": {Database: "db", Attribute: app.AttrAddress}}},
		},
		Endpoint: &app.Endpoint{Container: "frontend", Port: 8080},
	}
}

func TestAppApply(t *testing.T) {
	base := twoContainers()
	o := schema.App{
		CPU: 512, MemoryMiB: 2048,
		Scaling:  &schema.Scaling{Max: 4},
		Endpoint: &schema.Endpoint{Domain: "epimetheus.example.org"},
		Containers: map[string]schema.Container{
			"frontend": {Image: "eficode/epimetheus-frontend:1.3.0", Environment: map[string]string{"NGINX_PORT": "8080"},
				Mounts: []schema.Mount{{Volume: "cache", Path: "/var/cache/nginx"}}},
			"backend": {Secrets: map[string]schema.Secret{"USER": {Database: "db", Key: app.KeyUsername}}, ReadonlyRootFilesystem: ptr(false),
				DatabaseEnv: map[string]schema.DatabaseValue{"DATABASE": {Database: "db", Attribute: app.AttrName}},
				HealthCheck: &schema.HealthCheck{Command: []string{"CMD", "true"}, Retries: 5}},
		},
	}
	got, err := o.Apply(base)
	require.NoError(t, err)
	front, back := got.Container("frontend"), got.Container("backend")
	assert.Equal(t, 512, got.CPU)
	assert.Equal(t, 2048, got.MemoryMiB)
	assert.Equal(t, 4, got.Scaling.Max)
	assert.Equal(t, "epimetheus.example.org", got.Endpoint.Domain)
	assert.Equal(t, 8080, got.Endpoint.Port, "unset endpoint keys keep the definition's")
	assert.Equal(t, "eficode/epimetheus-frontend:1.3.0", front.Image)
	assert.Equal(t, map[string]string{"BACKEND_URL": "http://localhost:5000", "NGINX_PORT": "8080"}, front.Environment)
	assert.Equal(t, []app.Mount{{Volume: "cache", Path: "/var/cache/nginx"}}, front.Mounts)
	assert.Equal(t, app.KeyUsername, back.Secrets["USER"].Key)
	assert.Equal(t, app.KeyPassword, back.Secrets["PASSWORD"].Key)
	assert.False(t, back.IsReadonlyRoot())
	assert.Equal(t, app.AttrAddress, back.DatabaseEnv["HOST"].Attribute)
	assert.Equal(t, app.AttrName, back.DatabaseEnv["DATABASE"].Attribute)
	assert.Equal(t, 5, back.HealthCheck.Retries)

	// The definition is left untouched, and the result shares nothing with the config.
	assert.Empty(t, base.Container("frontend").Environment["NGINX_PORT"])
	assert.Equal(t, 256, base.CPU)
	assert.Empty(t, base.Endpoint.Domain)
	assert.Len(t, base.Container("backend").DatabaseEnv, 1)
	got.Container("backend").HealthCheck.Command[0] = "CMD-SHELL"
	assert.Equal(t, "CMD", o.Containers["backend"].HealthCheck.Command[0])
}

func TestAppApplyRefusesUnknownContainer(t *testing.T) {
	_, err := schema.App{Containers: map[string]schema.Container{"fronted": {Image: "x:1"}}}.Apply(twoContainers())
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "containers.fronted: not a container of this app: use one of frontend, backend"), err.Error())
}

// Scratch volumes are added to the definition's, an entry point replaces the image's.
func TestAppApplyScratchAndEntryPoint(t *testing.T) {
	base := twoContainers()
	base.Scratch = []string{"tmp"}
	got, err := schema.App{
		Scratch:    []string{"tmp", "cache"},
		Containers: map[string]schema.Container{"frontend": {EntryPoint: []string{"nginx"}}},
	}.Apply(base)
	require.NoError(t, err)
	assert.Equal(t, []string{"tmp", "cache"}, got.Scratch)
	assert.Equal(t, []string{"nginx"}, got.Container("frontend").EntryPoint)
	assert.Equal(t, []string{"tmp"}, base.Scratch, "the definition is left untouched")
}
