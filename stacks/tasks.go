package stacks

import (
	"maps"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/app"
	"github.com/strata-iac/strata/components/cluster"
	"github.com/strata-iac/strata/components/database"
	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/loadbalancer"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/network"
	"github.com/strata-iac/strata/components/secgroup"
	"github.com/strata-iac/strata/components/service"
)

// web is the ECS side of a system that serves HTTPS: its cluster, the settings of its services and
// its load balancer, prepared from config together and deployed in the order their references need.
type web struct {
	cluster cluster.Args
	service service.Args
	lb      loadbalancer.Args
}

// prepare names and protects the three, points the load balancer at the app's endpoint and reports
// their problems under cluster, service and loadBalancer; withLB false leaves the load balancer
// unchecked (its section is missing, which the caller reports).
func (w *web) prepare(errs *field.Errors, conv naming.Convention, protect bool, endpoint *app.Endpoint, withLB bool) {
	w.cluster.Naming = conv
	errs.Merge("cluster", w.cluster.Validate())
	w.service.Naming = conv
	errs.Merge("service", w.service.Validate())
	w.lb.Naming, w.lb.Protect = conv, protect
	if endpoint != nil {
		w.lb.Endpoint = *endpoint
	}
	if withLB {
		errs.Merge("loadBalancer", w.lb.Validate())
	}
}

// front is what a system's services stand on.
type front struct {
	lb *loadbalancer.LoadBalancer
	// tasks is the security group of the tasks behind the load balancer.
	tasks   *secgroup.Group
	cluster *cluster.Cluster
}

// deployFront creates the load balancer, the security group of the tasks it forwards to on port
// (which also reach stores, see tasksGroup) and the cluster.
func (w *web) deployFront(ctx *pulumi.Context, name string, conv naming.Convention, net *network.Network, port int, stores map[string]int) (*front, error) {
	w.lb.VPCID, w.lb.PublicSubnetIDs = net.VPCID, net.PublicSubnetIDs
	lb, err := loadbalancer.New(ctx, name, &w.lb)
	if err != nil {
		return nil, err
	}
	tasks, err := tasksGroup(ctx, name+"-app", conv, "app", net, []secgroup.Rule{{
		Name: "from-alb", Description: "HTTP from the load balancer", FromPort: port, SecurityGroupID: lb.SecurityGroupID,
	}}, stores)
	if err != nil {
		return nil, err
	}
	w.cluster.VPCID, w.cluster.SubnetIDs = net.VPCID, net.PrivateSubnetIDs
	cl, err := cluster.New(ctx, name, &w.cluster)
	if err != nil {
		return nil, err
	}
	return &front{lb: lb, tasks: tasks, cluster: cl}, nil
}

// serviceArgs are the service settings for spec, as group, on the front's cluster in the private
// subnets, in the security group sg.
func (w *web) serviceArgs(f *front, spec app.Spec, group string, net *network.Network, sg *secgroup.Group) service.Args {
	a := w.service
	a.App, a.Group, a.Capacity = spec, group, w.cluster.Capacity
	a.Cluster = service.Cluster{Name: f.cluster.Name, ARN: f.cluster.ARN, CapacityProvider: f.cluster.CapacityProvider,
		Ready: f.cluster.CapacityProviderDependency}
	if w.cluster.ServiceConnect {
		a.Cluster.NamespaceARN = f.cluster.NamespaceARN
	}
	a.SubnetIDs, a.SecurityGroupIDs = net.PrivateSubnetIDs, pulumi.StringArray{sg.ID}
	return a
}

// rdsDatabase is what a service may learn of an RDS database.
func rdsDatabase(d *database.Database) service.Database {
	return service.Database{SecretARN: d.SecretARN, Address: d.Address, Port: d.Port, Name: d.DBName, Username: d.Username}
}

// tasksGroup is the security group of an app's ECS tasks: what may reach them (ingress), and
// outbound HTTPS (AWS APIs, image registries) plus the ports of the data stores they use, by name.
// The outbound peers are addresses, not groups: each data store's own group already admits only
// its named clients, and naming the stores' groups here would make each group wait for the other.
func tasksGroup(ctx *pulumi.Context, name string, conv naming.Convention, group string, net *network.Network,
	ingress []secgroup.Rule, stores map[string]int) (*secgroup.Group, error) {
	egress := []secgroup.Rule{{Name: "https", Description: "AWS APIs and image registries", FromPort: 443, CIDR: "0.0.0.0/0"}}
	for _, k := range slices.Sorted(maps.Keys(stores)) {
		egress = append(egress, secgroup.Rule{Name: k, Description: k + " of the app", FromPort: stores[k], CIDR: "0.0.0.0/0"})
	}
	return secgroup.New(ctx, name, &secgroup.Args{
		Name:        conv.Name(group),
		Description: "ECS tasks of " + conv.Name(group),
		VPCID:       net.VPCID,
		Ingress:     ingress,
		Egress:      egress,
		Tags:        conv.Tags(group),
	})
}

func ptr[T any](v T) *T { return &v }
