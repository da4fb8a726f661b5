package mock

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

type custom struct {
	pulumi.CustomResourceState
	Arn pulumi.StringOutput `pulumi:"arn"`
}

type component struct{ pulumi.ResourceState }

func TestRecordsRegistrations(t *testing.T) {
	res, err := Run(func(ctx *pulumi.Context) error {
		comp := &component{}
		if err := ctx.RegisterComponentResource("strata:test:Thing", "thing", comp); err != nil {
			return err
		}
		first := &custom{}
		if err := ctx.RegisterResource("aws:dynamodb/table:Table", "jobs", pulumi.Map{"name": pulumi.String("kotta-test-jobs")},
			first, pulumi.Parent(comp), pulumi.Protect(true)); err != nil {
			return err
		}
		second := &custom{}
		if err := ctx.RegisterResource("aws:s3/bucketV2:BucketV2", "bucket", pulumi.Map{"bucket": pulumi.String("my-bucket")},
			second, pulumi.Parent(comp), pulumi.DependsOn([]pulumi.Resource{first})); err != nil {
			return err
		}
		if err := ctx.RegisterRemoteComponentResource("test:remote:Thing", "net", pulumi.Map{
			"size": pulumi.Int(2),
		}, &component{}, pulumi.Parent(comp)); err != nil {
			return err
		}
		if err := ctx.RegisterResource("aws:ec2/securityGroup:SecurityGroup", "sg", pulumi.Map{}, &custom{}); err != nil {
			return err
		}
		if err := ctx.RegisterResource("aws:lightsail/database:Database", "db", pulumi.Map{
			"password": pulumi.ToSecret(pulumi.String("hunter2")),
		}, &custom{}); err != nil {
			return err
		}
		ctx.Export("tableArn", first.Arn)
		ctx.Export("secret", pulumi.ToSecret(second.Arn))
		return nil
	}, Options{Project: "strata", Stack: "test", Config: map[string]string{"aws:region": "eu-west-1"}})
	if err != nil {
		t.Fatal(err)
	}
	comp := res.Get("strata:test:Thing", "thing")
	table := res.Get("aws:dynamodb/table:Table", "jobs")
	bucket := res.Get("aws:s3/bucketV2:BucketV2", "bucket")
	vpc := res.Get("test:remote:Thing", "net")
	sg := res.Get("aws:ec2/securityGroup:SecurityGroup", "sg")
	secret := res.Get("aws:lightsail/database:Database", "db")
	if comp == nil || table == nil || bucket == nil || vpc == nil || sg == nil || secret == nil {
		t.Fatalf("got %d resources, want the component, the table and the bucket", len(res.Resources()))
	}
	if comp.Custom || comp.Parent != "" {
		t.Errorf("component: got custom %v parent %q, want a top-level component", comp.Custom, comp.Parent)
	}
	if table.Parent != comp.URN || bucket.Parent != comp.URN {
		t.Errorf("got parents %q, %q, want %q", table.Parent, bucket.Parent, comp.URN)
	}
	if res.ByURN(table.URN) != table {
		t.Error("ByURN does not find the table")
	}
	if !table.Protect || bucket.Protect {
		t.Errorf("got protect %v, %v, want true, false", table.Protect, bucket.Protect)
	}
	if len(bucket.Dependencies) != 1 || bucket.Dependencies[0] != table.URN {
		t.Errorf("got dependencies %v, want the table", bucket.Dependencies)
	}
	for _, tc := range []struct{ got, want any }{
		{table.In("name"), "kotta-test-jobs"},
		{table.ID, "kotta-test-jobs"},
		{table.Out("arn"), "arn:aws:dynamodb:eu-west-1:123456789012:table/kotta-test-jobs"},
		{bucket.Out("arn"), "arn:aws:s3:::my-bucket"},
		{res.Outputs["tableArn"], "arn:aws:dynamodb:eu-west-1:123456789012:table/kotta-test-jobs"},
		{res.SecretOutputs["secret"], true},
		{res.SecretOutputs["tableArn"], false},
		{vpc.Out("size"), float64(2)},
		{sg.ID[:3], "sg-"},
		{sg.Out("arn"), "arn:aws:ec2:eu-west-1:123456789012:security-group/" + sg.ID},
	} {
		if tc.got != tc.want {
			t.Errorf("got %v, want %v", tc.got, tc.want)
		}
	}
}

