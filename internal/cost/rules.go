package cost

import (
	"fmt"
	"math"
	"strings"

	"github.com/strata-iac/strata/internal/plan"
)

// rule prices one resource. Lines name a price key; Compute fills in price and cost.
type rule func(e *estimator, r plan.Resource) []Line

// rules are the pricing rules by type token.
var rules = map[string]rule{
	"awsx:ec2:Vpc":                                    awsxVPC,
	"aws:ec2/natGateway:NatGateway":                   natGateway,
	"aws:ec2/eip:Eip":                                 eip,
	"aws:lb/loadBalancer:LoadBalancer":                loadBalancer,
	"aws:ec2/instance:Instance":                       instance,
	"aws:autoscaling/group:Group":                     autoscalingGroup,
	"aws:ebs/volume:Volume":                           volume,
	"aws:rds/instance:Instance":                       rdsInstance,
	"aws:ecs/service:Service":                         ecsService,
	"aws:lightsail/containerService:ContainerService": lightsailContainer,
	"aws:lightsail/database:Database":                 lightsailDatabase,
	"aws:lightsail/instance:Instance":                 lightsailInstance,
	"aws:efs/fileSystem:FileSystem":                   efs,
	"aws:secretsmanager/secret:Secret":                secret,
	"aws:kms/key:Key":                                 kmsKey,
	"aws:cloudwatch/metricAlarm:MetricAlarm":          alarm,
	"aws:cloudwatch/logGroup:LogGroup":                logGroup,
	"aws:ec2/flowLog:FlowLog":                         flowLog,
	"aws:dynamodb/table:Table":                        dynamoTable,
	"aws:s3/bucketV2:BucketV2":                        bucket,
	"aws:s3/bucket:Bucket":                            bucket,
	"aws:wafv2/webAcl:WebAcl":                         webACL,
	"aws:sqs/queue:Queue":                             queue,
	"aws:sns/topic:Topic":                             topic,
	"aws:ec2/vpcEndpoint:VpcEndpoint":                 vpcEndpoint,
	"aws:route53/zone:Zone":                           hostedZone,
	"aws:datasync/task:Task":                          datasyncTask,
	"aws:ssm/parameter:Parameter":                     ssmParameter,
}

// natLines are the lines of n NAT gateways with their public addresses.
func natLines(e *estimator, n float64, public bool, basis string) []Line {
	h := e.hours()
	lines := []Line{
		{Item: "NAT gateway hours", Quantity: n * h, Unit: "hour", PriceKey: "nat.hour", Basis: basis},
		{Item: "NAT gateway data processed", Quantity: n * e.a.num("natGatewayGBPerMonth"), Unit: "GB", PriceKey: "nat.gb", Basis: "natGatewayGBPerMonth per gateway"},
	}
	if public {
		lines = append(lines, Line{Item: "public IPv4 of the NAT gateways", Quantity: n * h, Unit: "hour", PriceKey: "ipv4.hour", Basis: "one Elastic IP per gateway"})
	}
	return lines
}

// awsxVPC prices what awsx's Vpc creates inside its remote component: the NAT gateways and their
// Elastic IPs. Everything else it creates has no charge.
func awsxVPC(e *estimator, r plan.Resource) []Line {
	azs := float64(len(list(r.Inputs["availabilityZoneNames"])))
	if azs == 0 {
		azs = num(r.Inputs["numberOfAvailabilityZones"], 3) // awsx's default
	}
	strategy := str(obj(r.Inputs["natGateways"])["strategy"])
	var n float64
	switch strategy {
	case "None":
		return nil
	case "Single":
		n = 1
	default: // OnePerAz, awsx's default
		n, strategy = azs, "OnePerAz"
	}
	return natLines(e, n, true, fmt.Sprintf("natGateways.strategy %s, %g zones", strategy, azs))
}

func natGateway(e *estimator, r plan.Resource) []Line {
	// A public NAT gateway's address is an Elastic IP, priced as its own resource.
	return natLines(e, 1, false, "one gateway")
}

func eip(e *estimator, r plan.Resource) []Line {
	return []Line{{Item: "public IPv4 address", Quantity: e.hours(), Unit: "hour", PriceKey: "ipv4.hour"}}
}

