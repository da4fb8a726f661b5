// Package schema holds the parts of the stage-file schema that several systems share: the config
// objects of a database, a file system, an ECS cluster and service, a load balancer, a Lightsail
// service, the app overrides and the network. Each type is the JSON form of a component's
// settings; its Args method (or conversion) turns it into the component's arguments, without
// wiring. Field comments are the config reference: README.md's tables are generated from them
// (go generate ./...), so each one says what the key does, what is allowed and its default.
package schema
