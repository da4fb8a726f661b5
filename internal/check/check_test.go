package check

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// limitCases break and keep every limit: a value AWS refuses at the limit's path, and one it
// accepts. A limit without a case fails TestEveryRuleHasACase.
var limitCases = map[string][2]any{
	"acm.certificate.domainname":                                 {strings.Repeat("a", 254), "example.org"},
	"acm.certificate.domainname.pattern":                         {"-lookup.example.org", "lookup.research.example.org"},
	"acm.certificate.keyalgorithm":                               {"bogus", "RSA_1024"},
	"acm.certificate.subjectalternativename":                     {strings.Repeat("a", 254), "example.org"},
	"acm.certificate.subjectalternativename.pattern":             {"example", "*.example.org"},
	"acm.certificate.subjectalternativenames":                    {items(101), items(1)},
	"acm.certificate.validationmethod":                           {"bogus", "EMAIL"},
	"appautoscaling.policy.adjustmenttype":                       {"bogus", "ChangeInCapacity"},
	"appautoscaling.policy.metricaggregationtype":                {"bogus", "Average"},
	"appautoscaling.policy.name":                                 {"cpu\x00", "lookup-production-app-cpu"},
	"appautoscaling.policy.policytype":                           {"bogus", "StepScaling"},
	"appautoscaling.policy.predefinedmetrictype":                 {"bogus", "DynamoDBReadCapacityUtilization"},
	"appautoscaling.policy.resourceid":                           {strings.Repeat("a", 1601), "service/c/s"},
	"appautoscaling.policy.resourcelabel":                        {strings.Repeat("a", 1024), "a"},
	"appautoscaling.policy.scalabledimension":                    {"bogus", "ecs:service:DesiredCount"},
	"appautoscaling.policy.servicenamespace":                     {"bogus", "ecs"},
	"appautoscaling.target.mincapacity":                          {-1.0, 0.0},
	"appautoscaling.target.resourceid":                           {"bad\x01id", "service/c/s"},
	"appautoscaling.target.scalabledimension":                    {"bogus", "ecs:service:DesiredCount"},
	"appautoscaling.target.servicenamespace":                     {"bogus", "ecs"},
	"autoscaling.group.healthchecktype":                          {strings.Repeat("E", 33), "EC2"},
	"autoscaling.group.instancerefresh.checkpointdelay":          {172801.0, 0.0},
	"autoscaling.group.instancerefresh.checkpointpercentage":     {101.0, 1.0},
	"autoscaling.group.instancerefresh.instancewarmup":           {-1.0, 0.0},
	"autoscaling.group.instancerefresh.maxhealthypercentage":     {201.0, 100.0},
	"autoscaling.group.instancerefresh.minhealthypercentage":     {101.0, 0.0},
	"autoscaling.group.instancerefresh.strategy":                 {"bogus", "Rolling"},
	"autoscaling.group.launchtemplate.name":                      {"lt name", "lookup-ecs-hosts"},
	"autoscaling.group.launchtemplate.version":                   {"", "$Latest"},
	"autoscaling.group.launchtemplate.version.value":             {"latest", "$Default"},
	"autoscaling.group.name":                                     {strings.Repeat("a", 256), "lookup-staging-ecs-hosts"},
	"autoscaling.group.name.charset":                             {"hosts:ecs", "lookup-staging-ecs-hosts"},
	"autoscaling.policy.adjustmenttype":                          {"bogus", "ChangeInCapacity"},
	"autoscaling.policy.metricaggregationtype":                   {"bogus", "Minimum"},
	"autoscaling.policy.name":                                    {"", "scale-out"},
	"autoscaling.policy.policytype":                              {"bogus", "SimpleScaling"},
	"autoscaling.policy.predefinedmetrictype":                    {"bogus", "ASGAverageCPUUtilization"},
	"cloudwatch.metricalarm.alarmaction":                         {strings.Repeat("a", 1025), "a"},
	"cloudwatch.metricalarm.alarmactions":                        {items(6), items(5)},
	"cloudwatch.metricalarm.alarmdescription":                    {strings.Repeat("a", 1025), "a"},
	"cloudwatch.metricalarm.comparisonoperator":                  {"bogus", "GreaterThanOrEqualToThreshold"},
	"cloudwatch.metricalarm.datapointstoalarm":                   {0.0, 1.0},
	"cloudwatch.metricalarm.dimension.value":                     {strings.Repeat("a", 1025), "a"},
	"events.target.runcommand.key":                               {"tag:Name*", "tag:Name"},
	"events.target.runcommand.targets":                           {[]any{}, []any{map[string]any{"key": "tag:Name"}}},
	"events.target.runcommand.value":                             {"", "argos-production-api"},
	"events.target.runcommand.values":                            {[]any{}, []any{"argos-production-api"}},
	"imagebuilder.lifecycle.action.type":                         {"PURGE", "DELETE"},
	"imagebuilder.lifecycle.description":                         {"", "Keeps the 5 most recent builds"},
	"imagebuilder.lifecycle.exclusion.amis.tags":                 {map[string]any{}, map[string]any{"Pinned": "true"}},
	"imagebuilder.lifecycle.exclusion.tags":                      {map[string]any{}, map[string]any{"Baked": "deployment"}},
	"imagebuilder.lifecycle.filter.type":                         {"NEWEST", "COUNT"},
	"imagebuilder.lifecycle.filter.value":                        {1001.0, 5.0},
	"imagebuilder.lifecycle.name":                                {"a", "argos-image"},
	"imagebuilder.lifecycle.policydetails":                       {[]any{}, []any{map[string]any{}}},
	"imagebuilder.lifecycle.recipe.name":                         {"argos image!", "argos-image"},
	"imagebuilder.lifecycle.recipe.version":                      {"1.x", "x.x.x"},
	"imagebuilder.lifecycle.recipes":                             {[]any{}, []any{map[string]any{"name": "argos-image"}}},
	"imagebuilder.lifecycle.resourcetype":                        {"AMI", "AMI_IMAGE"},
	"imagebuilder.lifecycle.status":                              {"ON", "ENABLED"},
	"ec2.tag.key":                                                {"aws:pinned", "Pinned"},
	"ec2.tag.value":                                              {strings.Repeat("v", 256), "true"},
	"cloudwatch.metricalarm.metrics.dimension.value":             {"", "kotta-test-prod-active"},
	"cloudwatch.metricalarm.metrics.expression":                  {"", "m0 + m1"},
	"cloudwatch.metricalarm.metrics.id":                          {"", "total"},
	"cloudwatch.metricalarm.metrics.metricname":                  {"", "ApproximateNumberOfMessagesVisible"},
	"cloudwatch.metricalarm.metrics.namespace":                   {":AWS/SQS", "AWS/SQS"},
	"cloudwatch.metricalarm.metrics.period":                      {0.0, 60.0},
	"cloudwatch.metricalarm.dimensions":                          {tagMap(31), tagMap(30)},
	"cloudwatch.metricalarm.evaluatelowsamplecountpercentiles":   {"bogus", "evaluate"},
	"cloudwatch.metricalarm.evaluationperiods":                   {0.0, 1.0},
	"cloudwatch.metricalarm.insufficientdataaction":              {strings.Repeat("a", 1025), "a"},
	"cloudwatch.metricalarm.insufficientdataactions":             {items(6), items(5)},
	"cloudwatch.metricalarm.metricname":                          {strings.Repeat("a", 256), "a"},
	"cloudwatch.metricalarm.name":                                {strings.Repeat("a", 256), "a"},
	"cloudwatch.metricalarm.namespace":                           {":AWS/RDS", "AWS/RDS"},
	"cloudwatch.metricalarm.okaction":                            {strings.Repeat("a", 1025), "a"},
	"cloudwatch.metricalarm.okactions":                           {items(6), items(5)},
	"cloudwatch.metricalarm.period":                              {0.0, 1.0},
	"cloudwatch.metricalarm.statistic":                           {"bogus", "SampleCount"},
	"cloudwatch.metricalarm.treatmissingdata":                    {strings.Repeat("a", 256), "a"},
	"cloudwatch.metricalarm.treatmissingdata.value":              {"bogus", "breaching"},
	"cloudwatch.metricalarm.unit":                                {"bogus", "Seconds"},
	"datasync.efslocation.intransitencryption":                   {"bogus", "NONE"},
	"datasync.efslocation.securitygrouparns":                     {items(6), items(1)},
	"datasync.efslocation.subdirectory":                          {"/a;b", "/"},
	"datasync.s3location.s3storageclass":                         {"bogus", "STANDARD"},
	"datasync.s3location.subdirectory":                           {"/a*b", "/authorities/"},
	"datasync.task.name":                                         {"sync's task", "lookup-staging-files-sync"},
	"datasync.task.options.atime":                                {"bogus", "NONE"},
	"datasync.task.options.bytespersecond":                       {-2.0, -1.0},
	"datasync.task.options.gid":                                  {"bogus", "NONE"},
	"datasync.task.options.loglevel":                             {"bogus", "OFF"},
	"datasync.task.options.mtime":                                {"bogus", "NONE"},
	"datasync.task.options.objecttags":                           {"bogus", "PRESERVE"},
	"datasync.task.options.overwritemode":                        {"bogus", "ALWAYS"},
	"datasync.task.options.posixpermissions":                     {"bogus", "NONE"},
	"datasync.task.options.preservedeletedfiles":                 {"bogus", "PRESERVE"},
	"datasync.task.options.preservedevices":                      {"bogus", "NONE"},
	"datasync.task.options.taskqueueing":                         {"bogus", "ENABLED"},
	"datasync.task.options.transfermode":                         {"bogus", "CHANGED"},
	"datasync.task.options.uid":                                  {"bogus", "NONE"},
	"datasync.task.options.verifymode":                           {"bogus", "POINT_IN_TIME_CONSISTENT"},
	"datasync.task.schedule":                                     {"rate(1 day)!", "cron(0 4 * * ? *)"},
	"dynamodb.table.attribute.name":                              {strings.Repeat("a", 256), "a"},
	"dynamodb.table.attribute.type":                              {"bogus", "S"},
	"dynamodb.table.billingmode":                                 {"bogus", "PROVISIONED"},
	"dynamodb.table.hashkey":                                     {strings.Repeat("a", 256), "a"},
	"dynamodb.table.name":                                        {"jobs table", "kotta-staging-jobs"},
	"dynamodb.table.rangekey":                                    {strings.Repeat("a", 256), "a"},
	"dynamodb.table.readcapacity":                                {0.0, 1.0},
	"dynamodb.table.streamviewtype":                              {"bogus", "NEW_IMAGE"},
	"dynamodb.table.tableclass":                                  {"bogus", "STANDARD"},
	"dynamodb.table.writecapacity":                               {0.0, 1.0},
	"ebs.volume.type":                                            {"bogus", "standard"},
	"ec2.eip.domain":                                             {"bogus", "vpc"},
	"ec2.flowlog.logdestinationtype":                             {"bogus", "cloud-watch-logs"},
	"ec2.flowlog.maxaggregationinterval":                         {30.0, 600.0},
	"ec2.flowlog.traffictype":                                    {"bogus", "ACCEPT"},
	"ec2.instance.ami":                                           {"ubuntu", "ami-0123456789abcdef0"},
	"ec2.instance.ebsblockdevice.volumetype":                     {"bogus", "standard"},
	"ec2.instance.instancetype":                                  {"t3.mega", "t3.medium"},
	"ec2.instance.metadata.hoplimit":                             {65.0, 1.0},
	"ec2.instance.metadata.httpendpoint":                         {"bogus", "disabled"},
	"ec2.instance.metadata.httptokens":                           {"bogus", "optional"},
	"ec2.instance.metadata.instancemetadatatags":                 {"bogus", "disabled"},
	"ec2.instance.rootblockdevice.volumetype":                    {"bogus", "standard"},
	"ec2.instance.shutdownbehavior":                              {"bogus", "stop"},
	"ec2.instance.tenancy":                                       {"bogus", "default"},
	"ec2.launchtemplate.description":                             {strings.Repeat("a", 256), "a"},
	"ec2.launchtemplate.ebs.volumetype":                          {"bogus", "standard"},
	"ec2.launchtemplate.imageid":                                 {"ami-123", "resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"},
	"ec2.launchtemplate.instancetype":                            {"t3.mega", "t3.medium"},
	"ec2.launchtemplate.metadata.hoplimit":                       {65.0, 1.0},
	"ec2.launchtemplate.metadata.httpendpoint":                   {"bogus", "disabled"},
	"ec2.launchtemplate.metadata.httpprotocolipv6":               {"bogus", "disabled"},
	"ec2.launchtemplate.metadata.httptokens":                     {"bogus", "optional"},
	"ec2.launchtemplate.metadata.instancemetadatatags":           {"bogus", "disabled"},
	"ec2.launchtemplate.name":                                    {"lt name", "lookup-staging-ecs-hosts"},
	"ec2.launchtemplate.shutdownbehavior":                        {"bogus", "stop"},
	"ec2.launchtemplate.tagspecification.resourcetype":           {"bogus", "instance"},
	"ec2.natgateway.connectivitytype":                            {"bogus", "private"},
	"ec2.natgateway.secondaryprivateipaddresscount":              {32.0, 1.0},
	"ec2.securitygroup.description":                              {"the app's tasks", "ECS tasks: no ingress from the internet"},
	"ec2.securitygroup.name":                                     {"sg-web", "lookup-staging-alb"},
	"ec2.vpc.ipv4netmasklength":                                  {15.0, 16.0},
	"ec2.vpc.instancetenancy":                                    {"bogus", "default"},
	"ec2.vpcendpoint.ipaddresstype":                              {"bogus", "ipv4"},
	"ec2.vpcendpoint.type":                                       {"bogus", "Interface"},
	"ecs.capacityprovider.manageddraining":                       {"bogus", "ENABLED"},
	"ecs.capacityprovider.managedscaling.instancewarmupperiod":   {10001.0, 0.0},
	"ecs.capacityprovider.managedscaling.maximumscalingstepsize": {10001.0, 1.0},
	"ecs.capacityprovider.managedscaling.minimumscalingstepsize": {10001.0, 1.0},
	"ecs.capacityprovider.managedscaling.status":                 {"bogus", "ENABLED"},
	"ecs.capacityprovider.managedscaling.targetcapacity":         {101.0, 1.0},
	"ecs.capacityprovider.managedterminationprotection":          {"bogus", "ENABLED"},
	"ecs.capacityprovider.name":                                  {"ecs-hosts", "lookup-staging-ecs-hosts"},
	"ecs.cluster.name":                                           {"lookup cluster", "lookup-staging-cluster"},
	"ecs.cluster.setting.name":                                   {"bogus", "containerInsights"},
	"ecs.cluster.setting.value":                                  {"bogus", "enhanced"},
	"ecs.clustercapacityproviders.strategy.base":                 {100001.0, 0.0},
	"ecs.clustercapacityproviders.strategy.weight":               {1001.0, 0.0},
	"ecs.container.dependson.condition":                          {"bogus", "START"},
	"ecs.container.environmentfile.type":                         {"bogus", "s3"},
	"ecs.container.healthcheck.interval":                         {301.0, 5.0},
	"ecs.container.healthcheck.retries":                          {11.0, 1.0},
	"ecs.container.healthcheck.startperiod":                      {301.0, 0.0},
	"ecs.container.healthcheck.timeout":                          {61.0, 2.0},
	"ecs.container.logconfiguration.logdriver":                   {"bogus", "json-file"},
	"ecs.container.memory":                                       {5.0, 6.0},
	"ecs.container.memoryreservation":                            {5.0, 6.0},
	"ecs.container.name":                                         {"qa server", "qa-server-app"},
	"ecs.container.portmapping.appprotocol":                      {"bogus", "http"},
	"ecs.container.portmapping.name":                             {"-http", "qa-server-app-3000"},
	"ecs.container.portmapping.protocol":                         {"bogus", "tcp"},
	"ecs.container.ulimit.name":                                  {"bogus", "core"},
	"ecs.container.versionconsistency":                           {"bogus", "enabled"},
	"ecs.service.launchtype":                                     {"bogus", "EC2"},
	"ecs.service.name":                                           {"lookup.app", "lookup-staging-app"},
	"ecs.service.propagatetags":                                  {"bogus", "TASK_DEFINITION"},
	"ecs.service.schedulingstrategy":                             {"bogus", "REPLICA"},
	"ecs.service.securitygroups":                                 {items(6), items(5)},
	"ecs.service.serviceconnect.clientalias.port":                {65536.0, 0.0},
	"ecs.service.serviceconnect.discoveryname":                   {"-mariadb", "qa-mariadb"},
	"ecs.service.serviceconnect.dnsname":                         {"QA-MariaDB", "qa-mariadb"},
	"ecs.service.serviceconnect.ingressportoverride":             {65536.0, 0.0},
	"ecs.service.strategy.base":                                  {100001.0, 0.0},
	"ecs.service.strategy.weight":                                {1001.0, 0.0},
	"ecs.service.subnets":                                        {items(17), items(16)},
	"ecs.taskdefinition.efs.iam":                                 {"bogus", "ENABLED"},
	"ecs.taskdefinition.efs.transitencryption":                   {"bogus", "ENABLED"},
	"ecs.taskdefinition.ephemeralstorage":                        {201.0, 21.0},
	"ecs.taskdefinition.family":                                  {"lookup:app", "lookup-staging-app"},
	"ecs.taskdefinition.ipcmode":                                 {"bogus", "host"},
	"ecs.taskdefinition.networkmode":                             {"bogus", "bridge"},
	"ecs.taskdefinition.pidmode":                                 {"bogus", "host"},
	"ecs.taskdefinition.requirescompatibility":                   {"bogus", "EC2"},
	"ecs.taskdefinition.runtimeplatform.cpuarchitecture":         {"bogus", "X86_64"},
	"ecs.taskdefinition.runtimeplatform.osfamily":                {"bogus", "WINDOWS_SERVER_2019_FULL"},
	"ecs.taskdefinition.volume.name":                             {"auth files", "authorities"},
	"efs.accesspoint.creationinfo.ownergid":                      {4294967296.0, 0.0},
	"efs.accesspoint.creationinfo.owneruid":                      {4294967296.0, 0.0},
	"efs.accesspoint.creationinfo.permissions":                   {"0789", "0750"},
	"efs.accesspoint.posixuser.gid":                              {4294967296.0, 0.0},
	"efs.accesspoint.posixuser.secondarygid":                     {4294967296.0, 0.0},
	"efs.accesspoint.posixuser.secondarygids":                    {items(17), items(16)},
	"efs.accesspoint.posixuser.uid":                              {4294967296.0, 0.0},
	"efs.accesspoint.rootdirectory.path.length":                  {strings.Repeat("a", 101), "a"},
	"efs.accesspoint.rootdirectory.path.pattern":                 {"/.hidden", "/authorities"},
	"efs.backuppolicy.status":                                    {"bogus", "ENABLED"},
	"efs.filesystem.availabilityzonename":                        {"", "us-east-2a"},
	"efs.filesystem.creationtoken":                               {strings.Repeat("a", 65), "lookup-staging-files"},
	"efs.filesystem.lifecycle.transitiontoarchive":               {"bogus", "AFTER_1_DAY"},
	"efs.filesystem.lifecycle.transitiontoia":                    {"bogus", "AFTER_7_DAYS"},
	"efs.filesystem.lifecycle.transitiontoprimary":               {"bogus", "AFTER_1_ACCESS"},
	"efs.filesystem.lifecyclepolicies":                           {items(4), items(3)},
	"efs.filesystem.performancemode":                             {"bogus", "generalPurpose"},
	"efs.filesystem.provisionedthroughput":                       {0.0, 1.0},
	"efs.filesystem.throughputmode":                              {"bogus", "bursting"},
	"efs.filesystempolicy.policy":                                {strings.Repeat("a", 20001), `{"Statement":[]}`},
	"efs.mounttarget.ipaddress":                                  {"10.0.0", "10.0.0.5"},
	"efs.mounttarget.securitygroups":                             {items(101), items(5)},
	"elbv2.listener.action.order":                                {50001.0, 1.0},
	"elbv2.listener.action.type":                                 {"bogus", "forward"},
	"elbv2.listener.fixedresponse.contenttype":                   {strings.Repeat("a", 33), "a"},
	"elbv2.listener.fixedresponse.messagebody":                   {strings.Repeat("a", 1025), "a"},
	"elbv2.listener.fixedresponse.statuscode":                    {"301", "404"},
	"elbv2.listener.forward.weight":                              {1000.0, 0.0},
	"elbv2.listener.port":                                        {65536.0, 1.0},
	"elbv2.listener.protocol":                                    {"bogus", "HTTP"},
	"elbv2.listener.redirect.host":                               {strings.Repeat("a", 129), "a"},
	"elbv2.listener.redirect.path":                               {strings.Repeat("a", 129), "a"},
	"elbv2.listener.redirect.protocol":                           {"http", "HTTPS"},
	"elbv2.listener.redirect.query":                              {strings.Repeat("a", 129), "a"},
	"elbv2.listener.redirect.statuscode":                         {"bogus", "HTTP_301"},
	"elbv2.listenerrule.action.order":                            {50001.0, 1.0},
	"elbv2.listenerrule.action.type":                             {"bogus", "forward"},
	"elbv2.listenerrule.hostheader":                              {"localhost", "lookup.research.example.org"},
	"elbv2.listenerrule.priority":                                {50001.0, 1.0},
	"elbv2.loadbalancer.accesslogs.prefix":                       {"alb/AWSLogs", "alb"},
	"elbv2.loadbalancer.clientkeepalive":                         {604801.0, 60.0},
	"elbv2.loadbalancer.idletimeout":                             {4001.0, 1.0},
	"elbv2.loadbalancer.ipaddresstype":                           {"bogus", "ipv4"},
	"elbv2.loadbalancer.name":                                    {"internal-lookup", "lookup-staging-alb"},
	"elbv2.loadbalancer.type":                                    {"bogus", "application"},
	"elbv2.targetgroup.deregistrationdelay":                      {3601.0, 0.0},
	"elbv2.targetgroup.healthcheck.healthythreshold":             {11.0, 2.0},
	"elbv2.targetgroup.healthcheck.interval":                     {301.0, 5.0},
	"elbv2.targetgroup.healthcheck.path":                         {strings.Repeat("a", 1025), "a"},
	"elbv2.targetgroup.healthcheck.protocol":                     {"bogus", "HTTP"},
	"elbv2.targetgroup.healthcheck.timeout":                      {121.0, 2.0},
	"elbv2.targetgroup.healthcheck.unhealthythreshold":           {11.0, 2.0},
	"elbv2.targetgroup.ipaddresstype":                            {"bogus", "ipv4"},
	"elbv2.targetgroup.name":                                     {"lookup-tg-", "lookup-staging-tg-3000"},
	"elbv2.targetgroup.port":                                     {65536.0, 1.0},
	"elbv2.targetgroup.protocol":                                 {"bogus", "HTTP"},
	"elbv2.targetgroup.protocolversion":                          {"bogus", "HTTP1"},
	"elbv2.targetgroup.targettype":                               {"bogus", "instance"},
	"iam.instanceprofile.name":                                   {"web profile", "kotta-staging-web"},
	"iam.instanceprofile.path":                                   {"no-slashes", "/"},
	"iam.instanceprofile.role":                                   {"web role", "kotta-staging-web"},
	"iam.oidcprovider.clientid":                                  {strings.Repeat("a", 256), "a"},
	"iam.oidcprovider.thumbprint":                                {strings.Repeat("a", 41), strings.Repeat("a", 40)},
	"iam.oidcprovider.url":                                       {strings.Repeat("a", 256), "a"},
	"iam.policy.description":                                     {strings.Repeat("a", 1001), "a"},
	"iam.policy.document":                                        {strings.Repeat("a", 131073), `{"Version":"2012-10-17"}`},
	"iam.policy.name":                                            {"kotta's web", "kotta-staging-web"},
	"iam.policy.path":                                            {"/a b/", "/"},
	"iam.role.assumerolepolicy":                                  {"{\"x\":\"\u0100\"}", `{"Version":"2012-10-17"}`},
	"iam.role.description":                                       {"Kotta web \u2014 staging", "Cloud Kotta web server (staging)"},
	"iam.role.maxsessionduration":                                {43201.0, 3600.0},
	"iam.role.name":                                              {strings.Repeat("r", 65), "kotta-staging-web"},
	"iam.role.path":                                              {"/a", "/strata/"},
	"iam.role.permissionsboundary":                               {strings.Repeat("a", 2049), strings.Repeat("a", 20)},
	"iam.rolepolicyattachment.policyarn":                         {strings.Repeat("a", 2049), strings.Repeat("a", 20)},
	"iam.rolepolicyattachment.role":                              {"web role", "kotta-staging-web"},
	"kms.alias.name":                                             {"alias/aws/mine", "alias/strata-production-secrets"},
	"kms.key.deletionwindow":                                     {31.0, 7.0},
	"kms.key.description":                                        {strings.Repeat("a", 8193), "a"},
	"kms.key.keyspec":                                            {"bogus", "RSA_2048"},
	"kms.key.keyusage":                                           {"bogus", "SIGN_VERIFY"},
	"kms.key.policy":                                             {strings.Repeat("a", 131073), `{"Version":"2012-10-17"}`},
	"kms.key.rotationperiod":                                     {2561.0, 90.0},
	"lightsail.containerservice.name":                            {"Epimetheus", "epimetheus-staging-app"},
	"lightsail.containerservice.power":                           {"bogus", "nano"},
	"lightsail.containerservice.scale":                           {21.0, 1.0},
	"lightsail.database.finalsnapshotname":                       {"final_snapshot", "epimetheus-staging-app-db-final"},
	"lightsail.database.name":                                    {"a", "epimetheus-staging-app-db"},
	"lightsail.database.name.pattern":                            {"-db", "epimetheus-staging-app-db"},
	"lightsail.deployment.containername":                         {"Frontend", "epimetheus-frontend"},
	"lightsail.deployment.healthcheck.interval":                  {301.0, 5.0},
	"lightsail.deployment.healthcheck.timeout":                   {61.0, 2.0},
	"lightsail.deployment.port.protocol":                         {"bogus", "HTTP"},
	"lightsail.deployment.servicename":                           {"app_1", "epimetheus-staging-app"},
	"logs.loggroup.kmskeyid":                                     {strings.Repeat("a", 257), "a"},
	"logs.loggroup.loggroupclass":                                {"bogus", "STANDARD"},
	"logs.loggroup.name":                                         {"/ecs/app name", "/ecs/lookup-staging-app"},
	"logs.loggroup.retentionindays":                              {2.0, 30.0},
	"logs.resourcepolicy.policydocument":                         {strings.Repeat("a", 51201), "a"},
	"ssm.document.name":                                          {"ab", "strata-bootstrap"},
	"ssm.document.documenttype":                                  {"bogus", "Command"},
	"ssm.document.documentformat":                                {"bogus", "YAML"},
	"ssm.document.versionname":                                   {"v 1", "v1"},
	"ssm.document.targettype":                                    {"AWS::EC2::Instance", "/AWS::EC2::Instance"},
	"ssm.association.name":                                       {"doc name", "AWS-RunShellScript"},
	"ssm.association.associationname":                            {"run it", "strata-bootstrap"},
	"ssm.association.documentversion":                            {"latest", "$LATEST"},
	"ssm.association.scheduleexpression":                         {"", "rate(30 minutes)"},
	"ssm.association.maxconcurrency":                             {"0", "10%"},
	"ssm.association.maxerrors":                                  {"101%", "0"},
	"ssm.association.complianceseverity":                         {"bogus", "HIGH"},
	"ssm.association.synccompliance":                             {"bogus", "AUTO"},
	"ssm.association.targets":                                    {items(6), items(5)},
	"ecr.pullthroughcacherule.ecrrepositoryprefix":               {"Docker-Hub", "docker-hub"},
	"ecr.pullthroughcacherule.upstreamrepositoryprefix":          {"a", "library"},
	"ecr.pullthroughcacherule.credentialarn":                     {"arn:aws:secretsmanager:us-east-2:123456789012:secret:dockerhub-AbCdEf", "arn:aws:secretsmanager:us-east-2:123456789012:secret:ecr-pullthroughcache/dockerhub-AbCdEf"},
	"ecr.creationtemplate.prefix":                                {"Docker-Hub", "lookup-production-hub"},
	"ecr.creationtemplate.description":                           {strings.Repeat("d", 257), "Repositories of the Docker Hub pull-through cache hub"},
	"ecr.creationtemplate.appliedfor":                            {"PULL_THROUGH", "PULL_THROUGH_CACHE"},
	"ecr.creationtemplate.imagetagmutability":                    {"mutable", "MUTABLE"},
	"ecr.creationtemplate.encryptiontype":                        {"SSE", "AES256"},
	"ecr.creationtemplate.lifecyclepolicy":                       {strings.Repeat("x", 30721), `{"rules":[]}`},
	"wafv2.webacl.name":                                          {"web acl", "lookup-staging-waf"},
	"wafv2.webacl.scope":                                         {"bogus", "REGIONAL"},
	"wafv2.webacl.description":                                   {" leading space", "Protects the lookup ALB"},
	"imagebuilder.component.name":                                {"a", "argos-base"},
	"imagebuilder.component.version":                             {"1.0", "1.0.0"},
	"imagebuilder.component.platform":                            {"bogus", "Linux"},
	"imagebuilder.component.description":                         {"", "Installs the knowledge server"},
	"imagebuilder.component.data":                                {strings.Repeat("a", 16001), "name: x"},
	"imagebuilder.imagerecipe.name":                              {"argos/base", "argos-base"},
	"imagebuilder.imagerecipe.version":                           {"1.0.y", "1.0.x"},
	"imagebuilder.imagerecipe.description":                       {"", "Argos base image"},
	"imagebuilder.imagerecipe.workingdirectory":                  {strings.Repeat("a", 1025), "/tmp"},
	"imagebuilder.imagepipeline.name":                            {"p", "argos-base"},
	"imagebuilder.imagepipeline.description":                     {"", "Weekly Argos image"},
	"imagebuilder.imagepipeline.status":                          {"bogus", "ENABLED"},
	"ec2.instance.launchtemplate.version":                        {"latest", "1"},
	"ec2.placementgroup.name":                                    {"gruppe-ü", "aot-production-compute"},
	"ec2.placementgroup.spreadlevel":                             {"bogus", "rack"},
	"ec2.placementgroup.strategy":                                {"bogus", "cluster"},
	"events.rule.description":                                    {strings.Repeat("a", 513), "A rotated secret became current"},
	"events.rule.eventbusname":                                   {"my bus", "default"},
	"events.rule.eventpattern":                                   {strings.Repeat("a", 4097), `{"source":["aws.secretsmanager"]}`},
	"events.rule.name":                                           {"lookup rotation", "lookup-production-rotation"},
	"events.rule.scheduleexpression":                             {strings.Repeat("a", 257), "rate(1 day)"},
	"events.rule.state":                                          {"bogus", "ENABLED"},
	"events.target.input":                                        {strings.Repeat("a", 8193), "{}"},
	"events.target.targetid":                                     {"re deploy", "redeploy"},
	"sfn.statemachine.definition":                                {"", `{"StartAt":"A","States":{}}`},
	"sfn.statemachine.logging.level":                             {"bogus", "ERROR"},
	"sfn.statemachine.name":                                      {strings.Repeat("a", 81), "lookup-production-rotation"},
	"sfn.statemachine.type":                                      {"bogus", "STANDARD"},
	"ssm.association.automationtargetparametername":              {strings.Repeat("a", 51), "InstanceId"},
	"ssm.association.outputlocation.bucket":                      {"ab", "strata-aot-staging-bootstrap-use2"},
	"ssm.association.outputlocation.keyprefix":                   {strings.Repeat("a", 501), "logs"},
	"ssm.association.outputlocation.region":                      {"us", "us-east-2"},
	"ssm.association.target.key":                                 {"tag:Cluster*", "tag:Cluster"},
	"ssm.association.target.values":                              {items(51), items(1)},
	"ssm.document.content":                                       {"", `{"schemaVersion":"2.2"}`},
	"ssm.parameter.allowedpattern":                               {strings.Repeat("a", 1025), "^[0-9]+$"},
	"ssm.parameter.datatype":                                     {strings.Repeat("a", 129), "text"},
	"ssm.parameter.description":                                  {strings.Repeat("a", 1025), "The root SSH key"},
	"ssm.parameter.keyid":                                        {"alias/aot keys", "arn:aws:kms:us-east-2:123456789012:key/aot-keys"},
	"ssm.parameter.name":                                         {strings.Repeat("a", 2049), "/aot/staging/root/id_ed25519"},
	"ssm.parameter.name.charset":                                 {"/aws/aot/key", "/aot/staging/root/id_ed25519"},
	"ssm.parameter.tier":                                         {"bogus", "Standard"},
	"ssm.parameter.type":                                         {"bogus", "SecureString"},
	"tls.privatekey.algorithm":                                   {"DSA", "ED25519"},
	"tls.privatekey.ecdsacurve":                                  {"P192", "P256"},
	"wafv2.logging.filter.action":                                {"bogus", "BLOCK"},
	"wafv2.logging.filter.behavior":                              {"bogus", "KEEP"},
	"wafv2.logging.filter.defaultbehavior":                       {"bogus", "DROP"},
	"wafv2.logging.filter.labelname":                             {"awswaf label", "awswaf:managed:aws:bot-control:bot:category"},
	"wafv2.logging.filter.requirement":                           {"bogus", "MEETS_ANY"},
	"wafv2.logging.redactedfield.header":                         {" ", "authorization"},
	"wafv2.webacl.managedrulegroup.name":                         {"Common Rule Set", "AWSManagedRulesCommonRuleSet"},
	"wafv2.webacl.managedrulegroup.vendorname":                   {" ", "AWS"},
	"wafv2.webacl.managedrulegroup.version":                      {"v 1", "Version_1.0"},
	"wafv2.webacl.metricname":                                    {"strata waf", "strata-production-waf"},
	"wafv2.webacl.ratebased.aggregatekeytype":                    {"bogus", "IP"},
	"wafv2.webacl.ratebased.evaluationwindow":                    {90.0, 300.0},
	"wafv2.webacl.ratebased.limit":                               {9.0, 2000.0},
	"wafv2.webacl.rule.metricname":                               {"rate limit", "strata-production-waf-rate-limit"},
	"wafv2.webacl.rule.name":                                     {"rate limit", "rate-limit"},
	"wafv2.webacl.rule.priority":                                 {-1.0, 0.0},
	"autoscaling.group.mixed.ondemandallocationstrategy":         {"cheapest", "prioritized"},
	"autoscaling.group.mixed.ondemandpercentage":                 {101.0, 0.0},
	"autoscaling.group.mixed.overrides.instancetype":             {"t3.mega", "m7g.large"},
	"autoscaling.group.mixed.spotallocationstrategy":             {"cheapest", "price-capacity-optimized"},
	"autoscaling.group.mixed.version":                            {"", "$Latest"},
	"autoscaling.group.mixed.version.value":                      {"newest", "3"},
	"elbv2.targetgroupattachment.port":                           {0.0, 8080.0},
	"iam.rolepolicy.document":                                    {"", `{"Version":"2012-10-17"}`},
	"iam.rolepolicy.name":                                        {"app policy", "app"},
	"iam.rolepolicy.role":                                        {"argos api", "argos-production-api"},
	"imagebuilder.distribution.ami.description":                  {"", "Argos knowledge server"},
	"imagebuilder.distribution.ami.name":                         {"argos/{{ imagebuilder:buildDate }}", "argos-{{ imagebuilder:buildDate }}"},
	"imagebuilder.distribution.ami.tags":                         {tagMap(51), tagMap(50)},
	"imagebuilder.distribution.description":                      {"", "Argos images"},
	"imagebuilder.distribution.name":                             {"a", "argos-production"},
	"imagebuilder.distribution.region":                           {"", "us-east-2"},
	"imagebuilder.distribution.ssm.datatype":                     {"image", "aws:ec2:image"},
	"imagebuilder.distribution.ssm.parametername":                {"/argos/image id", "/argos/production/image-id"},
	"imagebuilder.image.teststimeout":                            {59.0, 60.0},
	"imagebuilder.imagepipeline.schedule.expression":             {"", "cron(0 4 ? * sun *)"},
	"imagebuilder.imagepipeline.schedule.startcondition":         {"bogus", "EXPRESSION_MATCH_ONLY"},
	"imagebuilder.imagepipeline.teststimeout":                    {1441.0, 720.0},
	"imagebuilder.imagerecipe.devicename":                        {"", "/dev/xvda"},
	"imagebuilder.imagerecipe.ebs.volumesize":                    {16001.0, 30.0},
	"imagebuilder.imagerecipe.ebs.volumetype":                    {"bogus", "gp3"},
	"imagebuilder.imagerecipe.parentimage":                       {"", "arn:aws:imagebuilder:us-east-2:aws:image/amazon-linux-2023-x86/x.x.x"},
	"imagebuilder.infrastructure.description":                    {"", "Argos build hosts"},
	"imagebuilder.infrastructure.hoplimit":                       {65.0, 2.0},
	"imagebuilder.infrastructure.httptokens":                     {"mandatory", "required"},
	"imagebuilder.infrastructure.instanceprofilename":            {"argos builder", "argos-production-builder"},
	"imagebuilder.infrastructure.instancetype":                   {"t3.mega", "t3.medium"},
	"imagebuilder.infrastructure.name":                           {"a", "argos-production"},
	"imagebuilder.infrastructure.resourcetags":                   {tagMap(31), tagMap(30)},
	"random.id.bytelength":                                       {0.0, 8.0},
	"secretsmanager.rotation.automaticallyafterdays":             {1001.0, 30.0},
	"secretsmanager.rotation.duration":                           {"2d", "3h"},
	"secretsmanager.rotation.scheduleexpression":                 {"rate(10 days);", "rate(10 days)"},
	"random.password.length":                                     {0.0, 1.0},
	"rds.instance.backupretentionperiod":                         {36.0, 0.0},
	"rds.instance.backupwindow":                                  {"25:00-26:00", "03:00-04:00"},
	"rds.instance.engine":                                        {"bogus", "aurora-mysql"},
	"rds.instance.finalsnapshotidentifier":                       {"1-final", "lookup-production-db-final"},
	"rds.instance.identifier":                                    {"lookup--db", "lookup-production-db"},
	"rds.instance.maintenancewindow":                             {"sunday:05:00-sunday:06:00", "sun:05:00-sun:06:00"},
	"rds.instance.monitoringinterval":                            {2.0, 60.0},
	"rds.instance.port":                                          {65536.0, 1150.0},
	"rds.instance.storagetype":                                   {"bogus", "gp2"},
	"rds.instance.username":                                      {"1qa", "qa"},
	"rds.parametergroup.name":                                    {"lookup-db-mariadb10.11", "lookup-production-db-mariadb10-11"},
	"rds.parametergroup.parameter.applymethod":                   {"bogus", "immediate"},
	"rds.subnetgroup.name":                                       {"default", "lookup-production-db"},
	"route53.record.alias.name":                                  {strings.Repeat("a", 1025), "a"},
	"route53.record.alias.zoneid":                                {strings.Repeat("a", 33), "a"},
	"route53.record.name":                                        {strings.Repeat("a", 1025), "a"},
	"route53.record.record":                                      {strings.Repeat("a", 4001), "a"},
	"route53.record.records":                                     {items(0), items(1)},
	"route53.record.setidentifier":                               {strings.Repeat("a", 129), "a"},
	"route53.record.ttl":                                         {2147483648.0, 0.0},
	"route53.record.type":                                        {"bogus", "SOA"},
	"route53.record.zoneid":                                      {strings.Repeat("a", 33), "a"},
	"s3.bucket.name":                                             {"Kotta_Jobs", "strata-kotta-staging-jobs-use2"},
	"s3.encryption.ssealgorithm":                                 {"bogus", "AES256"},
	"s3.lifecycle.rule.expiration.days":                          {0.0, 1.0},
	"s3.lifecycle.rule.id":                                       {strings.Repeat("a", 256), "a"},
	"s3.lifecycle.rule.noncurrentdays":                           {0.0, 1.0},
	"s3.lifecycle.rule.noncurrenttransition.storageclass":        {"bogus", "GLACIER"},
	"s3.lifecycle.rule.status":                                   {"bogus", "Enabled"},
	"s3.lifecycle.rule.transition.storageclass":                  {"bogus", "GLACIER"},
	"s3.lifecycle.rules":                                         {items(1001), items(1)},
	"s3.ownershipcontrols.objectownership":                       {"bogus", "BucketOwnerPreferred"},
	"s3.versioning.mfadelete":                                    {"bogus", "Enabled"},
	"s3.versioning.status":                                       {"bogus", "Enabled"},
	"secretsmanager.secret.description":                          {strings.Repeat("a", 2049), "a"},
	"secretsmanager.secret.name.charset":                         {"lookup mariadb", "lookup-staging-mariadb"},
	"secretsmanager.secret.name.length":                          {strings.Repeat("a", 513), "a"},
	"secretsmanager.secret.recoverywindow":                       {6.0, 7.0},
	"servicediscovery.httpnamespace.description":                 {strings.Repeat("a", 1025), "a"},
	"servicediscovery.httpnamespace.name":                        {"arn:lookup", "lookup-staging"},
	"sns.subscription.protocol":                                  {"bogus", "http"},
	"sns.topic.name":                                             {"db alarms", "lookup-production-db-alarms"},
	"sqs.queue.delay":                                            {901.0, 0.0},
	"sqs.queue.kmsdatakeyreuse":                                  {86401.0, 60.0},
	"sqs.queue.maxmessagesize":                                   {1048577.0, 1024.0},
	"sqs.queue.messageretention":                                 {1209601.0, 60.0},
	"sqs.queue.name":                                             {"jobs.queue", "kotta-staging-jobs"},
	"sqs.queue.receivewaittime":                                  {21.0, 0.0},
	"sqs.queue.visibilitytimeout":                                {43201.0, 0.0},
}