func loadBalancer(e *estimator, r plan.Resource) []Line {
	h := e.hours()
	var lines []Line
	switch t := str(r.Inputs["loadBalancerType"]); t {
	case "", "application":
		lines = []Line{
			{Item: "ALB hours", Quantity: h, Unit: "hour", PriceKey: "alb.hour"},
			{Item: "ALB capacity units", Quantity: h * e.a.num("albLCU"), Unit: "LCU-hour", PriceKey: "alb.lcu", Basis: "albLCU"},
		}
	case "network":
		lines = []Line{
			{Item: "NLB hours", Quantity: h, Unit: "hour", PriceKey: "nlb.hour"},
			{Item: "NLB capacity units", Quantity: h * e.a.num("albLCU"), Unit: "NLCU-hour", PriceKey: "nlb.lcu", Basis: "albLCU"},
		}
	default:
		lines = []Line{{Item: t + " load balancer hours", Quantity: h, Unit: "hour", PriceKey: t + ".hour"}}
	}
	if !truthy(r.Inputs["internal"]) {
		subnets := float64(len(list(r.Inputs["subnets"])) + len(list(r.Inputs["subnetMappings"])))
		lines = append(lines, Line{Item: "public IPv4 of the load balancer nodes", Quantity: subnets * e.a.num("albPublicIPv4PerSubnet") * h,
			Unit: "hour", PriceKey: "ipv4.hour", Basis: fmt.Sprintf("%g subnets × albPublicIPv4PerSubnet", subnets)})
	}
	return lines
}

// ebsLines prices count volumes described by an EBS block (volumeSize, volumeType, iops,
// throughput), or the default root volume.
func ebsLines(e *estimator, ebs map[string]any, count float64, what string) []Line {
	size := num(ebs["volumeSize"], num(ebs["size"], e.a.num("ec2RootVolumeGB")))
	typ := str(ebs["volumeType"])
	if typ == "" {
		typ = str(ebs["type"])
	}
	if typ == "" {
		typ = "gp3"
	}
	basis := fmt.Sprintf("%g GB %s × %g", size, typ, count)
	lines := []Line{{Item: what + " storage (" + typ + ")", Quantity: size * count, Unit: "GB-month", PriceKey: "ebs." + typ + ".gbmonth", Basis: basis}}
	switch typ {
	case "gp3":
		if iops := num(ebs["iops"], 0); iops > 3000 {
			lines = append(lines, Line{Item: what + " IOPS above 3,000", Quantity: (iops - 3000) * count, Unit: "IOPS-month", PriceKey: "ebs.gp3.iopsmonth"})
		}
		if tp := num(ebs["throughput"], 0); tp > 125 {
			lines = append(lines, Line{Item: what + " throughput above 125 MB/s", Quantity: (tp - 125) * count, Unit: "MB/s-month", PriceKey: "ebs.gp3.mbpsmonth"})
		}
	case "io1", "io2":
		lines = append(lines, Line{Item: what + " provisioned IOPS", Quantity: num(ebs["iops"], 0) * count, Unit: "IOPS-month", PriceKey: "ebs." + typ + ".iopsmonth"})
	}
	return lines
}

// launchTemplate returns the launch template a group or instance launches from: the one among its
// dependencies, else the one spec names (name or launchTemplateName).
func launchTemplate(e *estimator, r plan.Resource, spec map[string]any) plan.Resource {
	if lt, ok := e.dependency(r, "aws:ec2/launchTemplate:LaunchTemplate"); ok {
		return lt
	}
	if name := str(spec["name"]) + str(spec["launchTemplateName"]); name != "" {
		lt, _ := e.find("aws:ec2/launchTemplate:LaunchTemplate", "name", name)
		return lt
	}
	return plan.Resource{}
}

// instance prices an instance: its type and market options, else its launch template's, and
// its root and data volumes.
func instance(e *estimator, r plan.Resource) []Line {
	lt := launchTemplate(e, r, obj(r.Inputs["launchTemplate"]))
	factor := 1.0
	market := "on-demand"
	spot := str(obj(r.Inputs["instanceMarketOptions"])["marketType"]) == "spot" ||
		str(obj(lt.Inputs["instanceMarketOptions"])["marketType"]) == "spot"
	if spot {
		factor, market = 1-e.a.num("ec2SpotDiscount"), "Spot"
	}
	typ := str(r.Inputs["instanceType"])
	if typ == "" {
		typ = str(lt.Inputs["instanceType"])
	}
	if typ == "" {
		typ = "unknown"
	}
	lines := []Line{{Item: "instance hours (" + typ + ", " + market + ")", Quantity: e.hours(), Unit: "hour", PriceKey: "ec2." + typ + ".hour", Factor: factor}}
	root := obj(r.Inputs["rootBlockDevice"])
	if root == nil {
		if m := list(lt.Inputs["blockDeviceMappings"]); len(m) > 0 {
			root = obj(obj(m[0])["ebs"])
		}
	}
	if root == nil {
		root = map[string]any{}
	}
	lines = append(lines, ebsLines(e, root, 1, "root volume")...)
	for _, b := range list(r.Inputs["ebsBlockDevices"]) {
		lines = append(lines, ebsLines(e, obj(b), 1, "data volume")...)
	}
	if truthy(r.Inputs["associatePublicIpAddress"]) {
		lines = append(lines, Line{Item: "public IPv4 address", Quantity: e.hours(), Unit: "hour", PriceKey: "ipv4.hour"})
	}
	return lines
}