func TestARNs(t *testing.T) {
	m := NewMonitor("strata", "test", "")
	for _, tc := range []struct{ typ, name, want string }{
		{"aws:iam/instanceProfile:InstanceProfile", "p", "arn:aws:iam::123456789012:instance-profile/p"},
		{"aws:iam/role:Role", "r", "arn:aws:iam::123456789012:role/r"},
		{"aws:sqs/queue:Queue", "q", "arn:aws:sqs:us-east-1:123456789012:q"},
		{"aws:cloudwatch/logGroup:LogGroup", "/ecs/app", "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/app"},
		{"aws:efs/fileSystem:FileSystem", "fs-1", "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1"},
		{"strata:x:Y", "c", ""},
	} {
		if got := m.arn(tc.typ, tc.name, tc.name); got != tc.want {
			t.Errorf("arn(%s): got %q, want %q", tc.typ, got, tc.want)
		}
	}
}

func TestInvokes(t *testing.T) {
	m := NewMonitor("strata", "test", "us-west-2")
	got, err := m.Call(pulumi.MockCallArgs{Token: "aws:index/getRegion:getRegion"})
	if err != nil || got["name"].StringValue() != "us-west-2" {
		t.Errorf("getRegion: got %v, %v", got, err)
	}
	got, err = m.Call(pulumi.MockCallArgs{Token: "aws:index/getCallerIdentity:getCallerIdentity"})
	if err != nil || got["accountId"].StringValue() != Account {
		t.Errorf("getCallerIdentity: got %v, %v", got, err)
	}
	if _, err := m.Call(pulumi.MockCallArgs{Token: "aws:ec2/getAmi:getAmi"}); err == nil ||
		!strings.Contains(err.Error(), "no canned answer for invoke aws:ec2/getAmi:getAmi") {
		t.Errorf("unknown invoke: got %v, want an error naming it", err)
	}
	if n := len(m.Invokes()); n != 3 {
		t.Errorf("got %d invokes recorded, want 3", n)
	}
}

// Registrations arrive from many goroutines; none may be lost.
func TestConcurrentRegistrations(t *testing.T) {
	const n = 64
	res, err := Run(func(ctx *pulumi.Context) error {
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- ctx.RegisterResource("aws:sqs/queue:Queue", fmt.Sprintf("q%d", i), pulumi.Map{}, &custom{})
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				return err
			}
		}
		return nil
	}, Options{Project: "strata", Stack: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(res.ByType("aws:sqs/queue:Queue")); got != n {
		t.Errorf("got %d queues, want %d", got, n)
	}
}

func TestRunReturnsTheProgramError(t *testing.T) {
	_, err := Run(func(ctx *pulumi.Context) error { return fmt.Errorf("boom") }, Options{Project: "p", Stack: "s"})
	if err == nil || err.Error() != "boom" {
		t.Errorf("got %v, want the program's own error", err)
	}
}

func TestRunPassesConfigAndKeyList(t *testing.T) {
	_, err := Run(func(ctx *pulumi.Context) error {
		if v, ok := ctx.GetConfig("strata:owner"); !ok || v != "ops" {
			return fmt.Errorf("strata:owner: got %q", v)
		}
		if !ctx.IsConfigSecret("strata:owner") {
			return fmt.Errorf("strata:owner should be secret")
		}
		if !strings.Contains(envConfig(), `"strata:owner"`) {
			return fmt.Errorf("PULUMI_CONFIG lacks the key list")
		}
		return nil
	}, Options{Project: "p", Stack: "s", Config: map[string]string{"strata:owner": "ops"}, SecretKeys: []string{"strata:owner"}})
	if err != nil {
		t.Fatal(err)
	}
	if envConfig() != "" {
		t.Error("PULUMI_CONFIG must be cleared after the run")
	}
}

func envConfig() string { return os.Getenv(pulumi.EnvConfig) }

// Secret inputs stay secret in the mocked state.
func TestSecretInputsStaySecret(t *testing.T) {
	m := NewMonitor("p", "s", "")
	_, out, err := m.NewResource(pulumi.MockResourceArgs{
		TypeToken: "aws:lightsail/database:Database", Name: "db", Custom: true,
		Inputs: resource.NewPropertyMapFromMap(map[string]any{
			"relationalDatabaseName": "db", "masterPassword": resource.MakeSecret(resource.NewProperty("hunter2")),
		}),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !out["masterPassword"].IsSecret() {
		t.Error("masterPassword lost its secret marker")
	}
	if out["masterEndpointAddress"].StringValue() == "" {
		t.Error("no endpoint address")
	}
}

// Exports that resolve at once are captured too, not only those waiting on resources.
func TestRunCapturesEveryExport(t *testing.T) {
	for range 20 {
		res, err := Run(func(ctx *pulumi.Context) error {
			ctx.Export("empty", pulumi.String("").ToStringOutput())
			ctx.Export("plain", pulumi.String("x"))
			ctx.Export("map", pulumi.Map{"k": pulumi.Int(1)})
			return nil
		}, Options{Project: "p", Stack: "s"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Outputs["empty"] != "" || res.Outputs["plain"] != "x" || len(res.Outputs) != 3 {
			t.Fatalf("got %#v", res.Outputs)
		}
	}
}
