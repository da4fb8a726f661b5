package argos_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
	"github.com/strata-iac/strata/systems"
	"github.com/strata-iac/strata/systems/argos"
)

// rulesIn lists the ingress rules of every Argos group as "<group>: <port> <peer group>".
func rulesIn(t *testing.T, res *mock.Result) []string {
	t.Helper()
	names := groupNames(res)
	var out []string
	for _, sg := range res.ByType(typeSG) {
		if !strings.HasPrefix(sg.Name, "argos") {
			continue
		}
		for rule := range ingress(res, sg.ID, names) {
			out = append(out, sg.Name+": "+rule)
		}
	}
	slices.Sort(out)
	return out
}

// Each group admits only the groups that call it, by security group: the load balancer reaches
// the api and the front, the app's groups reach Fuseki, NER and PostgreSQL, nothing reaches the
// collector, and nothing at all comes from an address range (no SSH from the internet).
func TestIngressSources(t *testing.T) {
	for name, tc := range map[string]struct {
		c    argos.Config
		st   systems.Stage
		want []string
	}{
		"default groups": {stagingConfig(), staging, []string{
			"argos-api: 8888 front-alb",
			"argos-db: 5432 argos-api",
			"argos-db: 5432 argos-collector",
			"argos-db: 5432 argos-front",
			"argos-front: 80 front-alb",
			"argos-knowledge: 3030 argos-api",
			"argos-knowledge: 3030 argos-collector",
			"argos-knowledge: 3030 argos-front",
			"argos-knowledge: 8080 argos-api",
			"argos-knowledge: 8080 argos-collector",
			"argos-knowledge: 8080 argos-front",
		}},
		"broker and workers on": {withWorkers(productionConfig()), production, []string{
			"argos-api: 8888 front-alb",
			"argos-broker: 5672 argos-api",
			"argos-broker: 5672 argos-collector",
			"argos-broker: 5672 argos-front",
			"argos-broker: 5672 argos-workers",
			"argos-broker: 6379 argos-api",
			"argos-broker: 6379 argos-collector",
			"argos-broker: 6379 argos-front",
			"argos-broker: 6379 argos-workers",
			"argos-db: 5432 argos-api",
			"argos-db: 5432 argos-collector",
			"argos-db: 5432 argos-front",
			"argos-db: 5432 argos-workers",
			"argos-front: 80 front-alb",
			"argos-knowledge: 3030 argos-api",
			"argos-knowledge: 3030 argos-collector",
			"argos-knowledge: 3030 argos-front",
			"argos-knowledge: 3030 argos-workers",
			"argos-knowledge: 8080 argos-api",
			"argos-knowledge: 8080 argos-collector",
			"argos-knowledge: 8080 argos-front",
			"argos-knowledge: 8080 argos-workers",
		}},
	} {
		t.Run(name, func(t *testing.T) {
			res := mustDeploy(t, tc.c, tc.st)
			assert.Equal(t, tc.want, rulesIn(t, res))
			for _, r := range res.ByType(typeIngress) {
				if strings.HasPrefix(r.Name, "argos") {
					assert.Nil(t, r.In("cidrIpv4"), "%s admits an address range", r.Name)
					assert.Nil(t, r.In("cidrIpv6"), "%s admits an address range", r.Name)
				}
				assert.NotEqual(t, float64(22), r.In("fromPort"), "%s opens SSH", r.Name)
			}
		})
	}
}

// The app's groups send to the stores by group, on their ports only; the load balancer sends to
// the api and the front.
func TestEgressToStores(t *testing.T) {
	res := mustDeploy(t, withWorkers(stagingConfig()), staging)
	names := groupNames(res)
	got := map[string][]string{}
	for _, r := range res.ByType(typeEgress) {
		ref, ok := r.In("referencedSecurityGroupId").(string)
		if !ok {
			continue
		}
		from := names[fmt.Sprint(r.In("securityGroupId"))]
		got[from] = append(got[from], fmt.Sprintf("%v %s", r.In("fromPort"), names[ref]))
	}
	for _, g := range []string{"argos-api", "argos-front", "argos-collector", "argos-workers"} {
		assert.ElementsMatch(t, []string{
			"5432 argos-db", "3030 argos-knowledge", "8080 argos-knowledge", "5672 argos-broker", "6379 argos-broker",
		}, got[g], g)
	}
	assert.ElementsMatch(t, []string{"8888 argos-api", "80 argos-front"}, got["front-alb"])
	for _, g := range []string{"argos-knowledge", "argos-broker"} {
		assert.Empty(t, got[g], "%s calls no other group", g)
	}
}