// autoscalingGroup prices the instances of a group at the size the asgCapacity assumption
// chooses, from its launch template (or the first override of a mixed instances policy), with the
// Spot share of a mixed policy discounted.
func autoscalingGroup(e *estimator, r plan.Resource) []Line {
	size, sizeBasis := groupSize(e, r)
	mixed := obj(r.Inputs["mixedInstancesPolicy"])
	ltSpec := obj(r.Inputs["launchTemplate"])
	if mixed != nil {
		ltSpec = obj(obj(obj(mixed["launchTemplate"])["launchTemplateSpecification"]))
	}
	lt := launchTemplate(e, r, ltSpec)
	typ := str(lt.Inputs["instanceType"])
	onDemand := size
	if mixed != nil {
		if o := list(obj(mixed["launchTemplate"])["overrides"]); len(o) > 0 && str(obj(o[0])["instanceType"]) != "" {
			typ = str(obj(o[0])["instanceType"])
		}
		dist := obj(mixed["instancesDistribution"])
		base := math.Min(num(dist["onDemandBaseCapacity"], 0), size)
		pct := num(dist["onDemandPercentageAboveBaseCapacity"], 100)
		onDemand = base + (size-base)*pct/100
	}
	if str(obj(lt.Inputs["instanceMarketOptions"])["marketType"]) == "spot" {
		onDemand = 0
	}
	spot := size - onDemand
	if typ == "" {
		typ = "unknown"
	}
	h := e.hours()
	var lines []Line
	if onDemand > 0 {
		lines = append(lines, Line{Item: fmt.Sprintf("%g %s on-demand instances", onDemand, typ), Quantity: onDemand * h, Unit: "hour", PriceKey: "ec2." + typ + ".hour", Basis: sizeBasis})
	}
	if spot > 0 {
		lines = append(lines, Line{Item: fmt.Sprintf("%g %s Spot instances", spot, typ), Quantity: spot * h, Unit: "hour", PriceKey: "ec2." + typ + ".hour",
			Factor: 1 - e.a.num("ec2SpotDiscount"), Basis: sizeBasis + "; ec2SpotDiscount"})
	}
	mappings := list(lt.Inputs["blockDeviceMappings"])
	if len(mappings) == 0 {
		mappings = []any{map[string]any{"ebs": map[string]any{}}}
	}
	for _, m := range mappings {
		if ebs := obj(obj(m)["ebs"]); ebs != nil {
			lines = append(lines, ebsLines(e, ebs, size, "instance volumes")...)
		}
	}
	for _, ni := range list(lt.Inputs["networkInterfaces"]) {
		if truthy(obj(ni)["associatePublicIpAddress"]) {
			lines = append(lines, Line{Item: "public IPv4 of the instances", Quantity: size * h, Unit: "hour", PriceKey: "ipv4.hour"})
		}
	}
	return lines
}

func groupSize(e *estimator, r plan.Resource) (float64, string) {
	minSize, maxSize := num(r.Inputs["minSize"], 0), num(r.Inputs["maxSize"], 0)
	switch e.a["asgCapacity"].Text {
	case "min":
		return minSize, fmt.Sprintf("asgCapacity min: minSize %g", minSize)
	case "max":
		return maxSize, fmt.Sprintf("asgCapacity max: maxSize %g", maxSize)
	}
	if d, ok := r.Inputs["desiredCapacity"]; ok {
		return num(d, minSize), fmt.Sprintf("asgCapacity desired: desiredCapacity %g (min %g, max %g)", num(d, minSize), minSize, maxSize)
	}
	return minSize, fmt.Sprintf("asgCapacity desired: no desiredCapacity, minSize %g", minSize)
}

func volume(e *estimator, r plan.Resource) []Line { return ebsLines(e, r.Inputs, 1, "volume") }

