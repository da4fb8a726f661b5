package argos_test

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/internal/mocktest"
)

// inventory is the shape of an amazon.aws.aws_ec2 inventory file that the tests rely on.
type inventory struct {
	Plugin      string            `yaml:"plugin"`
	Regions     []string          `yaml:"regions"`
	Filters     map[string]string `yaml:"filters"`
	Hostnames   []string          `yaml:"hostnames"`
	KeyedGroups []struct {
		Key    string `yaml:"key"`
		Prefix string `yaml:"prefix"`
	} `yaml:"keyed_groups"`
	Compose map[string]string `yaml:"compose"`
}

func TestInventoryShape(t *testing.T) {
	raw, err := os.ReadFile("inventory/aws_ec2.yml")
	require.NoError(t, err)
	var inv inventory
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	require.NoError(t, dec.Decode(&inv), "only keys the tests know, so none is misspelt")

	assert.Equal(t, "amazon.aws.aws_ec2", inv.Plugin, "the plugin reads files named aws_ec2.yml")
	assert.Equal(t, []string{"us-east-2"}, inv.Regions, "the stages' region")
	assert.Equal(t, map[string]string{"tag:App": "argos", "tag-key": naming.TagEnv, "instance-state-name": "running"}, inv.Filters,
		"every running Argos server of every stage, and no build instance")
	assert.Equal(t, []string{"instance-id"}, inv.Hostnames, "hosts are reached through Session Manager, by instance id")

	groups := map[string]string{}
	for _, g := range inv.KeyedGroups {
		groups[g.Key] = g.Prefix
	}
	assert.Equal(t, map[string]string{
		"tags." + naming.TagEnv:   "env",
		"tags." + naming.TagGroup: "group",
		"tags." + naming.TagName:  "tag_Name",
		"tags." + naming.TagApp:   "app",
	}, groups, "hosts grouped by each tag of the convention")
	assert.Equal(t, "instance_id", inv.Compose["ansible_host"])
	assert.Equal(t, "'community.aws.aws_ssm'", inv.Compose["ansible_connection"], "no SSH: Session Manager")
}

// readInventory decodes the inventory file.
func readInventory(t *testing.T) inventory {
	t.Helper()
	raw, err := os.ReadFile("inventory/aws_ec2.yml")
	require.NoError(t, err)
	var inv inventory
	require.NoError(t, yaml.Unmarshal(raw, &inv))
	return inv
}

// selects reports whether EC2's tag filters of the inventory (tag:<key> equals a value, tag-key
// present) select an instance with tags; the state filter is not about tags.
func selects(filters, tags map[string]string) bool {
	for k, v := range filters {
		switch {
		case k == "tag-key":
			if _, ok := tags[v]; !ok {
				return false
			}
		case strings.HasPrefix(k, "tag:"):
			if tags[strings.TrimPrefix(k, "tag:")] != v {
				return false
			}
		}
	}
	return true
}

// strs turns a rendered tag map into strings.
func strs(v any) map[string]string {
	out := map[string]string{}
	m, _ := v.(map[string]any)
	for k, x := range m {
		out[k] = fmt.Sprint(x)
	}
	return out
}

// The inventory lists every server of every stage, and never Image Builder's build and test
// instances, which carry App=argos but no Env and are no host a playbook configures.
func TestInventorySelectsServersNotBuildInstances(t *testing.T) {
	inv := readInventory(t)
	res := mustDeploy(t, withWorkers(stagingConfig()), staging)
	n := 0
	for _, inst := range res.ByType(typeInstance) {
		assert.True(t, selects(inv.Filters, strs(mocktest.Tags(inst))), "%s is listed", inst.Name)
		n++
	}
	for _, lt := range res.ByType(typeLT) {
		assert.True(t, selects(inv.Filters, strs(lt.In("tagSpecifications[0].tags"))), "instances of %s are listed", lt.Name)
		n++
	}
	require.NotZero(t, n)

	build := strs(mocktest.Named(t, res, typeInfra, "argos-image").In("resourceTags"))
	assert.Equal(t, "argos", build[naming.TagApp], "build instances are tagged App=argos")
	assert.False(t, selects(inv.Filters, build), "build and test instances are not hosts")
	assert.True(t, selects(map[string]string{"tag:App": "argos"}, build), "the App filter alone would list them")
}

// The tags the inventory groups by are those every server carries.
func TestServersCarryTheInventoryTags(t *testing.T) {
	res := mustDeploy(t, withWorkers(stagingConfig()), staging)
	for _, inst := range res.ByType(typeInstance) {
		tags := mocktest.Tags(inst)
		for _, k := range []string{naming.TagName, naming.TagApp, naming.TagEnv, naming.TagGroup} {
			assert.NotEmpty(t, tags[k], "%s: tag %s", inst.Name, k)
		}
		assert.Equal(t, "argos", tags[naming.TagApp], inst.Name)
	}
	for _, lt := range res.ByType(typeLT) {
		assert.Equal(t, "instance", lt.In("tagSpecifications[0].resourceType"), lt.Name)
		assert.Equal(t, "argos", lt.In("tagSpecifications[0].tags.App"), lt.Name)
		assert.Equal(t, "staging", lt.In("tagSpecifications[0].tags.Env"), lt.Name)
	}
}
