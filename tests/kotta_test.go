package tests

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/internal/mocktest"
)

const (
	typeASG      = "aws:autoscaling/group:Group"
	typeRule     = "aws:lb/listenerRule:ListenerRule"
	typeEndpoint = "aws:ec2/vpcEndpoint:VpcEndpoint"
)

// Cloud Kotta's job platform in both stages: staging runs small on-demand pools, production its
// prod pool on Spot; the web server is a site of the shared front, which alone reaches it.
func TestKottaPlatformStages(t *testing.T) {
	for _, tc := range []struct {
		stage     string
		spot      map[string]bool
		max       map[string]float64
		instances float64
	}{
		{"staging", map[string]bool{"prod": false, "test": false}, map[string]float64{"prod": 2, "test": 1}, 1},
		{"production", map[string]bool{"prod": true, "test": false}, map[string]float64{"prod": 20, "test": 2}, 2},
	} {
		t.Run(tc.stage, func(t *testing.T) {
			res := runStage(t, tc.stage)
			for pool, spot := range tc.spot {
				asg := res.Get(typeASG, "kotta-workers-"+pool)
				require.NotNil(t, asg, pool)
				onDemand := asg.In("mixedInstancesPolicy.instancesDistribution.onDemandPercentageAboveBaseCapacity")
				if spot {
					assert.Equal(t, float64(0), onDemand, "%s: all Spot", pool)
					assert.Equal(t, "capacity-optimized", asg.In("mixedInstancesPolicy.instancesDistribution.spotAllocationStrategy"), pool)
				} else {
					assert.Nil(t, asg.In("mixedInstancesPolicy"), "%s: on demand", pool)
				}
				assert.Equal(t, float64(0), asg.In("minSize"), pool)
				assert.Equal(t, tc.max[pool], asg.In("maxSize"), pool)
				assert.EqualValues(t, fmt.Sprint(res.Outputs["network"].(map[string]any)["privateSubnetIds"]), fmt.Sprint(asg.In("vpcZoneIdentifiers")),
					"%s: every zone of the stage, private subnets", pool)
			}
			web := res.Get(typeASG, "kotta-webserver")
			require.NotNil(t, web)
			assert.Equal(t, tc.instances, web.In("maxSize"))

			// The site: a host rule of the shared front, at Kotta's priority.
			rule := res.Get(typeRule, "kotta-rule")
			require.NotNil(t, rule)
			assert.Equal(t, float64(300), rule.In("priority"))
			kotta := res.Outputs["kotta"].(map[string]any)
			assert.Equal(t, "https://"+rule.In("conditions[0].hostHeader.values[0]").(string), kotta["url"])
			assert.Equal(t, res.Outputs["front"].(map[string]any)["dnsName"], kotta["loadBalancerDnsName"])
			for _, pool := range []string{"prod", "test"} {
				assert.Contains(t, kotta["pools"], pool)
			}

			groups := "kotta-" + tc.stage + "-webserver"
			mocktest.EqualLists(t, "web server in", rulesOf(res, typeIngress, groups), []string{"strata-" + tc.stage + "-alb:8888"})
			assert.Contains(t, rulesOf(res, typeEgress, "strata-"+tc.stage+"-alb"), groups+":8888", "the front reaches the web servers")
			for _, pool := range []string{"prod", "test"} {
				assert.Empty(t, rulesOf(res, typeIngress, "kotta-"+tc.stage+"-workers-"+pool), "nothing reaches the workers")
			}

			// S3 and DynamoDB traffic of the private subnets goes through the gateway endpoints.
			for _, svc := range []string{"s3", "dynamodb"} {
				e := res.Get(typeEndpoint, "network-"+svc)
				require.NotNil(t, e, svc)
				assert.Equal(t, "Gateway", e.In("vpcEndpointType"), svc)
			}
		})
	}
}

func TestKottaBadConfig(t *testing.T) {
	refusedConfig(t, "staging", "staging", map[string]string{"strata:base": ""},
		[]string{"strata:base: is required by strata:kotta: deploy the base layer in this stack, or name the stack that has it in strata:kotta.base.stack"})
	refusedConfig(t, "staging", "staging", map[string]string{
		"strata:kotta": patched(t, "staging", "strata:kotta", `{"base":{"stack":"research/strata/shared"},"pools":{"prod":{"purchase":"spot"}},"web":{"instances":0.5}}`),
	}, []string{
		"strata:kotta.web.instances: got 0.5, want a whole number",
		"strata:kotta.base.stack: is set together with strata:base",
		"strata:kotta.pools.prod.instanceTypes: lists 1 type: a Spot pool needs at least two",
	})
}