// Every server sends HTTPS out, and nothing else to the internet; collector.plainHttp adds plain
// HTTP for the collector alone.
func TestInternetEgress(t *testing.T) {
	for _, tc := range []struct {
		name      string
		plainHTTP bool
		collector []string
	}{
		{"default", false, []string{"443 0.0.0.0/0"}},
		{"plain HTTP", true, []string{"443 0.0.0.0/0", "80 0.0.0.0/0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := withWorkers(stagingConfig())
			c.Collector = &argos.CollectorServer{PlainHTTP: tc.plainHTTP}
			res := mustDeploy(t, c, staging)
			names := groupNames(res)
			got := map[string][]string{}
			for _, r := range res.ByType(typeEgress) {
				if cidr, ok := r.In("cidrIpv4").(string); ok {
					from := names[fmt.Sprint(r.In("securityGroupId"))]
					got[from] = append(got[from], fmt.Sprintf("%v %s", r.In("fromPort"), cidr))
				}
			}
			assert.ElementsMatch(t, tc.collector, got["argos-collector"])
			for _, g := range []string{"argos-api", "argos-front", "argos-knowledge", "argos-broker", "argos-workers"} {
				assert.Equal(t, []string{"443 0.0.0.0/0"}, got[g], g)
			}
			// The collector's HTTPS rule is the one it has by default: turning HTTP on adds a rule
			// and replaces none.
			https := mocktest.Named(t, res, typeEgress, "argos-collector-out-https")
			assert.Equal(t, "Session Manager, AWS APIs and package repositories over HTTPS", https.In("description"))
		})
	}
}

func TestKnowledgeServer(t *testing.T) {
	for _, tc := range []struct {
		st      systems.Stage
		protect bool
	}{{staging, false}, {production, true}} {
		t.Run(tc.st.Env, func(t *testing.T) {
			c := stagingConfig()
			c.Knowledge.InstanceType = "r7i.large"
			res := mustDeploy(t, c, tc.st)
			inst := mocktest.Named(t, res, typeInstance, "argos-knowledge-knowledge")
			lt := mocktest.Named(t, res, typeLT, "argos-knowledge-knowledge")
			assert.Equal(t, "r7i.large", lt.In("instanceType"))
			assert.Equal(t, firstPrivateSubnet, inst.In("subnetId"))
			assert.Equal(t, false, inst.In("associatePublicIpAddress"))

			// The data is on a separate encrypted volume that survives the instance.
			vol := mocktest.Named(t, res, typeVolume, "argos-knowledge-knowledge-data")
			assert.Equal(t, true, vol.In("encrypted"))
			assert.Equal(t, float64(100), vol.In("size"))
			assert.Equal(t, "gp3", vol.In("type"))
			assert.Equal(t, true, vol.In("finalSnapshot"), "a deleted volume leaves a snapshot")
			assert.Equal(t, tc.protect, vol.Protect, "protected in production only")
			assert.Equal(t, "argos-"+tc.st.Env+"-knowledge", mocktest.Tags(vol)["Name"])
			att := mocktest.Named(t, res, typeVolAttach, "argos-knowledge-knowledge-data")
			assert.Equal(t, "/dev/sdf", att.In("deviceName"))
			assert.Equal(t, inst.ID, att.In("instanceId"))
			assert.Equal(t, vol.ID, att.In("volumeId"))
			assert.Empty(t, res.ByType("aws:ec2/volumeAttachment:VolumeAttachment")[1:], "one data volume")

			// Fuseki and NER, from the app's groups only (TestIngressSources).
			sg := securityGroupID(t, res, "argos-knowledge")
			var ports []string
			for rule := range ingress(res, sg, groupNames(res)) {
				ports = append(ports, strings.Fields(rule)[0])
			}
			assert.ElementsMatch(t, []string{"3030", "3030", "3030", "8080", "8080", "8080"}, ports)
		})
	}
}

