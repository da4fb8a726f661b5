package argos

import "github.com/strata-iac/strata/systems/schema"

// Config configures Argos (strata:argos): the image its servers launch from, the server groups,
// the PostgreSQL database and the app's bucket. It needs strata:network.
type Config struct {
	// Image is where the servers' AMI comes from (required): baked by this stage (build), or baked
	// by another stage and taken by id or by the SSM parameter that stage's builds write.
	Image ImageSource `json:"image"`
	// Bucket is the globally unique name of the app's private bucket (required; S3 naming rules).
	Bucket string `json:"bucket"`
	// ForceDestroy lets a destroy empty the bucket; refused with strata:protect true. Default false.
	ForceDestroy bool `json:"forceDestroy"`
	// Database configures the RDS PostgreSQL instance (required: engineVersion and alarms.emails):
	// the shared database object plus restartCommand.
	Database *Database `json:"database"`
	// LoadBalancer is the certificate of the api's and the front's HTTPS sites on the stage's
	// shared load balancer (strata:front): certificateArn or zone. Required when api.domain or
	// front.domain is set; dedicated load balancers are not offered.
	LoadBalancer *schema.LoadBalancer `json:"loadBalancer"`
	// API is the app servers on port 8888. Default one instance without a site.
	API *APIServers `json:"api"`
	// Front is the web front end on port 80. Default one instance without a site.
	Front *FrontServer `json:"front"`
	// Collector is the server that collects and processes articles. Default one instance, sending
	// HTTPS only.
	Collector *CollectorServer `json:"collector"`
	// Knowledge is the knowledge server: Apache Fuseki on 3030 and Stanford NER on 8080, with its
	// data on a separate volume. Default one instance.
	Knowledge *KnowledgeServer `json:"knowledge"`
	// Broker is the task broker (RabbitMQ on 5672, Redis on 6379) of the workers. Default disabled,
	// as in the original.
	Broker *Server `json:"broker"`
	// Workers is the autoscaling group of task workers; it needs the broker. Default disabled, as
	// in the original.
	Workers *Workers `json:"workers"`
}

// Database is the shared database object with what Argos adds to it. engine is postgres; dbName
// and username default to argos; alarms.cpuPercent defaults to 60, alarms.readIops and
// alarms.writeIops to 1500 each, so that the four alarms (CPU, free storage, read IOPS, write
// IOPS) always exist.
type Database struct {
	schema.Database
	// RestartCommand is a shell command that restarts the app on a server, e.g. systemctl
	// try-restart 'argos-*.service'. When Secrets Manager has rotated the database password
	// (every secretRotationDays), Systems Manager Run Command runs it as root on every running
	// server of the app's groups (api, front, collector, workers) of this stage, found by tag, so
	// that processes which read the password at start pick the new one up. At most 4,096
	// characters. Default none: nothing restarts, and after each rotation the app fails on new
	// connections until it is restarted by hand or reads the secret again itself.
	RestartCommand string `json:"restartCommand"`
}

// ImageSource says where the servers' AMI comes from: build, id or parameter.
type ImageSource struct {
	// Build makes this stage own the image pipeline (EC2 Image Builder) and bake argos-image on
	// its first deployment and whenever the build document or these settings change. One stage
	// per account and region builds; the others take the result by id or parameter. Not together
	// with id.
	Build *ImageBuild `json:"build"`
	// ID is a baked AMI (ami- and 8 or 17 hex digits), e.g. one the building stage made and
	// staging tested: servers keep it until the id changes. Not together with build or parameter.
	ID string `json:"id"`
	// Parameter is the SSM parameter holding the AMI id, below /imagebuilder/: the one the
	// building stage's builds write (its output imageParameter), so servers launch from the latest
	// build. Default /imagebuilder/argos-image with build.
	Parameter string `json:"parameter"`
	// Architecture is the image's, x86_64 (default) or arm64; every instance type must match it.
	Architecture string `json:"architecture"`
}

// ImageBuild configures the image pipeline of the building stage. The build document itself is
// systems/argos/image/argos-image.yml.
type ImageBuild struct {
	// ParentParameter is the public SSM parameter of the parent AMI, resolved at every build.
	// Default the current Amazon Linux 2023 of the architecture.
	ParentParameter string `json:"parentParameter"`
	// InstanceType runs the builds and tests, family.size of the architecture. Default t3.large
	// (t4g.large on arm64).
	InstanceType string `json:"instanceType"`
	// RootVolumeGiB is the image's encrypted gp3 root volume, 8 to 16000; servers' root volumes
	// must be at least as large. Default 30.
	RootVolumeGiB int `json:"rootVolumeGiB"`
	// Schedule rebuilds the image on an Image Builder cron expression (UTC), e.g.
	// cron(0 4 ? * mon *), taking in the parent's and the packages' updates. Default none: builds
	// run on deployments that change the image, or by hand.
	Schedule string `json:"schedule"`
	// LogRetentionDays keeps the build logs this long: one of CloudWatch Logs' retention periods.
	// Default 90.
	LogRetentionDays int `json:"logRetentionDays"`
	// KeepImages is how many of the most recent builds an Image Builder lifecycle policy keeps, 1
	// to 1000: once a day it deletes older AMIs with their snapshots. AMIs tagged Pinned=true,
	// which every stage that takes the image by id puts on its AMI, and the image this stage's
	// deployment baked are never deleted. Default 5.
	KeepImages int `json:"keepImages"`
}

