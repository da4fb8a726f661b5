package argos

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/bucket"
	"github.com/strata-iac/strata/components/database"
	"github.com/strata-iac/strata/components/fleet"
	"github.com/strata-iac/strata/components/image"
	"github.com/strata-iac/strata/components/loadbalancer"
	"github.com/strata-iac/strata/components/network"
	"github.com/strata-iac/strata/components/policy"
	"github.com/strata-iac/strata/components/secgroup"
	"github.com/strata-iac/strata/systems/environment"
)

// Deps is what Argos takes from the rest of the stage.
type Deps struct {
	// Network is the stage's network (required).
	Network *network.Network
	// Front is the stage's shared load balancer, which holds Argos' sites; nil when Argos has none.
	Front *loadbalancer.LoadBalancer
	// Logs is the stage's log bucket, which receives the bucket's server access logs; nil: none.
	Logs *environment.Logs
}

// Argos is Argos deployed.
type Argos struct {
	pulumi.ResourceState

	// Image is the image pipeline; nil when another stage builds the image.
	Image *image.Image
	// Fleets are the enabled groups' servers, by group.
	Fleets map[string]*fleet.Fleet
	// Database is the PostgreSQL instance.
	Database *database.Database
	// Bucket is the app's bucket.
	Bucket *bucket.Bucket
	// Outputs are the stack outputs of the system.
	Outputs pulumi.Map
}