func rdsInstance(e *estimator, r plan.Resource) []Line {
	copies, deploy := 1.0, "Single-AZ"
	if truthy(r.Inputs["multiAz"]) {
		copies, deploy = 2, "Multi-AZ: primary and standby"
	}
	engine := str(r.Inputs["engine"])
	class := str(r.Inputs["instanceClass"])
	storage := str(r.Inputs["storageType"])
	if storage == "" {
		storage = "gp2" // RDS's default when none is given
	}
	gb := num(r.Inputs["allocatedStorage"], 0)
	lines := []Line{
		{Item: fmt.Sprintf("%s %s instance hours (%s)", engine, class, deploy), Quantity: copies * e.hours(), Unit: "hour", PriceKey: "rds." + engine + "." + class + ".hour"},
		{Item: fmt.Sprintf("storage (%s, %s)", storage, deploy), Quantity: copies * gb, Unit: "GB-month", PriceKey: "rds." + storage + ".gbmonth",
			Basis: fmt.Sprintf("allocatedStorage %g GB; autoscaling up to maxAllocatedStorage not estimated", gb)},
	}
	if truthy(r.Inputs["manageMasterUserPassword"]) {
		lines = append(lines, Line{Item: "master password secret (RDS-managed, in Secrets Manager)", Quantity: 1, Unit: "secret-month", PriceKey: "secretsmanager.secret.month"})
	}
	return lines
}

// ecsService prices Fargate tasks: desired count × the task definition's size, the Spot share of
// the capacity provider strategy discounted. Tasks on EC2 capacity are priced with their
// instances.
func ecsService(e *estimator, r plan.Resource) []Line {
	var fargate, spot float64
	strategies := list(r.Inputs["capacityProviderStrategies"])
	for _, s := range strategies {
		w := num(obj(s)["weight"], 0)
		switch str(obj(s)["capacityProvider"]) {
		case "FARGATE":
			fargate += w
		case "FARGATE_SPOT":
			spot += w
		}
	}
	if len(strategies) == 0 && str(r.Inputs["launchType"]) == "FARGATE" {
		fargate = 1
	}
	if fargate+spot == 0 {
		return []Line{{Item: "tasks on EC2 capacity: priced with the instances they run on", Unit: "task"}}
	}
	family := str(r.Inputs["taskDefinition"])
	if i := strings.LastIndex(family, "task-definition/"); i >= 0 {
		family = family[i+len("task-definition/"):]
	}
	family, _, _ = strings.Cut(family, ":")
	td, ok := e.find("aws:ecs/taskDefinition:TaskDefinition", "family", family)
	if !ok {
		td, _ = e.dependency(r, "aws:ecs/taskDefinition:TaskDefinition")
	}
	vcpu := num(td.Inputs["cpu"], 0) / 1024
	gb := num(td.Inputs["memory"], 0) / 1024
	arch := "x86"
	if strings.EqualFold(str(obj(td.Inputs["runtimePlatform"])["cpuArchitecture"]), "ARM64") {
		arch = "arm"
	}
	tasks := num(r.Inputs["desiredCount"], 1)
	hours := tasks * e.hours()
	share := func(w float64) float64 { return w / (fargate + spot) }
	basis := fmt.Sprintf("desiredCount %g × %g vCPU, %g GB (%s)", tasks, vcpu, gb, family)
	var lines []Line
	for _, part := range []struct {
		name   string
		weight float64
		factor float64
	}{{"Fargate", fargate, 1}, {"Fargate Spot", spot, 1 - e.a.num("fargateSpotDiscount")}} {
		if part.weight == 0 {
			continue
		}
		b := basis
		if part.factor != 1 {
			b += "; fargateSpotDiscount"
		}
		lines = append(lines,
			Line{Item: part.name + " vCPU (" + arch + ")", Quantity: share(part.weight) * hours * vcpu, Unit: "vCPU-hour", PriceKey: "fargate." + arch + ".vcpu.hour", Factor: part.factor, Basis: b},
			Line{Item: part.name + " memory (" + arch + ")", Quantity: share(part.weight) * hours * gb, Unit: "GB-hour", PriceKey: "fargate." + arch + ".gb.hour", Factor: part.factor, Basis: b})
	}
	return lines
}

func lightsailContainer(e *estimator, r plan.Resource) []Line {
	power := str(r.Inputs["power"])
	nodes := num(r.Inputs["scale"], 1)
	return []Line{{Item: fmt.Sprintf("container service, power %s × %g nodes", power, nodes), Quantity: nodes, Unit: "node-month", PriceKey: "lightsail.container." + power + ".month"}}
}

