package database

// OptIn is a deliberate security exception the arguments ask for: a system reports it (as
// systems.OptIn, under its config key) so that strata check names the setting instead of failing.
type OptIn struct {
	// Type and Name identify the resource the exception concerns: its type token and logical name.
	Type, Name string
	// Setting is the argument that asked for it, as its config key below the database's object
	// ("publicAccess", "requireTls").
	Setting string
	// Why says what the exception is.
	Why string
}

// OptIns lists the exceptions of a database created as New(ctx, name, &a): a publicly accessible
// instance, and a parameter group that lets clients connect without TLS (with the stated reason).
func (a Args) OptIns(name string) []OptIn {
	a = a.WithDefaults()
	var out []OptIn
	if a.PublicAccess {
		out = append(out, OptIn{Type: InstanceType, Name: name, Setting: "publicAccess",
			Why: "the database is publicly accessible so that the listed external networks reach it over the internet; its security group admits only them and its clients"})
	}
	if !*a.RequireTLS {
		out = append(out, OptIn{Type: ParameterGroupType, Name: name + "-params", Setting: "requireTls",
			Why: "clients may connect without TLS: " + a.PlaintextReason})
	}
	return out
}
