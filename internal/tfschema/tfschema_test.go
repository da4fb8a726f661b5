package tfschema

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEveryTypeHasASchema(t *testing.T) {
	for pulumiType, tfType := range Types() {
		r := Lookup(tfType)
		if assert.NotNil(t, r, "%s maps to %s, which has no schema", pulumiType, tfType) {
			assert.NotEmpty(t, r.Attrs, "%s: no attributes extracted", tfType)
			assert.True(t, strings.HasPrefix(r.Source, "internal/service/"), "%s: source %q", tfType, r.Source)
		}
	}
}

func TestForceNew(t *testing.T) {
	tests := []struct {
		pulumiType string
		path       []string
		wantTF     string
		want       bool
	}{
		{"aws:rds/instance:Instance", []string{"dbName"}, "db_name", true},
		{"aws:rds/instance:Instance", []string{"engine"}, "engine", true},
		{"aws:rds/instance:Instance", []string{"username"}, "username", true},
		// The provider renames an instance in place (ModifyDBInstance).
		{"aws:rds/instance:Instance", []string{"identifier"}, "identifier", false},
		{"aws:rds/instance:Instance", []string{"instanceClass"}, "instance_class", false},
		{"aws:rds/instance:Instance", []string{"tags", "Env"}, "tags", false},
		{"aws:s3/bucketV2:BucketV2", []string{"bucket"}, "bucket", true},
		{"aws:dynamodb/table:Table", []string{"hashKey"}, "hash_key", true},
		{"aws:dynamodb/table:Table", []string{"name"}, "name", true},
		{"aws:dynamodb/table:Table", []string{"billingMode"}, "billing_mode", false},
		{"aws:efs/fileSystem:FileSystem", []string{"encrypted"}, "encrypted", true},
		{"aws:ecs/service:Service", []string{"deploymentController", "type"}, "deployment_controller.type", true},
		{"aws:ecs/service:Service", []string{"desiredCount"}, "desired_count", false},
		{"aws:lb/listener:Listener", []string{"defaultActions", "0", "type"}, "default_action.type", false},
		{"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", []string{"securityGroupId"}, "security_group_id", true},
		{"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", []string{"cidrIpv4"}, "cidr_ipv4", false},
		{"aws:lightsail/database:Database", []string{"bundleId"}, "bundle_id", true},
		{"aws:kms/key:Key", []string{"description"}, "description", false},
	}
	for _, tt := range tests {
		t.Run(tt.pulumiType+" "+strings.Join(tt.path, "."), func(t *testing.T) {
			r := ForPulumi(tt.pulumiType)
			require.NotNil(t, r)
			tf, got := r.ForceNew(tt.path)
			assert.Equal(t, tt.wantTF, tf)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestField(t *testing.T) {
	tests := []struct {
		pulumiType, key, want string
	}{
		{"aws:lb/listener:Listener", "defaultActions", "default_action"},
		{"aws:ecs/service:Service", "capacityProviderStrategies", "capacity_provider_strategy"},
		{"aws:route53/record:Record", "aliases", "alias"},
		{"aws:dynamodb/table:Table", "attributes", "attribute"},
		{"aws:autoscaling/group:Group", "vpcZoneIdentifiers", "vpc_zone_identifier"},
		{"aws:autoscaling/group:Group", "tags", "tag"},
		{"aws:ec2/launchTemplate:LaunchTemplate", "blockDeviceMappings", "block_device_mappings"},
		{"aws:rds/instance:Instance", "enabledCloudwatchLogsExports", "enabled_cloudwatch_logs_exports"},
		{"aws:rds/instance:Instance", "notInTheSchema", "not_in_the_schema"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			got, _ := Field(ForPulumi(tt.pulumiType).Attrs, tt.key)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestSnake(t *testing.T) {
	for in, want := range map[string]string{
		"cidrIpv4": "cidr_ipv4", "s3BucketArn": "s3_bucket_arn", "kmsKeyId": "kms_key_id", "name": "name",
		"enableDnsHostnames": "enable_dns_hostnames", "randomPassword": "random_password",
	} {
		assert.Equal(t, want, Snake(in), in)
	}
}

func TestSourceURL(t *testing.T) {
	repo, commit, date := Origin()
	assert.Equal(t, "hashicorp/terraform-provider-aws", repo)
	assert.Len(t, commit, 40)
	assert.NotEmpty(t, date)
	assert.Equal(t, "https://github.com/hashicorp/terraform-provider-aws/blob/"+commit+"/internal/service/rds/instance.go",
		Lookup("aws_db_instance").SourceURL())
}