func lightsailDatabase(e *estimator, r plan.Resource) []Line {
	bundle := str(r.Inputs["bundleId"])
	return []Line{{Item: "managed database, bundle " + bundle, Quantity: 1, Unit: "month", PriceKey: "lightsail.database." + bundle + ".month"}}
}

func lightsailInstance(e *estimator, r plan.Resource) []Line {
	bundle := str(r.Inputs["bundleId"])
	return []Line{{Item: "instance, bundle " + bundle, Quantity: 1, Unit: "month", PriceKey: "lightsail.instance." + bundle + ".month"}}
}

func efs(e *estimator, r plan.Resource) []Line {
	return []Line{{Item: "Standard storage", Quantity: e.a.num("efsStandardGB"), Unit: "GB-month", PriceKey: "efs.standard.gbmonth",
		Basis: "efsStandardGB; Elastic throughput reads and writes are not estimated"}}
}

func secret(e *estimator, r plan.Resource) []Line {
	return []Line{{Item: "secret", Quantity: 1, Unit: "secret-month", PriceKey: "secretsmanager.secret.month"}}
}

func kmsKey(e *estimator, r plan.Resource) []Line {
	return []Line{{Item: "customer managed key", Quantity: 1, Unit: "key-month", PriceKey: "kms.key.month"}}
}

func alarm(e *estimator, r plan.Resource) []Line {
	if p := num(r.Inputs["period"], 60); p < 60 {
		return []Line{{Item: "high-resolution alarm", Quantity: 1, Unit: "alarm-month", PriceKey: "cloudwatch.alarm.highres.month"}}
	}
	return []Line{{Item: "standard-resolution alarm", Quantity: 1, Unit: "alarm-month", PriceKey: "cloudwatch.alarm.month"}}
}

func logGroup(e *estimator, r plan.Resource) []Line {
	ingest := e.a.num("logIngestGBPerGroup")
	capMonths := e.a.num("logStoredMonthsCap")
	months := capMonths
	if d := num(r.Inputs["retentionInDays"], 0); d > 0 {
		months = math.Min(d/30.4, capMonths)
	}
	return []Line{
		{Item: "log ingestion", Quantity: ingest, Unit: "GB", PriceKey: "cloudwatch.logs.ingest.gb", Basis: "logIngestGBPerGroup"},
		{Item: "log storage", Quantity: round(ingest * months), Unit: "GB-month", PriceKey: "cloudwatch.logs.store.gbmonth",
			Basis: fmt.Sprintf("logIngestGBPerGroup × %.1f months kept (retention, at most logStoredMonthsCap)", months)},
	}
}

func flowLog(e *estimator, r plan.Resource) []Line {
	gb := e.a.num("flowLogGBPerMonth")
	if t := str(r.Inputs["logDestinationType"]); t != "" && t != "cloud-watch-logs" {
		return []Line{{Item: "flow log delivery to " + t, Quantity: gb, Unit: "GB", PriceKey: "flowlogs." + t + ".gb", Basis: "flowLogGBPerMonth"}}
	}
	return []Line{{Item: "flow log ingestion (vended logs)", Quantity: gb, Unit: "GB", PriceKey: "cloudwatch.vendedlogs.ingest.gb", Basis: "flowLogGBPerMonth; stored in its log group"}}
}

func dynamoTable(e *estimator, r plan.Resource) []Line {
	gb := e.a.num("dynamodbStorageGB")
	var lines []Line
	if str(r.Inputs["billingMode"]) == "PROVISIONED" {
		h := e.hours()
		lines = []Line{
			{Item: "provisioned read capacity", Quantity: num(r.Inputs["readCapacity"], 0) * h, Unit: "RCU-hour", PriceKey: "dynamodb.provisioned.rcu.hour"},
			{Item: "provisioned write capacity", Quantity: num(r.Inputs["writeCapacity"], 0) * h, Unit: "WCU-hour", PriceKey: "dynamodb.provisioned.wcu.hour"},
		}
	} else {
		lines = []Line{
			{Item: "on-demand writes", Quantity: e.a.num("dynamodbWriteMillionsPerMonth"), Unit: "million WRU", PriceKey: "dynamodb.ondemand.write.million", Basis: "dynamodbWriteMillionsPerMonth"},
			{Item: "on-demand reads", Quantity: e.a.num("dynamodbReadMillionsPerMonth"), Unit: "million RRU", PriceKey: "dynamodb.ondemand.read.million", Basis: "dynamodbReadMillionsPerMonth"},
		}
	}
	lines = append(lines, Line{Item: "storage", Quantity: gb, Unit: "GB-month", PriceKey: "dynamodb.storage.gbmonth", Basis: "dynamodbStorageGB"})
	if truthy(obj(r.Inputs["pointInTimeRecovery"])["enabled"]) {
		lines = append(lines, Line{Item: "point-in-time recovery", Quantity: gb, Unit: "GB-month", PriceKey: "dynamodb.pitr.gbmonth", Basis: "dynamodbStorageGB"})
	}
	return lines
}

