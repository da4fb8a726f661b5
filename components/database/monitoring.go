package database

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/role"
)

// monitoringPolicy is the AWS managed policy that lets RDS write Enhanced Monitoring metrics to
// CloudWatch Logs (log group RDSOSMetrics); it is not a *FullAccess policy.
const monitoringPolicy = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"

// monitoring creates the Enhanced Monitoring role of the instance: trusted by
// monitoring.rds.amazonaws.com on behalf of this account and this instance only.
func (a Args) monitoring(ctx *pulumi.Context, name, identifier string, parent pulumi.ResourceOrInvokeOption) (*role.Role, error) {
	partition, err := aws.GetPartition(ctx, &aws.GetPartitionArgs{}, parent)
	if err != nil {
		return nil, err
	}
	region, err := aws.GetRegion(ctx, &aws.GetRegionArgs{}, parent)
	if err != nil {
		return nil, err
	}
	caller, err := aws.GetCallerIdentity(ctx, &aws.GetCallerIdentityArgs{}, parent)
	if err != nil {
		return nil, err
	}
	group := a.monitoringGroup()
	return role.New(ctx, name+"-monitoring", &role.Args{
		Name:        a.monitoringRoleName(),
		Description: "Enhanced Monitoring of RDS instance " + identifier,
		Services: []role.Service{{
			Principal: role.RDSMonitoring,
			SourceARN: fmt.Sprintf("arn:%s:rds:%s:%s:db:%s", partition.Partition, region.Name, caller.AccountId, identifier),
		}},
		ManagedPolicyARNs: []string{monitoringPolicy},
		Tags:              a.Naming.Tags(group),
	}, parent)
}

// rotation sets the rotation schedule of the master user secret that RDS manages. RDS rotates it
// itself (managed rotation, no Lambda function), so only the schedule is given. The secret
// already exists and rotates: rotating it again now would only disconnect the apps early.
func (a Args) rotation(ctx *pulumi.Context, name string, secretARN pulumi.StringOutput, parent pulumi.ResourceOption) error {
	_, err := secretsmanager.NewSecretRotation(ctx, name+"-secret-rotation", &secretsmanager.SecretRotationArgs{
		SecretId:          secretARN,
		RotateImmediately: pulumi.Bool(false),
		RotationRules: &secretsmanager.SecretRotationRotationRulesArgs{
			AutomaticallyAfterDays: pulumi.Int(a.SecretRotationDays),
		},
	}, parent)
	return err
}
