package config

import (
	"github.com/strata-iac/strata/components/app"
	"github.com/strata-iac/strata/components/cluster"
	"github.com/strata-iac/strata/components/database"
	"github.com/strata-iac/strata/components/filesystem"
	"github.com/strata-iac/strata/components/lightsail"
	"github.com/strata-iac/strata/components/loadbalancer"
	"github.com/strata-iac/strata/components/service"
)

// Lookup configures the QA authority lookup (strata:lookup, SYSTEMS.md §2). Its containers and
// wiring are defined by stacks/lookup.go; the stage chooses images, sizes, capacity and where
// MariaDB runs.
type Lookup struct {
	// EnvBucket is the globally unique name of the private bucket holding the env file (and the
	// authority files the optional refresh copies). Required.
	EnvBucket string `json:"envBucket"`
	// EnvFile is the key of the env file both containers load. Default "lookup.env".
	EnvFile string `json:"envFile"`
	// Database is where MariaDB runs: "rds" (default, an RDS instance) or "container" (exactly one
	// ECS task, its data on the file system's database access point).
	Database string `json:"database"`
	// RDS configures the RDS instance when Database is "rds"; engine mariadb.
	RDS *database.Args `json:"rds"`
	// MariaDB adjusts the MariaDB container (qa-mariadb) when Database is "container".
	MariaDB *app.Overrides `json:"mariadb"`
	// App adjusts the lookup app (container qa-server-app); its image is required.
	App app.Overrides `json:"app"`
	// FileSystem tunes the EFS file system; the access points come from the stack unless given.
	FileSystem filesystem.Args `json:"fileSystem"`
	// Cluster chooses the ECS capacity.
	Cluster cluster.Args `json:"cluster"`
	// Service tunes the ECS services (logs, exec).
	Service service.Args `json:"service"`
	// LoadBalancer puts HTTPS in front of the app.
	LoadBalancer loadbalancer.Args `json:"loadBalancer"`
}

// Epimetheus configures Epimetheus (strata:epimetheus, SYSTEMS.md §3). Its two containers and
// their wiring are defined by stacks/epimetheus.go; the stage chooses the platform.
type Epimetheus struct {
	// Platform is "fargate" (default: ECS, RDS PostgreSQL, an HTTPS load balancer) or "lightsail"
	// (a Lightsail container service and database).
	Platform string `json:"platform"`
	// App adjusts the app (containers epimetheus-frontend and epimetheus-backend); images are required.
	App app.Overrides `json:"app"`
	// Database configures the RDS PostgreSQL instance (fargate).
	Database *database.Args `json:"database"`
	// Cluster, Service and LoadBalancer configure ECS (fargate).
	Cluster      *cluster.Args      `json:"cluster"`
	Service      *service.Args      `json:"service"`
	LoadBalancer *loadbalancer.Args `json:"loadBalancer"`
	// Lightsail configures the container service and its database (lightsail).
	Lightsail *lightsail.Args `json:"lightsail"`
}