func bucket(e *estimator, r plan.Resource) []Line {
	return []Line{
		{Item: "Standard storage", Quantity: e.a.num("s3StorageGB"), Unit: "GB-month", PriceKey: "s3.standard.gbmonth", Basis: "s3StorageGB"},
		{Item: "PUT/LIST requests", Quantity: e.a.num("s3PutThousandsPerMonth"), Unit: "1,000 requests", PriceKey: "s3.put.thousand", Basis: "s3PutThousandsPerMonth"},
		{Item: "GET requests", Quantity: e.a.num("s3GetThousandsPerMonth"), Unit: "1,000 requests", PriceKey: "s3.get.thousand", Basis: "s3GetThousandsPerMonth"},
	}
}

func webACL(e *estimator, r plan.Resource) []Line {
	rules := float64(len(list(r.Inputs["rules"])))
	return []Line{
		{Item: "web ACL", Quantity: 1, Unit: "web ACL-month", PriceKey: "waf.webacl.month"},
		{Item: "rules", Quantity: rules, Unit: "rule-month", PriceKey: "waf.rule.month", Basis: fmt.Sprintf("%g rules", rules)},
		{Item: "requests inspected", Quantity: e.a.num("wafRequestMillionsPerMonth"), Unit: "million requests", PriceKey: "waf.requests.million", Basis: "wafRequestMillionsPerMonth"},
	}
}

func queue(e *estimator, r plan.Resource) []Line {
	key := "sqs.standard.million"
	if truthy(r.Inputs["fifoQueue"]) {
		key = "sqs.fifo.million"
	}
	return []Line{{Item: "requests", Quantity: e.a.num("sqsRequestMillionsPerMonth"), Unit: "million requests", PriceKey: key, Basis: "sqsRequestMillionsPerMonth"}}
}

func topic(e *estimator, r plan.Resource) []Line {
	return []Line{{Item: "publishes", Quantity: e.a.num("snsPublishMillionsPerMonth"), Unit: "million requests", PriceKey: "sns.publish.million", Basis: "snsPublishMillionsPerMonth"}}
}

func vpcEndpoint(e *estimator, r plan.Resource) []Line {
	switch t := str(r.Inputs["vpcEndpointType"]); t {
	case "", "Gateway":
		return []Line{{Item: "gateway endpoint: no charge", Unit: "endpoint"}}
	default:
		azs := float64(len(list(r.Inputs["subnetIds"])))
		return []Line{
			{Item: t + " endpoint hours", Quantity: azs * e.hours(), Unit: "hour", PriceKey: "vpce.interface.hour", Basis: fmt.Sprintf("%g subnets", azs)},
			{Item: t + " endpoint data processed", Quantity: e.a.num("interfaceEndpointGBPerMonth"), Unit: "GB", PriceKey: "vpce.interface.gb", Basis: "interfaceEndpointGBPerMonth"},
		}
	}
}

func hostedZone(e *estimator, r plan.Resource) []Line {
	return []Line{{Item: "hosted zone", Quantity: 1, Unit: "zone-month", PriceKey: "route53.zone.month", Basis: "queries not estimated"}}
}

func datasyncTask(e *estimator, r plan.Resource) []Line {
	return []Line{{Item: "data copied", Quantity: e.a.num("datasyncGBPerMonth"), Unit: "GB", PriceKey: "datasync.gb", Basis: "datasyncGBPerMonth"}}
}

func ssmParameter(e *estimator, r plan.Resource) []Line {
	if str(r.Inputs["tier"]) == "Advanced" {
		return []Line{{Item: "advanced parameter", Quantity: 1, Unit: "parameter-month", PriceKey: "ssm.advanced.month"}}
	}
	return []Line{{Item: "standard parameter: no charge", Unit: "parameter"}}
}