func TestDatabase(t *testing.T) {
	for _, tc := range []struct {
		name    string
		c       argos.Config
		st      systems.Stage
		multiAZ bool
	}{
		{"staging", stagingConfig(), staging, false},
		{"production", productionConfig(), production, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := mustDeploy(t, tc.c, tc.st)
			db := mocktest.Named(t, res, typeRDS, "argos")
			assert.Equal(t, "postgres", db.In("engine"))
			assert.Equal(t, "argos", db.In("dbName"))
			assert.Equal(t, true, db.In("storageEncrypted"))
			assert.Equal(t, false, db.In("publiclyAccessible"))
			assert.Equal(t, tc.multiAZ, db.In("multiAz"))
			assert.Equal(t, tc.st.Protect, db.In("deletionProtection"))
			assert.Equal(t, tc.st.Protect, db.Protect)
			assert.Equal(t, true, db.In("manageMasterUserPassword"))

			// Four alarms, all to the topic, which mails the configured subscriber.
			topic := mocktest.Named(t, res, typeTopic, "argos-alarms")
			alarms := map[string]string{}
			for _, al := range res.ByType(typeAlarm) {
				if al.In("namespace") != "AWS/RDS" {
					continue
				}
				assert.Equal(t, []any{topic.Out("arn")}, al.In("alarmActions"), al.Name)
				alarms[fmt.Sprint(al.In("metricName"))] = fmt.Sprintf("%v %v", al.In("comparisonOperator"), al.In("threshold"))
			}
			assert.Equal(t, map[string]string{
				"CPUUtilization":   "GreaterThanThreshold 60",
				"FreeStorageSpace": fmt.Sprintf("LessThanThreshold %v", float64(2<<30)),
				"ReadIOPS":         "GreaterThanThreshold 1500",
				"WriteIOPS":        "GreaterThanThreshold 1500",
			}, alarms)
			sub := mocktest.One(t, res, typeSub)
			assert.Equal(t, topic.Out("arn"), sub.In("topic"))
			assert.Equal(t, "email", sub.In("protocol"))
			assert.Equal(t, "ops@example.org", sub.In("endpoint"))
		})
	}
}

func TestBucketAndGrants(t *testing.T) {
	res := mustDeploy(t, withWorkers(stagingConfig()), staging)
	b := mocktest.Named(t, res, typeBucket, "argos-bucket")
	assert.Equal(t, "strata-argos-test-data", b.In("bucket"))
	pab := mocktest.Named(t, res, typePAB, "argos-bucket-public-access")
	for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		assert.Equal(t, true, pab.In(k), k)
	}
	assert.NotNil(t, res.Get("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", "argos-bucket-encryption"))

	secret := fmt.Sprint(mocktest.Named(t, res, typeRDS, "argos").Out("masterUserSecrets[0].secretArn"))
	objects := "arn:aws:s3:::strata-argos-test-data/*"
	reads := []string{"s3:GetObject " + objects, "secretsmanager:GetSecretValue " + secret}
	writes := []string{"s3:AbortMultipartUpload " + objects, "s3:GetObject " + objects, "s3:PutObject " + objects,
		"secretsmanager:GetSecretValue " + secret}
	want := map[string][]string{"api": reads, "front": reads, "collector": writes, "workers": writes}
	for g, grants := range want {
		pol := mocktest.Named(t, res, typeRolePol, "argos-"+g+"-app")
		role := mocktest.Named(t, res, typeRole, "argos-"+g)
		assert.Equal(t, role.Out("name"), pol.In("role"))
		mocktest.EqualLists(t, g+" grants", mocktest.Grants(mocktest.Document(t, pol, "policy")), grants)
	}
	var withPolicy []string
	for _, r := range res.ByType(typeRolePol) {
		withPolicy = append(withPolicy, r.Name)
	}
	assert.ElementsMatch(t, []string{"argos-api-app", "argos-front-app", "argos-collector-app", "argos-workers-app"}, withPolicy,
		"the knowledge server and the broker get no app grants")
	for _, r := range res.ByType(typeAttach) {
		if strings.HasPrefix(r.Name, "argos-") && !strings.HasPrefix(r.Name, "argos-image") && !strings.HasPrefix(r.Name, "argos-monitoring") {
			assert.Equal(t, "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore", r.In("policyArn"), "%s: Session Manager only", r.Name)
		}
	}
}

