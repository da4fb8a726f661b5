package export

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/internal/plan"
	"github.com/strata-iac/strata/internal/tfschema"
)

// exported runs a stage and returns its export decoded from JSON, as a scanner reads it.
func exported(t *testing.T, stack string) (map[string]any, []Skipped) {
	t.Helper()
	res, err := plan.Run("../..", stack)
	require.NoError(t, err)
	p, skipped := TerraformPlan(res, "us-east-2")
	b, err := json.Marshal(p)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b, &doc))
	return doc, skipped
}

func list(v any) []any         { l, _ := v.([]any); return l }
func obj(v any) map[string]any { m, _ := v.(map[string]any); return m }
func str(v any) string         { s, _ := v.(string); return s }
func byAddress(rs []any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, r := range rs {
		out[str(obj(r)["address"])] = obj(r)
	}
	return out
}

var snake = regexp.MustCompile(`^[a-z0-9_]+$`)

func TestShape(t *testing.T) {
	for _, stack := range []string{"staging", "production"} {
		t.Run(stack, func(t *testing.T) {
			doc, skipped := exported(t, stack)
			assert.Equal(t, "1.2", doc["format_version"])
			planned := list(obj(obj(doc["planned_values"])["root_module"])["resources"])
			changes := list(doc["resource_changes"])
			config := list(obj(obj(doc["configuration"])["root_module"])["resources"])
			require.NotEmpty(t, planned)
			assert.Len(t, changes, len(planned))
			assert.Len(t, config, len(planned))
			assert.Equal(t, "registry.terraform.io/hashicorp/aws", obj(obj(obj(doc["configuration"])["provider_config"])["aws"])["full_name"])

			addresses := byAddress(planned)
			assert.Len(t, addresses, len(planned), "addresses are unique")
			known := map[string]bool{}
			for _, tf := range tfschema.Types() {
				known[tf] = true
			}
			for addr, r := range addresses {
				typ, name := str(r["type"]), str(r["name"])
				assert.Equal(t, typ+"."+name, addr)
				assert.Equal(t, "managed", r["mode"])
				bridged := strings.HasPrefix(typ, "random_") || strings.HasPrefix(typ, "tls_")
				assert.True(t, known[typ] || bridged, "%s: %s is not a Terraform type strata maps", addr, typ)
				assert.Regexp(t, `^[A-Za-z_][A-Za-z0-9_-]*$`, name)
				for k := range obj(r["values"]) {
					assert.Regexp(t, snake, k, "%s: attribute %q", addr, k)
				}
			}
			for _, c := range changes {
				assert.Equal(t, []any{"create"}, obj(obj(c)["change"])["actions"])
			}
			// Every reference names an exported resource.
			for _, c := range config {
				walkRefs(obj(c)["expressions"], func(ref string) {
					parts := strings.Split(ref, ".")
					require.GreaterOrEqual(t, len(parts), 2, ref)
					_, ok := addresses[parts[0]+"."+parts[1]]
					assert.True(t, ok, "%s refers to %s, which is not exported", obj(c)["address"], ref)
				})
			}
			for _, sk := range skipped {
				assert.NotEmpty(t, sk.Reason)
				_, mapped := tfschema.TerraformType(sk.Type)
				assert.False(t, mapped, "%s has a Terraform type but was skipped", sk.Type)
			}
		})
	}
}

func walkRefs(v any, fn func(string)) {
	switch x := v.(type) {
	case map[string]any:
		if refs, ok := x["references"]; ok {
			for _, r := range list(refs) {
				fn(str(r))
			}
			return
		}
		for _, e := range x {
			walkRefs(e, fn)
		}
	case []any:
		for _, e := range x {
			walkRefs(e, fn)
		}
	}
}

// first returns the first resource of a Terraform type, by address.
func first(t *testing.T, rs map[string]map[string]any, tfType string) map[string]any {
	t.Helper()
	var addrs []string
	for a, r := range rs {
		if r["type"] == tfType {
			addrs = append(addrs, a)
		}
	}
	require.NotEmpty(t, addrs, "no %s exported", tfType)
	slices.Sort(addrs)
	return rs[addrs[0]]
}

func TestAttributesAndReferences(t *testing.T) {
	doc, _ := exported(t, "production")
	planned := byAddress(list(obj(obj(doc["planned_values"])["root_module"])["resources"]))
	config := byAddress(list(obj(obj(doc["configuration"])["root_module"])["resources"]))
	refersTo := func(expr any, tfType string) bool {
		for _, r := range list(obj(expr)["references"]) {
			if strings.HasPrefix(str(r), tfType+".") {
				return true
			}
		}
		return false
	}

	table := obj(first(t, planned, "aws_dynamodb_table")["values"])
	assert.Equal(t, []any{map[string]any{"enabled": true}}, table["point_in_time_recovery"], "single-element blocks are one-element lists")
	assert.Equal(t, []any{map[string]any{"enabled": true}}, table["server_side_encryption"])
	assert.NotEmpty(t, obj(list(table["attribute"])[0])["name"], "list blocks take the singular name")
	assert.NotEmpty(t, obj(table["tags"])["App"], "tags stay a map")

	db := obj(first(t, planned, "aws_db_instance")["values"])
	assert.Equal(t, true, db["storage_encrypted"])
	assert.Equal(t, false, db["publicly_accessible"])
	assert.Contains(t, db, "db_name")

	lb := obj(first(t, planned, "aws_lb")["values"])
	require.Len(t, list(lb["access_logs"]), 1)
	assert.Equal(t, true, obj(list(lb["access_logs"])[0])["enabled"])

	pab := obj(first(t, config, "aws_s3_bucket_public_access_block")["expressions"])
	assert.True(t, refersTo(pab["bucket"], "aws_s3_bucket"), "a public access block refers to its bucket: %v", pab["bucket"])
	assert.Equal(t, map[string]any{"constant_value": true}, pab["block_public_acls"])

	svc := obj(first(t, config, "aws_ecs_service")["expressions"])
	nc := obj(list(svc["network_configuration"])[0])
	assert.True(t, refersTo(nc["security_groups"], "aws_security_group"), "nested block expressions carry references")
	assert.True(t, refersTo(svc["task_definition"], "aws_ecs_task_definition"))

	rule := obj(first(t, config, "aws_vpc_security_group_ingress_rule")["expressions"])
	assert.True(t, refersTo(rule["security_group_id"], "aws_security_group"))
}

func TestSecretsAreSensitive(t *testing.T) {
	doc, _ := exported(t, "staging")
	planned := byAddress(list(obj(obj(doc["planned_values"])["root_module"])["resources"]))
	db := planned["aws_lightsail_database.epimetheus-db"]
	require.NotNil(t, db)
	assert.Nil(t, obj(db["values"])["master_password"])
	assert.Equal(t, true, obj(db["sensitive_values"])["master_password"])
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	assert.NotContains(t, string(b), "[secret]")
}

func TestUniqueNames(t *testing.T) {
	used := map[string]bool{}
	assert.Equal(t, "a-b", uniqueName("aws_x", "a-b", used))
	assert.Equal(t, "a-b_2", uniqueName("aws_x", "a-b", used))
	assert.Equal(t, "a-b", uniqueName("aws_y", "a-b", used))
	assert.Equal(t, "alarms-x_example_org", uniqueName("aws_x", "alarms-x@example.org", used))
	assert.Equal(t, "r_1st", uniqueName("aws_x", "1st", used))
}