// New creates Argos as planned: the image pipeline (if this stage builds), the stores' servers,
// the app's servers, the database they reach, the rules between them and the app's grants.
func New(ctx *pulumi.Context, name string, p Plan, deps Deps, opts ...pulumi.ResourceOption) (*Argos, error) {
	net := deps.Network
	if net == nil {
		return nil, fmt.Errorf("argos %s: needs the stage's network", name)
	}
	if len(p.Sites) > 0 && deps.Front == nil {
		return nil, fmt.Errorf("argos %s: has sites but the stage's shared load balancer is missing", name)
	}
	a := &Argos{Fleets: map[string]*fleet.Fleet{}, Outputs: pulumi.Map{}}
	if err := ctx.RegisterComponentResource("strata:system:Argos", name, a, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(a)
	subnet := net.PrivateSubnetIDs[0]

	var ready []pulumi.Resource
	if p.Build != nil {
		ia := *p.Build
		ia.VPCID, ia.SubnetID = net.VPCID, subnet
		img, err := image.New(ctx, name+"-image", &ia, parent)
		if err != nil {
			return nil, err
		}
		a.Image, ready = img, img.Ready
		a.Outputs["imagePipelineArn"] = img.PipelineARN
		a.Outputs["imageId"] = img.ImageID
	}
	if p.Image.ID != "" {
		// The building stage's lifecycle policy keeps the AMI while this stage pins it; the tag
		// goes with the pin (a new id, a destroy).
		if _, err := ec2.NewTag(ctx, name+"-image-pinned", &ec2.TagArgs{
			ResourceId: pulumi.String(p.Image.ID),
			Key:        pulumi.String(PinnedTag),
			Value:      pulumi.String(PinnedValue),
		}, parent); err != nil {
			return nil, err
		}
		a.Outputs["imageId"] = pulumi.String(p.Image.ID)
	} else {
		a.Outputs["imageParameter"] = pulumi.String(p.Image.Parameter)
	}

	bucketArgs := p.Bucket
	bucketArgs.Logging = deps.Logs.Logging()
	b, err := bucket.New(ctx, name+"-bucket", &bucketArgs, parent, deps.Logs.After())
	if err != nil {
		return nil, err
	}
	a.Bucket = b

	var sites map[string]*loadbalancer.SiteOutputs
	if deps.Front != nil {
		sites = deps.Front.Sites
	}
	for _, g := range p.Groups {
		f, err := a.group(ctx, name, p, g, net, deps.Front, sites, ready)
		if err != nil {
			return nil, err
		}
		a.Fleets[g.Name] = f
	}

	// The database admits the app's groups; they reach it, and the stores, by rules added once
	// every group exists.
	clients := map[string]pulumi.StringInput{}
	for _, g := range p.Groups {
		if g.App {
			clients[g.Name] = a.Fleets[g.Name].SecurityGroupID
		}
	}
	dbArgs := p.Database
	dbArgs.VPCID, dbArgs.SubnetIDs, dbArgs.PublicSubnetIDs = net.VPCID, net.PrivateSubnetIDs, net.PublicSubnetIDs
	dbArgs.Clients = clients
	db, err := database.New(ctx, name, &dbArgs, parent)
	if err != nil {
		return nil, err
	}
	a.Database = db
	if err := a.rules(ctx, name, p, db); err != nil {
		return nil, err
	}
	if err := a.grants(ctx, name, p, b, db); err != nil {
		return nil, err
	}
	if err := a.restart(ctx, name, p, db); err != nil {
		return nil, err
	}

	groups := make([]string, 0, len(p.Groups))
	for _, g := range p.Groups {
		groups = append(groups, g.Name)
	}
	a.Outputs["groups"] = pulumi.ToStringArray(groups)
	a.Outputs["bucket"] = b.Name
	a.Outputs["databaseAddress"] = db.Address
	a.Outputs["databasePort"] = db.Port
	a.Outputs["databaseName"] = db.DBName
	a.Outputs["databaseSecretArn"] = db.SecretARN
	a.Outputs["alarmTopicArn"] = db.AlarmTopicARN
	for g, s := range p.Sites {
		a.Outputs[g+"Url"] = sites[s.Name].URL
	}
	if f, ok := a.Fleets[GroupAPI]; ok && !p.Group(GroupAPI).Single() {
		a.Outputs["apiGroupName"] = f.GroupName
	}
	if err := ctx.RegisterResourceOutputs(a, a.Outputs); err != nil {
		return nil, err
	}
	return a, nil
}

// group creates one group's servers in the first private subnet (the knowledge server's volume
// lives in that subnet's zone) and, with a site, admits the load balancer and registers with its
// target group.
func (a *Argos) group(ctx *pulumi.Context, name string, p Plan, g Group, net *network.Network,
	front *loadbalancer.LoadBalancer, sites map[string]*loadbalancer.SiteOutputs, ready []pulumi.Resource) (*fleet.Fleet, error) {
	parent := pulumi.Parent(a)
	fa := g.Fleet
	fa.VPCID, fa.DependsOn = net.VPCID, ready
	fa.Instances = slices.Clone(fa.Instances)
	for i := range fa.Instances {
		fa.Instances[i].SubnetID = net.PrivateSubnetIDs[0]
	}
	if fa.Autoscaling != nil {
		as := *fa.Autoscaling
		fa.Autoscaling, fa.SubnetIDs = &as, net.PrivateSubnetIDs
	}
	site, hasSite := p.Sites[g.Name]
	if hasSite {
		port := site.Endpoint.Port
		fa.SecurityGroup.Ingress = []secgroup.Rule{{
			Name: "from-alb", Description: "HTTP on port " + strconv.Itoa(port) + " from the stage load balancer",
			FromPort: port, SecurityGroupID: front.SecurityGroupID,
		}}
		if fa.Autoscaling != nil {
			fa.Autoscaling.TargetGroupARNs = pulumi.StringArray{sites[site.Name].TargetGroupARN}
		}
	}
	f, err := fleet.New(ctx, name+"-"+g.Name, &fa, parent)
	if err != nil {
		return nil, err
	}
	if !hasSite {
		return f, nil
	}
	port := site.Endpoint.Port
	// The load balancer's group sends nowhere by itself: each site's owner adds the way out.
	if _, err := secgroup.NewRule(ctx, name+"-alb-out-"+g.Name, front.SecurityGroupID, secgroup.Egress, secgroup.Rule{
		Name: "to-" + p.Naming.Name(g.Name), Description: "HTTP to " + p.Naming.Name(g.Name) + " on port " + strconv.Itoa(port),
		FromPort: port, SecurityGroupID: f.SecurityGroupID,
	}, p.Naming.Tags("alb"), parent); err != nil {
		return nil, err
	}
	for _, m := range fa.Instances {
		if _, err := lb.NewTargetGroupAttachment(ctx, name+"-"+m.Name, &lb.TargetGroupAttachmentArgs{
			TargetGroupArn: sites[site.Name].TargetGroupARN,
			TargetId:       f.Instances[m.Name].ID,
			Port:           pulumi.Int(port),
		}, parent); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// rules let each app group reach the database and the stores, and the stores admit exactly the
// app's groups: an egress rule on the caller's group and an ingress rule on the store's, both by
// group, never by address.
func (a *Argos) rules(ctx *pulumi.Context, name string, p Plan, db *database.Database) error {
	parent := pulumi.Parent(a)
	for _, c := range p.Groups {
		if !c.App {
			continue
		}
		caller := a.Fleets[c.Name]
		if _, err := secgroup.NewRule(ctx, name+"-"+c.Name+"-out-postgres", caller.SecurityGroupID, secgroup.Egress, secgroup.Rule{
			Name: "postgres", Description: "PostgreSQL on " + p.Database.Naming.Name(p.Database.Group),
			FromPort: p.Database.Port, SecurityGroupID: db.SecurityGroupID,
		}, p.Naming.Tags(c.Name), parent); err != nil {
			return err
		}
		for _, s := range p.Groups {
			store := a.Fleets[s.Name]
			for _, port := range s.Serves {
				if _, err := secgroup.NewRule(ctx, name+"-"+c.Name+"-out-"+port.Name, caller.SecurityGroupID, secgroup.Egress, secgroup.Rule{
					Name: port.Name, Description: port.What + " on " + p.Naming.Name(s.Name) + " port " + strconv.Itoa(port.Port),
					FromPort: port.Port, SecurityGroupID: store.SecurityGroupID,
				}, p.Naming.Tags(c.Name), parent); err != nil {
					return err
				}
				if _, err := secgroup.NewRule(ctx, name+"-"+s.Name+"-in-"+port.Name+"-"+c.Name, store.SecurityGroupID, secgroup.Ingress, secgroup.Rule{
					Name: port.Name + "-" + c.Name, Description: port.What + " for " + p.Naming.Name(c.Name),
					FromPort: port.Port, SecurityGroupID: caller.SecurityGroupID,
				}, p.Naming.Tags(s.Name), parent); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// grants give each app group's role exactly what the app needs: the database password from its
// secret, and objects of the bucket; the collector and the workers, which store what they fetch,
// may also write them.
func (a *Argos) grants(ctx *pulumi.Context, name string, p Plan, b *bucket.Bucket, db *database.Database) error {
	for _, g := range p.Groups {
		if !g.App {
			continue
		}
		doc := pulumi.All(b.ARN, db.SecretARN).ApplyT(func(v []any) (string, error) {
			return grantPolicy(v[0].(string), v[1].(string), p.Database.KMSKeyARN, g.Writes)
		}).(pulumi.StringOutput)
		if _, err := iam.NewRolePolicy(ctx, name+"-"+g.Name+"-app", &iam.RolePolicyArgs{
			Name:   pulumi.String("app"),
			Role:   a.Fleets[g.Name].RoleName,
			Policy: doc,
		}, pulumi.Parent(a)); err != nil {
			return err
		}
	}
	return nil
}

// ObjectReads and ObjectWrites are the bucket actions of the app's groups: every app group reads
// objects (and presigns their URLs for browsers); the collector and the workers store images.
var (
	ObjectReads  = []string{"s3:GetObject"}
	ObjectWrites = []string{"s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"}
)

// grantPolicy is an app group's policy: read the database secret (and decrypt it with its
// customer managed key, if any) and use the bucket's objects.
func grantPolicy(bucketARN, secretARN, kmsKeyARN string, writes bool) (string, error) {
	objects := ObjectReads
	if writes {
		objects = ObjectWrites
	}
	statements := []policy.Statement{
		policy.Allow("DatabaseSecret", []string{"secretsmanager:GetSecretValue"}, secretARN),
		policy.Allow("AppObjects", slices.Clone(objects), policy.Objects(bucketARN, "")),
	}
	if kmsKeyARN != "" {
		statements = append(statements, policy.Allow("DatabaseSecretKey", []string{"kms:Decrypt"}, kmsKeyARN))
	}
	return policy.New(statements...).JSON()
}