// Every resource carries the convention; autoscaled instances and their volumes inherit it from
// the launch template and the group.
func TestTagsPropagate(t *testing.T) {
	res := mustDeploy(t, withWorkers(productionConfig()), production)
	checkTags(t, res, map[string]string{"App": "argos", "Env": "production", "Owner": "research-platform", "CostCenter": "rp-1042"})

	for _, g := range []string{"api", "workers"} {
		want := map[string]any{"Name": "argos-production-" + g, "App": "argos", "Env": "production", "Group": g,
			"Owner": "research-platform", "CostCenter": "rp-1042"}
		asg := mocktest.Named(t, res, typeASG, "argos-"+g)
		assert.Equal(t, want, mocktest.Tags(asg), "%s: every tag propagates at launch", g)
		lt := mocktest.Named(t, res, typeLT, "argos-"+g)
		kinds := map[string]any{}
		for i := range 3 {
			kinds[fmt.Sprint(lt.In(fmt.Sprintf("tagSpecifications[%d].resourceType", i)))] = lt.In(fmt.Sprintf("tagSpecifications[%d].tags", i))
		}
		assert.Equal(t, want, kinds["instance"], "%s instances", g)
		assert.Equal(t, want, kinds["volume"], "%s volumes", g)
	}
	for _, g := range []string{"front", "collector", "knowledge", "broker"} {
		inst := mocktest.Named(t, res, typeInstance, "argos-"+g+"-"+g)
		assert.Equal(t, "argos-production-"+g, mocktest.Tags(inst)["Name"])
		assert.Equal(t, g, mocktest.Tags(inst)["Group"])
		lt := mocktest.Named(t, res, typeLT, "argos-"+g+"-"+g)
		assert.Equal(t, "volume", lt.In("tagSpecifications[1].resourceType"))
		assert.Equal(t, "argos-production-"+g, lt.In("tagSpecifications[1].tags.Name"), "%s root volume", g)
	}
}

// The autoscaled groups hold servers the playbooks configure after launch: a new launch template
// version (a new image, a changed tag) must not start an instance refresh that replaces them with
// unconfigured ones. The operator refreshes by hand.
func TestAutoscaledGroupsRefreshOnlyByHand(t *testing.T) {
	base := withWorkers(productionConfig())
	changed := withWorkers(productionConfig())
	changed.Image.ID = "ami-0fedcba9876543210"
	for name, res := range map[string]*mock.Result{
		"production":         mustDeploy(t, base, production),
		"another image":      mustDeploy(t, changed, production),
		"another owner, tag": mustDeploy(t, base, systems.Stage{Stack: "production", Env: "production", Owner: "someone-else", Protect: true, Network: true, Tags: map[string]string{"CostCenter": "cc-2"}}),
	} {
		n := 0
		for _, asg := range res.ByType(typeASG) {
			n++
			assert.Nil(t, asg.In("instanceRefresh"), "%s: %s refreshes only by hand", name, asg.Name)
		}
		assert.Equal(t, 2, n, "%s: api and workers", name)
	}
}

// untaggableTypes are the types here that take no tags, besides those mocktest knows.
var untaggableTypes = map[string]bool{typeVolAttach: true, typeTGAttach: true, "aws:autoscaling/policy:Policy": true,
	"aws:secretsmanager/secretRotation:SecretRotation": true, typeEC2Tag: true}

// checkTags checks the convention on every taggable resource of Argos (the shared load balancer
// belongs to the stage): Name=<app>-<env>-<group>, a Group and the common tags.
func checkTags(t *testing.T, res *mock.Result, common map[string]string) {
	t.Helper()
	n := 0
	for _, r := range res.Resources() {
		if !mocktest.Taggable(r) || untaggableTypes[r.Type] || !strings.HasPrefix(r.Name, "argos") {
			continue
		}
		n++
		tags := mocktest.Tags(r)
		for k, v := range common {
			assert.Equal(t, v, tags[k], "%s %s: tag %s", r.Type, r.Name, k)
		}
		assert.NotEmpty(t, tags["Group"], "%s %s: Group tag", r.Type, r.Name)
		assert.Equal(t, fmt.Sprintf("%v-%v-%v", tags["App"], tags["Env"], tags["Group"]), tags["Name"], "%s %s: Name tag", r.Type, r.Name)
	}
	assert.Greater(t, n, 50, "taggable resources checked")
}

// The broker and the workers are there in code, off unless asked for, and complete when on.
func TestBrokerAndWorkers(t *testing.T) {
	off := mustDeploy(t, productionConfig(), production)
	for _, name := range []string{"argos-broker", "argos-workers"} {
		assert.Nil(t, off.Get("strata:fleet:Fleet", name), "%s is off by default", name)
	}
	assert.Equal(t, []string{"knowledge", "api", "front", "collector"}, off.Outputs["argos"].(map[string]any)["groups"])

	res := mustDeploy(t, withWorkers(productionConfig()), production)
	broker := mocktest.Named(t, res, typeInstance, "argos-broker-broker")
	assert.Equal(t, "t3.small", mocktest.Named(t, res, typeLT, "argos-broker-broker").In("instanceType"))
	assert.Equal(t, firstPrivateSubnet, broker.In("subnetId"))

	asg := mocktest.Named(t, res, typeASG, "argos-workers")
	assert.Equal(t, "argos-production-workers", asg.In("name"))
	assert.Equal(t, float64(1), asg.In("minSize"))
	assert.Equal(t, float64(3), asg.In("maxSize"))
	assert.Equal(t, []any{"subnet-00000000000000100", "subnet-00000000000000101"}, asg.In("vpcZoneIdentifiers"))
	assert.Nil(t, asg.In("targetGroupArns"), "workers serve no site")
	cpu := mocktest.Named(t, res, "aws:autoscaling/policy:Policy", "argos-workers-cpu")
	assert.Equal(t, "ASGAverageCPUUtilization", cpu.In("targetTrackingConfiguration.predefinedMetricSpecification.predefinedMetricType"))
	assert.Equal(t, float64(60), cpu.In("targetTrackingConfiguration.targetValue"))
	clients := []string{}
	for _, r := range res.ByType(typeIngress) {
		if strings.HasPrefix(r.Name, "argos-db-in-") {
			clients = append(clients, strings.TrimPrefix(r.Name, "argos-db-in-"))
		}
	}
	assert.ElementsMatch(t, []string{"api", "front", "collector", "workers"}, clients, "the workers reach the database")
	assert.Equal(t, []string{"knowledge", "broker", "api", "front", "collector", "workers"}, res.Outputs["argos"].(map[string]any)["groups"])
}