// ruleCase breaks a rule on a synthetic resource (bad) and shows inputs it accepts (good).
type ruleCase struct {
	id, typ   string
	bad, good map[string]any
}

// tooLongPolicy is an identity policy of over 6,144 characters without whitespace.
var tooLongPolicy = doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("b", 6200) + `"}`)

func doc(statements ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
}

const (
	allow     = `{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`
	trustStmt = `{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}`
)

var ruleCases = []ruleCase{
	{"autoscaling.group.capacity", asgType, map[string]any{"minSize": 1.0, "maxSize": 2.0, "desiredCapacity": 3.0}, map[string]any{"minSize": 1.0, "maxSize": 2.0, "desiredCapacity": 2.0}},
	{"autoscaling.group.instancerefresh.healthyrange", asgType, map[string]any{"instanceRefresh": map[string]any{"preferences": map[string]any{"minHealthyPercentage": 50.0, "maxHealthyPercentage": 200.0}}},
		map[string]any{"instanceRefresh": map[string]any{"preferences": map[string]any{"minHealthyPercentage": 100.0, "maxHealthyPercentage": 200.0}}}},
	{"autoscaling.group.maxinstancelifetime", asgType, map[string]any{"maxInstanceLifetime": 3600.0}, map[string]any{"maxInstanceLifetime": 86400.0}},
	{"cloudwatch.metricalarm.period.value", metricAlarmType, map[string]any{"period": 90.0}, map[string]any{"period": 300.0}},
	{"cloudwatch.metricalarm.evaluationwindow", metricAlarmType, map[string]any{"period": 300.0, "evaluationPeriods": 289.0}, map[string]any{"period": 300.0, "evaluationPeriods": 288.0}},
	{"cloudwatch.metricalarm.datapoints", metricAlarmType, map[string]any{"evaluationPeriods": 3.0, "datapointsToAlarm": 4.0}, map[string]any{"evaluationPeriods": 3.0, "datapointsToAlarm": 2.0}},
	{"cloudwatch.metricalarm.statistic.choice", metricAlarmType, map[string]any{"metricName": "CPUUtilization"}, map[string]any{"metricName": "CPUUtilization", "statistic": "Average"}},
	{"cloudwatch.metricalarm.dimension.name", metricAlarmType, map[string]any{"dimensions": map[string]any{strings.Repeat("d", 256): "x"}}, map[string]any{"dimensions": map[string]any{"DBInstanceIdentifier": "db"}}},
	{"datasync.task.options.times", syncTaskType, map[string]any{"options": map[string]any{"atime": "BEST_EFFORT", "mtime": "NONE"}}, map[string]any{"options": map[string]any{"atime": "NONE", "mtime": "NONE"}}},
	{"datasync.task.options.remove", syncTaskType, map[string]any{"options": map[string]any{"preserveDeletedFiles": "REMOVE", "transferMode": "ALL"}},
		map[string]any{"options": map[string]any{"preserveDeletedFiles": "REMOVE", "transferMode": "CHANGED"}}},
	{"dynamodb.table.keys", tableType, map[string]any{"hashKey": "job_id", "attributes": []any{map[string]any{"name": "id", "type": "S"}}},
		map[string]any{"hashKey": "job_id", "attributes": []any{map[string]any{"name": "job_id", "type": "S"}}}},
	{"ec2.securitygrouprule.description", egressType, map[string]any{"referencedSecurityGroupId": "sg-1", "description": "app & db"},
		map[string]any{"cidrIpv4": "10.0.0.0/16", "description": "app & db"}},
	{"ec2.securitygrouprule.protocol", ingressType, map[string]any{"ipProtocol": "sctp"}, map[string]any{"ipProtocol": "132"}},
	{"ec2.securitygrouprule.ports", ingressType, map[string]any{"ipProtocol": "tcp", "fromPort": 443.0, "toPort": 80.0}, map[string]any{"ipProtocol": "tcp", "fromPort": 80.0, "toPort": 443.0}},
	{"ec2.securitygrouprule.cidr", sgType, map[string]any{"ingress": []any{map[string]any{"cidrBlocks": []any{"10.0.0.0/33"}}}},
		map[string]any{"ingress": []any{map[string]any{"cidrBlocks": []any{"10.0.0.0/16"}, "ipv6CidrBlocks": []any{"2001:db8::/32"}}}}},
	{"ec2.securitygrouprule.target", ingressType, map[string]any{"cidrIpv4": "10.0.0.0/16", "referencedSecurityGroupId": "sg-1"}, map[string]any{"cidrIpv4": "10.0.0.0/16"}},
	{"ec2.userdata.size", ltType, map[string]any{"userData": base64.StdEncoding.EncodeToString([]byte(strings.Repeat("#", 16*1024+1)))},
		map[string]any{"userData": base64.StdEncoding.EncodeToString([]byte("#!/bin/bash\n"))}},
	{"ec2.ebs.size", volumeType, map[string]any{"type": "st1", "size": 100.0}, map[string]any{"type": "st1", "size": 125.0}},
	{"ec2.ebs.iops", ltType, map[string]any{"blockDeviceMappings": []any{map[string]any{"ebs": map[string]any{"volumeType": "gp2", "iops": 3000.0}}}},
		map[string]any{"blockDeviceMappings": []any{map[string]any{"ebs": map[string]any{"volumeType": "gp3", "volumeSize": 30.0, "iops": 3000.0}}}}},
	{"ec2.ebs.throughput", instanceType, map[string]any{"rootBlockDevice": map[string]any{"volumeType": "gp3", "throughput": 1000.0}},
		map[string]any{"rootBlockDevice": map[string]any{"volumeType": "gp3", "throughput": 750.0}}},
	{"ec2.vpc.cidrblock", vpcType, map[string]any{"cidrBlock": "10.0.0.0/8"}, map[string]any{"cidrBlock": "10.20.0.0/16"}},
	{"ec2.subnet.cidrblock", subnetType, map[string]any{"cidrBlock": "10.20.0.0/29"}, map[string]any{"cidrBlock": "10.20.0.0/28"}},
	{"ec2.route.destination", routeType, map[string]any{"destinationCidrBlock": "0.0.0.0", "natGatewayId": "nat-1"}, map[string]any{"destinationCidrBlock": "0.0.0.0/0", "natGatewayId": "nat-1"}},
	{"ec2.route.target", routeType, map[string]any{"destinationCidrBlock": "0.0.0.0/0", "natGatewayId": "nat-1", "gatewayId": "igw-1"},
		map[string]any{"destinationCidrBlock": "0.0.0.0/0", "gatewayId": "igw-1"}},
	{"ecs.container.image", taskDefType, containerDefs(map[string]any{"image": "repo/app@sha256:abc"}), containerDefs(map[string]any{"image": "public.ecr.aws/docker/library/mariadb:10.6.20"})},
	{"ecs.container.healthcheck.command", taskDefType, containerDefs(map[string]any{"healthCheck": map[string]any{"command": []any{"curl -f http://localhost/"}}}),
		containerDefs(map[string]any{"healthCheck": map[string]any{"command": []any{"CMD-SHELL", "curl -f http://localhost/ || exit 1"}}})},
	{"ecs.container.memory.reservation", taskDefType, containerDefs(map[string]any{"memory": 256.0, "memoryReservation": 512.0}), containerDefs(map[string]any{"memory": 512.0, "memoryReservation": 256.0})},
	{"ecs.container.mountpoint.sourcevolume", taskDefType,
		merge(containerDefs(map[string]any{"mountPoints": []any{map[string]any{"sourceVolume": "data"}}}), map[string]any{"volumes": []any{map[string]any{"name": "authorities"}}}),
		merge(containerDefs(map[string]any{"mountPoints": []any{map[string]any{"sourceVolume": "authorities"}}}), map[string]any{"volumes": []any{map[string]any{"name": "authorities"}}})},
	{"ecs.container.logconfiguration.awslogs", taskDefType,
		merge(containerDefs(map[string]any{"logConfiguration": map[string]any{"logDriver": "awslogs", "options": map[string]any{"awslogs-group": "/ecs/app", "awslogs-region": "us-east-2"}}}), fargateTask),
		merge(containerDefs(map[string]any{"logConfiguration": map[string]any{"logDriver": "awslogs", "options": map[string]any{"awslogs-group": "/ecs/app", "awslogs-region": "us-east-2", "awslogs-stream-prefix": "app"}}}), fargateTask)},
	{"ecs.taskdefinition.essential", taskDefType, containerDefs(map[string]any{"essential": false}), containerDefs(map[string]any{"essential": true})},
	{"ecs.taskdefinition.fargate.size", taskDefType, merge(fargateTask, map[string]any{"cpu": "256", "memory": "4096"}), merge(fargateTask, map[string]any{"cpu": "1 vCPU", "memory": "2 GB"})},
	{"ecs.taskdefinition.cpu", taskDefType, map[string]any{"requiresCompatibilities": []any{"EC2"}, "cpu": "64"}, map[string]any{"requiresCompatibilities": []any{"EC2"}, "cpu": "512"}},
	{"ecs.taskdefinition.fargate.networkmode", taskDefType, map[string]any{"requiresCompatibilities": []any{"FARGATE"}, "networkMode": "bridge"}, fargateTask},
	{"ecs.taskdefinition.containers.total", taskDefType, merge(containerDefs(map[string]any{"memory": 1024.0}, map[string]any{"memoryReservation": 512.0}), map[string]any{"memory": "1024"}),
		merge(containerDefs(map[string]any{"memory": 512.0}, map[string]any{"memoryReservation": 512.0}), map[string]any{"memory": "1024"})},
	{"ecs.taskdefinition.efs.transitencryption.required", taskDefType, efsVolume(map[string]any{"authorizationConfig": map[string]any{"iam": "ENABLED"}}),
		efsVolume(map[string]any{"authorizationConfig": map[string]any{"iam": "ENABLED"}, "transitEncryption": "ENABLED"})},
	{"ecs.taskdefinition.efs.rootdirectory", taskDefType, efsVolume(map[string]any{"authorizationConfig": map[string]any{"accessPointId": "fsap-1"}, "transitEncryption": "ENABLED", "rootDirectory": "/data"}),
		efsVolume(map[string]any{"authorizationConfig": map[string]any{"accessPointId": "fsap-1"}, "transitEncryption": "ENABLED", "rootDirectory": "/"})},
	{"ecs.capacityproviderstrategy.base", ecsServiceType, strategy(map[string]any{"capacityProvider": "FARGATE", "base": 1.0, "weight": 1.0}, map[string]any{"capacityProvider": "FARGATE_SPOT", "base": 1.0, "weight": 1.0}),
		strategy(map[string]any{"capacityProvider": "FARGATE", "base": 1.0, "weight": 1.0}, map[string]any{"capacityProvider": "FARGATE_SPOT", "weight": 1.0})},
	{"ecs.capacityproviderstrategy.weight", clusterProvidersType,
		map[string]any{"defaultCapacityProviderStrategies": []any{map[string]any{"capacityProvider": "FARGATE", "weight": 0.0}, map[string]any{"capacityProvider": "FARGATE_SPOT"}}},
		map[string]any{"defaultCapacityProviderStrategies": []any{map[string]any{"capacityProvider": "FARGATE", "weight": 1.0}, map[string]any{"capacityProvider": "FARGATE_SPOT"}}}},
	{"efs.filesystem.lifecycle.single", fileSystemType, map[string]any{"lifecyclePolicies": []any{map[string]any{"transitionToIa": "AFTER_30_DAYS", "transitionToPrimaryStorageClass": "AFTER_1_ACCESS"}}},
		map[string]any{"lifecyclePolicies": []any{map[string]any{"transitionToIa": "AFTER_30_DAYS"}, map[string]any{"transitionToPrimaryStorageClass": "AFTER_1_ACCESS"}}}},
	{"efs.filesystem.provisionedthroughput.required", fileSystemType, map[string]any{"throughputMode": "provisioned"}, map[string]any{"throughputMode": "provisioned", "provisionedThroughputInMibps": 10.0}},
	{"elbv2.targetgroup.healthcheck.matcher", tgType, map[string]any{"protocol": "HTTP", "healthCheck": map[string]any{"matcher": ""}}, map[string]any{"protocol": "HTTP", "healthCheck": map[string]any{"matcher": "200-399"}}},
	{"elbv2.targetgroup.healthcheck.timeoutinterval", tgType, map[string]any{"healthCheck": map[string]any{"timeout": 30.0, "interval": 30.0}}, map[string]any{"healthCheck": map[string]any{"timeout": 5.0, "interval": 30.0}}},
	{"elbv2.targetgroup.healthcheck.port", tgType, map[string]any{"healthCheck": map[string]any{"port": "0"}}, map[string]any{"healthCheck": map[string]any{"port": "traffic-port"}}},
	{"elbv2.targetgroup.healthcheck.protocolsupport", tgType, map[string]any{"protocol": "HTTP", "healthCheck": map[string]any{"protocol": "TCP"}}, map[string]any{"protocol": "TCP", "healthCheck": map[string]any{"protocol": "TCP"}}},
	{"elbv2.targetgroup.slowstart", tgType, map[string]any{"slowStart": 10.0}, map[string]any{"slowStart": 0.0}},
	{"elbv2.loadbalancer.subnets", lbType, map[string]any{"loadBalancerType": "application", "subnets": []any{"subnet-1"}}, map[string]any{"loadBalancerType": "application", "subnets": []any{"subnet-1", "subnet-2"}}},
	{"elbv2.listener.certificate", listenerType, map[string]any{"protocol": "HTTPS", "port": 443.0}, map[string]any{"protocol": "HTTPS", "port": 443.0, "certificateArn": "arn:aws:acm:us-east-2:123456789012:certificate/1"}},
	{"elbv2.listener.redirect.port", listenerType, map[string]any{"defaultActions": []any{map[string]any{"redirect": map[string]any{"port": "https"}}}},
		map[string]any{"defaultActions": []any{map[string]any{"redirect": map[string]any{"port": "#{port}"}}}}},
	{"lightsail.deployment.healthcheck.successcodes", deploymentType, map[string]any{"publicEndpoint": map[string]any{"healthCheck": map[string]any{"successCodes": "200-599"}}},
		map[string]any{"publicEndpoint": map[string]any{"healthCheck": map[string]any{"successCodes": "200-399"}}}},
	{"lightsail.deployment.publicendpoint", deploymentType, lightsailDeployment("frontend", 8080, 3000.0), lightsailDeployment("frontend", 8080, 8080.0)},
	{"lightsail.database.mastername", lightsailDatabaseType, map[string]any{"blueprintId": "mysql_8_0", "masterUsername": "epimetheus_master_user"},
		map[string]any{"blueprintId": "postgres_16", "masterUsername": "epimetheus_master_user"}},
	{"policy.json", iamPolicyType, map[string]any{"policy": "{not json"}, map[string]any{"policy": doc(allow)}},
	{"policy.version", bucketPolicyType, map[string]any{"policy": `{"Version":"2012-10-18","Statement":[]}`}, map[string]any{"policy": `{"Version":"2012-10-17","Statement":[]}`}},
	{"policy.effect", iamPolicyType, map[string]any{"policy": doc(`{"Effect":"allow","Action":"s3:GetObject","Resource":"*"}`)}, map[string]any{"policy": doc(allow)}},
	{"policy.action", iamPolicyType, map[string]any{"policy": doc(`{"Effect":"Allow","Resource":"*"}`)}, map[string]any{"policy": doc(allow)}},
	{"policy.principal", iamRoleType, map[string]any{"assumeRolePolicy": doc(`{"Effect":"Allow","Action":"sts:AssumeRole"}`)}, map[string]any{"assumeRolePolicy": doc(trustStmt)}},
	{"policy.resource", iamPolicyType, map[string]any{"policy": doc(`{"Effect":"Allow","Action":"s3:GetObject"}`)}, map[string]any{"policy": doc(allow)}},
	{"iam.policy.sid", iamPolicyType, map[string]any{"policy": doc(strings.Replace(allow, "Read", "read-objects", 1))}, map[string]any{"policy": doc(allow)}},
	{"iam.policy.size", iamPolicyType, map[string]any{"policy": tooLongPolicy}, map[string]any{"policy": doc(allow)}},
	{"iam.role.trust.size", iamRoleType, map[string]any{"assumeRolePolicy": doc(slices.Repeat([]string{trustStmt}, 30)...)}, map[string]any{"assumeRolePolicy": doc(trustStmt)}},
	{"s3.bucketpolicy.size", bucketPolicyType, map[string]any{"policy": doc(strings.Repeat(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"},`, 400) + allow)},
		map[string]any{"policy": doc(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}`)}},
	{"kms.key.policy.size", kmsKeyType, map[string]any{"policy": doc(strings.Repeat(`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:Decrypt","Resource":"*"},`, 500) + allow)},
		map[string]any{"policy": doc(`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:Decrypt","Resource":"*"}`)}},
	{"rds.instance.allocatedstorage", rdsType, map[string]any{"engine": "postgres", "storageType": "gp3", "allocatedStorage": 10.0}, map[string]any{"engine": "postgres", "storageType": "gp3", "allocatedStorage": 20.0}},
	{"rds.instance.maxallocatedstorage", rdsType, map[string]any{"allocatedStorage": 100.0, "maxAllocatedStorage": 105.0}, map[string]any{"allocatedStorage": 100.0, "maxAllocatedStorage": 0.0}},
	{"rds.instance.dbname", rdsType, map[string]any{"engine": "postgres", "dbName": "qa-authority"}, map[string]any{"engine": "mariadb", "dbName": "qa_authority"}},
	{"rds.instance.logexports", rdsType, map[string]any{"engine": "postgres", "enabledCloudwatchLogsExports": []any{"slowquery"}}, map[string]any{"engine": "mariadb", "enabledCloudwatchLogsExports": []any{"slowquery"}}},
	{"rds.instance.performanceinsightsretention", rdsType, map[string]any{"performanceInsightsRetentionPeriod": 30.0}, map[string]any{"performanceInsightsRetentionPeriod": 93.0}},
	{"rds.instance.iops", rdsType, map[string]any{"storageType": "io1", "allocatedStorage": 100.0, "iops": 6000.0}, map[string]any{"storageType": "io1", "allocatedStorage": 100.0, "iops": 3000.0}},
	{"route53.record.alias", recordType, map[string]any{"aliases": []any{map[string]any{"name": "alb"}}, "ttl": 60.0}, map[string]any{"aliases": []any{map[string]any{"name": "alb"}}}},
	{"security.database.public", rdsType, map[string]any{"publiclyAccessible": true}, map[string]any{"publiclyAccessible": false}},
	{"security.publicip", ltType, map[string]any{"networkInterfaces": []any{map[string]any{"associatePublicIpAddress": "true"}}},
		map[string]any{"networkInterfaces": []any{map[string]any{"associatePublicIpAddress": "false"}}}},
	{"cloudwatch.metricalarm.metrics", metricAlarmType, map[string]any{"metricQueries": []any{
		map[string]any{"id": "m0", "metric": map[string]any{"metricName": "A"}, "returnData": true},
		map[string]any{"id": "e", "expression": "m0 * 2", "returnData": true},
	}}, map[string]any{"metricQueries": []any{
		map[string]any{"id": "m0", "metric": map[string]any{"metricName": "A"}, "returnData": false},
		map[string]any{"id": "e", "expression": "m0 * 2", "returnData": true},
	}}},
	{"cloudwatch.metricalarm.metrics.stat", metricAlarmType, map[string]any{"metricQueries": []any{map[string]any{"metric": map[string]any{"stat": "Mean"}}}},
		map[string]any{"metricQueries": []any{map[string]any{"metric": map[string]any{"stat": "p99"}}}}},
	{"security.imdsv2", ltType, map[string]any{"metadataOptions": map[string]any{"httpTokens": "optional"}},
		map[string]any{"metadataOptions": map[string]any{"httpTokens": "required"}}},
	{"security.ingress.open", ingressType, map[string]any{"ipProtocol": "tcp", "fromPort": 22.0, "toPort": 22.0, "cidrIpv6": "::/0"},
		map[string]any{"ipProtocol": "tcp", "fromPort": 443.0, "toPort": 443.0, "cidrIpv6": "::/0"}},
	{"sns.topic.fifo", topicType, map[string]any{"name": "alarms.fifo"}, map[string]any{"name": "alarms.fifo", "fifoTopic": true}},
	{"sqs.queue.fifo", queueType, map[string]any{"name": "jobs", "fifoQueue": true}, map[string]any{"name": "jobs"}},
	{"tags.count", bucketType, map[string]any{"tags": tagMap(51)}, map[string]any{"tags": tagMap(50)}},
	{"tags.key.length", tableType, map[string]any{"tags": map[string]any{strings.Repeat("k", 129): "v"}}, map[string]any{"tags": map[string]any{strings.Repeat("k", 128): "v"}}},
	{"tags.key.charset", asgType, map[string]any{"tags": []any{map[string]any{"key": "cost*center", "value": "x"}}}, map[string]any{"tags": []any{map[string]any{"key": "cost:center", "value": "x"}}}},
	{"tags.key.prefix", ltType, map[string]any{"tagSpecifications": []any{map[string]any{"tags": map[string]any{"AWS:team": "x"}}}}, map[string]any{"tagSpecifications": []any{map[string]any{"tags": map[string]any{"team": "aws:x"}}}}},
	{"tags.value.length", kmsKeyType, map[string]any{"tags": map[string]any{"Owner": strings.Repeat("v", 257)}}, map[string]any{"tags": map[string]any{"Owner": strings.Repeat("v", 256)}}},
	{"tags.value.charset", rdsType, map[string]any{"tags": map[string]any{"Owner": "research, platform"}}, map[string]any{"tags": map[string]any{"Owner": "research platform"}}},
	{"json.document", stateMachineType, map[string]any{"definition": "StartAt: A"}, map[string]any{"definition": `{"StartAt":"A","States":{}}`}},
	{"s3.object.key", objectType, map[string]any{"key": strings.Repeat("ü", 513)}, map[string]any{"key": "cluster/facts.json"}},
	{"wafv2.logging.destination", wafLoggingType, map[string]any{"logDestinationConfigs": []any{"arn:aws:logs:us-east-2:123456789012:log-group:waf-strata"}},
		map[string]any{"logDestinationConfigs": []any{"arn:aws:logs:us-east-2:123456789012:log-group:aws-waf-logs-strata-production-alb"}}},
	{"iam.rolepolicy.size", "aws:iam/rolePolicy:RolePolicy", map[string]any{"policy": doc(slices.Repeat([]string{allow}, 160)...)}, map[string]any{"policy": doc(allow)}},
	{"sqs.queue.redrivepolicy", queueType, map[string]any{"redrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-east-2:123456789012:dlq","maxReceiveCount":0}`},
		map[string]any{"redrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-east-2:123456789012:dlq","maxReceiveCount":"5"}`}},
	{"ecs.taskdefinition.containerdefinitions", taskDefType, map[string]any{"containerDefinitions": "[{"}, containerDefs(map[string]any{"name": "app"})},
}

var fargateTask = map[string]any{"requiresCompatibilities": []any{"FARGATE"}, "networkMode": "awsvpc"}

func containerDefs(cs ...map[string]any) map[string]any {
	list := make([]any, len(cs))
	for i, c := range cs {
		list[i] = c
	}
	return map[string]any{"containerDefinitions": list}
}

func efsVolume(cfg map[string]any) map[string]any {
	return map[string]any{"volumes": []any{map[string]any{"name": "files", "efsVolumeConfiguration": merge(map[string]any{"fileSystemId": "fs-1"}, cfg)}}}
}

func strategy(items ...any) map[string]any {
	return map[string]any{"capacityProviderStrategies": items}
}

func lightsailDeployment(name string, open int, port float64) map[string]any {
	return map[string]any{
		"containers":     []any{map[string]any{"containerName": name, "image": "app:1", "ports": map[string]any{fmt.Sprint(open): "HTTP"}}},
		"publicEndpoint": map[string]any{"containerName": name, "containerPort": port},
	}
}

func merge(ms ...map[string]any) map[string]any {
	out := map[string]any{}
	for _, m := range ms {
		maps.Copy(out, m)
	}
	return out
}

func items(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = fmt.Sprintf("item-%d", i)
	}
	return out
}

func tagMap(n int) map[string]any {
	out := map[string]any{}
	for i := range n {
		out[fmt.Sprintf("Key%d", i)] = "v"
	}
	return out
}

// synthetic returns a resource, its JSON-document properties encoded as the plan
// renders them.
func synthetic(t *testing.T, typ string, inputs map[string]any) Resource {
	t.Helper()
	inputs = maps.Clone(inputs)
	if tt := table().byType[typ]; tt != nil {
		for path := range tt.json {
			if v, ok := inputs[path]; ok {
				if _, isText := v.(string); !isText {
					b, err := json.Marshal(v)
					require.NoError(t, err)
					inputs[path] = string(b)
				}
			}
		}
	}
	return Resource{Type: typ, Name: "synthetic", Inputs: inputs}
}

// at builds inputs holding v at a limit's path: [*] becomes the first item, * the key "k".
func at(path []seg, v any) any {
	if len(path) == 0 {
		return v
	}
	if path[0].isIdx {
		return []any{at(path[1:], v)}
	}
	key := path[0].key
	if key == "*" {
		key = "k"
	}
	return map[string]any{key: at(path[1:], v)}
}

func rulesFired(t *testing.T, typ string, inputs map[string]any, optIns ...OptIn) map[string][]Finding {
	t.Helper()
	out := map[string][]Finding{}
	for _, f := range Check([]Resource{synthetic(t, typ, inputs)}, optIns).Findings {
		out[f.Rule] = append(out[f.Rule], f)
	}
	return out
}

func TestEveryRuleHasACase(t *testing.T) {
	c := table()
	var ids []string
	for _, l := range c.limits {
		ids = append(ids, l.ID)
	}
	cased := map[string]bool{}
	for _, rc := range ruleCases {
		require.False(t, cased[rc.id], "two cases for %s", rc.id)
		cased[rc.id] = true
	}
	for _, r := range c.rules {
		ids = append(ids, r.ID)
		assert.True(t, cased[r.ID], "rule %s has no case in ruleCases: add one that breaks it", r.ID)
	}
	for _, tt := range c.byType {
		for _, j := range tt.json {
			ids = append(ids, j.ID)
			assert.True(t, cased[j.ID], "JSON input %s has no case in ruleCases", j.ID)
		}
	}
	for _, l := range c.limits {
		_, ok := limitCases[l.ID]
		assert.True(t, ok, "limit %s has no case in limitCases: add a value AWS refuses and one it accepts", l.ID)
	}
	for id := range limitCases {
		assert.Contains(t, ids, id, "limitCases names %s, which the table does not have", id)
	}
	for id := range cased {
		assert.Contains(t, ids, id, "ruleCases names %s, which the table does not have", id)
	}
}

func TestLimitsFire(t *testing.T) {
	for _, l := range table().limits {
		tc, ok := limitCases[l.ID]
		if !ok {
			continue
		}
		t.Run(l.ID, func(t *testing.T) {
			path := mustPattern(l.Path)
			bad := rulesFired(t, l.Type, at(path, tc[0]).(map[string]any))
			require.NotEmpty(t, bad[l.ID], "%v at %s did not break %s (%s)", tc[0], l.Path, l.ID, l.Source)
			f := bad[l.ID][0]
			assert.Equal(t, Violation, f.Severity)
			assert.Equal(t, l.Source, f.Source)
			assert.NotEmpty(t, f.Allowed)
			good := rulesFired(t, l.Type, at(path, tc[1]).(map[string]any))
			assert.Empty(t, good[l.ID], "%v at %s broke %s", tc[1], l.Path, l.ID)
		})
	}
}

func TestRulesFire(t *testing.T) {
	for _, rc := range ruleCases {
		t.Run(rc.id, func(t *testing.T) {
			bad := rulesFired(t, rc.typ, rc.bad)
			require.NotEmpty(t, bad[rc.id], "%v did not break %s; got %v", rc.bad, rc.id, slices.Sorted(maps.Keys(bad)))
			for _, f := range bad[rc.id] {
				assert.Equal(t, Violation, f.Severity)
				assert.NotEmpty(t, f.Allowed)
				assert.NotEmpty(t, f.Source)
			}
			good := rulesFired(t, rc.typ, rc.good)
			assert.Empty(t, good[rc.id], "%v broke %s", rc.good, rc.id)
		})
	}
}

// An instance launched from a template takes the template's metadata options, which are judged
// on the template; one without a template must require tokens itself.
func TestIMDSv2OnInstances(t *testing.T) {
	fromTemplate := rulesFired(t, instanceType, map[string]any{"launchTemplate": map[string]any{"id": "lt-1", "version": "1"}})
	assert.Empty(t, fromTemplate["security.imdsv2"])
	bare := rulesFired(t, instanceType, map[string]any{"instanceType": "t3.micro"})
	assert.NotEmpty(t, bare["security.imdsv2"], "unset, EC2 may allow IMDSv1")
}
