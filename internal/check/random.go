package check

import "slices"

const (
	passwordType   = "random:index/randomPassword:RandomPassword"
	randomIDType   = "random:index/randomId:RandomId"
	privateKeyType = "tls:index/privateKey:PrivateKey"
	randomDoc      = "https://registry.terraform.io/providers/hashicorp/random/latest/docs/resources/"
	tlsKeyDoc      = "https://registry.terraform.io/providers/hashicorp/tls/latest/docs/resources/private_key"
)

// random and tls resources are generated locally by their providers; their limits are the
// providers' own.
var random = set{
	limits: []Limit{
		{ID: "random.password.length", Type: passwordType, Path: "length", Num: &Range{1, NoMax}, Allowed: "at least 1", Source: randomDoc + "password"},
		{ID: "tls.privatekey.algorithm", Type: privateKeyType, Path: "algorithm", Enum: []string{"RSA", "ECDSA", "ED25519"}, Source: tlsKeyDoc},
		{ID: "tls.privatekey.ecdsacurve", Type: privateKeyType, Path: "ecdsaCurve", Enum: []string{"P224", "P256", "P384", "P521"}, Source: tlsKeyDoc},
		{ID: "random.id.bytelength", Type: randomIDType, Path: "byteLength", Num: &Range{1, NoMax}, Allowed: "at least 1 byte", Source: randomDoc + "id"},
	},
	classes: slices.Concat(
		classify(passwordType, FreeText, "the special characters to draw from; where the password goes decides what it may contain", "overrideSpecial"),
		classify(passwordType, Boolean, "character classes on or off", "special", "upper", "lower", "numeric"),
		classify(passwordType, Number, "minimum counts of each class", "minSpecial", "minUpper", "minLower", "minNumeric"),
		classify(passwordType, Provider, "values whose change makes the provider generate a new password", "keepers.*"),
		classify(randomIDType, Provider, "values whose change makes the provider generate a new id", "keepers.*"),
		classify(randomIDType, FreeText, "a prefix the provider puts before the id as given", "prefix"),
		classify(privateKeyType, Number, "RSA key size in bits", "rsaBits"),
	),
}