func TestSites(t *testing.T) {
	t.Run("single instance", func(t *testing.T) {
		res := mustDeploy(t, stagingConfig(), staging)
		tg := mocktest.Named(t, res, typeTG, "argos-tg")
		assert.Equal(t, "argos-staging-tg-8888", tg.In("name"))
		assert.Equal(t, "instance", tg.In("targetType"))
		assert.Equal(t, float64(8888), tg.In("port"))
		att := mocktest.Named(t, res, typeTGAttach, "argos-api")
		assert.Equal(t, tg.Out("arn"), att.In("targetGroupArn"))
		assert.Equal(t, mocktest.Named(t, res, typeInstance, "argos-api-api").ID, att.In("targetId"))
		assert.Equal(t, float64(8888), att.In("port"))
		front := mocktest.Named(t, res, typeTGAttach, "argos-front")
		assert.Equal(t, float64(80), front.In("port"))
		rule := mocktest.Named(t, res, "aws:lb/listenerRule:ListenerRule", "argos-rule")
		assert.Equal(t, float64(400), rule.In("priority"))
		assert.Equal(t, float64(401), mocktest.Named(t, res, "aws:lb/listenerRule:ListenerRule", "argos-front-rule").In("priority"))
		out := res.Outputs["argos"].(map[string]any)
		assert.Equal(t, "https://api.argos.example.org", out["apiUrl"])
		assert.Equal(t, "https://argos.example.org", out["frontUrl"])
		assert.Empty(t, res.ByType(typeASG))
	})
	t.Run("autoscaling group", func(t *testing.T) {
		res := mustDeploy(t, productionConfig(), production)
		tg := mocktest.Named(t, res, typeTG, "argos-tg")
		asg := mocktest.Named(t, res, typeASG, "argos-api")
		assert.Equal(t, []any{tg.Out("arn")}, asg.In("targetGroupArns"))
		assert.Equal(t, float64(2), asg.In("minSize"))
		assert.Equal(t, float64(4), asg.In("maxSize"))
		assert.Equal(t, "EC2", asg.In("healthCheckType"), "unconfigured instances are not replaced before their playbook runs")
		assert.Nil(t, asg.In("instanceRefresh"), "no automatic refresh replaces configured servers with bare ones")
		assert.Nil(t, res.Get(typeTGAttach, "argos-api"), "the group registers its instances itself")
		assert.Equal(t, "argos-production-api", res.Outputs["argos"].(map[string]any)["apiGroupName"])
	})
	t.Run("no site", func(t *testing.T) {
		c := stagingConfig()
		c.LoadBalancer, c.API.Domain, c.Front.Domain = nil, "", ""
		res := mustDeploy(t, c, staging)
		assert.Empty(t, res.ByType(typeTG))
		assert.Empty(t, res.ByType(typeTGAttach))
		for _, r := range rulesIn(t, res) {
			assert.NotContains(t, r, "front-alb")
		}
	})
}

func TestOutputs(t *testing.T) {
	res := mustDeploy(t, stagingConfig(), staging)
	out := res.Outputs["argos"].(map[string]any)
	assert.Equal(t, []string{"alarmTopicArn", "apiUrl", "bucket", "databaseAddress", "databaseName", "databasePort",
		"databaseSecretArn", "frontUrl", "groups", "imageId", "imageParameter", "imagePipelineArn"}, slices.Sorted(maps.Keys(out)))
	assert.Equal(t, "strata-argos-test-data", out["bucket"])
	require.Equal(t, "argos", out["databaseName"])
}