// Server is a group of one instance.
type Server struct {
	// Enabled deploys the group. Default true, except for the broker (false).
	Enabled *bool `json:"enabled"`
	// InstanceType is family.size of the image's architecture. Default per group: api, collector
	// and workers t3.medium, front and broker t3.small, knowledge t3.large (t4g on arm64).
	InstanceType string `json:"instanceType"`
	// RootVolumeGiB is the encrypted gp3 root volume, at least the image's (30 when this stage
	// builds it) and at most 65536. Default 30.
	RootVolumeGiB int `json:"rootVolumeGiB"`
}

// APIServers are the app servers on port 8888: one instance, or an autoscaling group.
type APIServers struct {
	Server
	// Mode is single (default: one instance, the original's prototyping setup) or autoscaling (an
	// autoscaling group scaled on CPU).
	Mode string `json:"mode"`
	// Scaling bounds the autoscaling group: min (default 1, 1 to 100), max (default min, min to
	// 100), cpuTargetPercent (default 60, 10 to 90). Only with autoscaling.
	Scaling *schema.Scaling `json:"scaling"`
	// Domain is the api's public name on the shared HTTPS load balancer, e.g.
	// api.argos.example.org. Default none: the api is reached inside the VPC only.
	Domain string `json:"domain"`
	// HealthCheckPath is what the load balancer probes over HTTP on port 8888. Default /.
	HealthCheckPath string `json:"healthCheckPath"`
}

// FrontServer is the web front end on port 80.
type FrontServer struct {
	Server
	// Domain is the front's public name on the shared HTTPS load balancer, e.g. argos.example.org.
	// Default none.
	Domain string `json:"domain"`
	// HealthCheckPath is what the load balancer probes over HTTP on port 80. Default /.
	HealthCheckPath string `json:"healthCheckPath"`
}

// CollectorServer is the server that collects and processes articles.
type CollectorServer struct {
	Server
	// PlainHTTP lets the collector, and only the collector, fetch from anywhere over plain HTTP
	// (TCP 80), for sources that serve no HTTPS. Default false: every server sends HTTPS (443)
	// only.
	PlainHTTP bool `json:"plainHttp"`
}

// KnowledgeServer is the knowledge server with its data volume.
type KnowledgeServer struct {
	Server
	// Data is the data volume of Fuseki's datasets and the NER models: a separate encrypted EBS
	// volume that survives the instance's replacement and, with strata:protect, a destroy.
	// Default 500 GiB gp3 on /dev/sdf.
	Data *DataVolume `json:"data"`
}

// DataVolume sizes the knowledge server's data volume, always encrypted.
type DataVolume struct {
	// SizeGiB is the size: gp3 1 to 65536, st1 125 to 16384. Default 500.
	SizeGiB int `json:"sizeGiB"`
	// Type is gp3 (default) or st1.
	Type string `json:"type"`
	// IOPS provisions a gp3 volume: 3000 to 80000, at most 500 per GiB. Default 3000 (gp3's
	// baseline).
	IOPS int `json:"iops"`
	// ThroughputMiBs provisions a gp3 volume: 125 to 2000 MiB/s, at most a quarter of its IOPS.
	// Default 125 (gp3's baseline).
	ThroughputMiBs int `json:"throughputMiBs"`
	// SnapshotID restores the volume from a snapshot (snap- and 8 or 17 hex digits), e.g. the
	// final snapshot of a destroyed stage.
	SnapshotID string `json:"snapshotId"`
}

// Workers is the autoscaling group of task workers.
type Workers struct {
	// Enabled deploys the workers; they need broker.enabled. Default false.
	Enabled *bool `json:"enabled"`
	// InstanceTypes are family.size of the image's architecture, at most 40; with spot or mixed
	// the group spreads over them. Default [t3.medium] (t4g.medium on arm64).
	InstanceTypes []string `json:"instanceTypes"`
	// Purchase is onDemand (default), spot or mixed (the first instance on demand, the rest on
	// Spot).
	Purchase string `json:"purchase"`
	// Scaling bounds the group: min (default 1), max (default min), cpuTargetPercent (default 60).
	Scaling *schema.Scaling `json:"scaling"`
	// RootVolumeGiB is the encrypted gp3 root volume, at least the image's. Default 30.
	RootVolumeGiB int `json:"rootVolumeGiB"`
}
