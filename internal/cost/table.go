package cost

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
)

//go:embed prices.json
var defaultPrices []byte

//go:embed assumptions.json
var defaultAssumptions []byte

// Price is one entry of the price table. A nil Value means the price was not found.
type Price struct {
	Value       *float64 `json:"price"`
	Unit        string   `json:"unit"`
	Description string   `json:"description"`
	// Page is the AWS pricing page the price belongs to; Source is where it was read when that
	// was not the page itself.
	Page   string `json:"page"`
	Source string `json:"source,omitempty"`
	Read   string `json:"read"`
	Region string `json:"region"`
	Note   string `json:"note,omitempty"`
}

// Prices is a dated price table.
type Prices struct {
	Region   string           `json:"region"`
	Currency string           `json:"currency"`
	Date     string           `json:"date"`
	Note     string           `json:"note,omitempty"`
	Prices   map[string]Price `json:"prices"`
	// Free maps type tokens without a charge of their own to the reason.
	Free map[string]string `json:"free"`
	// Excluded maps type tokens deliberately left out of the estimate to the reason.
	Excluded map[string]string `json:"excluded"`
}

// DefaultPrices returns the committed price table.
func DefaultPrices() Prices {
	p, err := parsePrices(defaultPrices)
	if err != nil {
		panic(fmt.Sprintf("cost: prices.json: %v", err))
	}
	return p
}

// LoadPrices reads a price table from path.
func LoadPrices(path string) (Prices, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Prices{}, err
	}
	p, err := parsePrices(b)
	if err != nil {
		return Prices{}, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

func parsePrices(b []byte) (Prices, error) {
	var p Prices
	if err := json.Unmarshal(b, &p); err != nil {
		return Prices{}, err
	}
	if p.Region == "" || p.Currency == "" || p.Date == "" {
		return Prices{}, errors.New("region, currency and date are required")
	}
	return p, nil
}

// Assumption is one usage assumption: a number, or for a choice a text.
type Assumption struct {
	Value       float64 `json:"value,omitempty"`
	Text        string  `json:"text,omitempty"`
	Description string  `json:"description"`
}

// String renders the assumption's value.
func (a Assumption) String() string {
	if a.Text != "" {
		return a.Text
	}
	return strconv.FormatFloat(a.Value, 'f', -1, 64)
}

// Assumptions are the usage assumptions by key.
type Assumptions map[string]Assumption

// DefaultAssumptions returns the committed assumptions.
func DefaultAssumptions() Assumptions {
	var a Assumptions
	if err := json.Unmarshal(defaultAssumptions, &a); err != nil {
		panic(fmt.Sprintf("cost: assumptions.json: %v", err))
	}
	return a
}

// Clone returns a copy of a.
func (a Assumptions) Clone() Assumptions { return maps.Clone(a) }

// Set overrides one assumption from "key=value". Only known keys are accepted; a numeric
// assumption takes a number.
func (a Assumptions) Set(kv string) error {
	key, value, ok := strings.Cut(kv, "=")
	if !ok {
		return fmt.Errorf("assumption %q: use key=value", kv)
	}
	cur, known := a[key]
	if !known {
		return fmt.Errorf("unknown assumption %q: use one of %s", key, strings.Join(slices.Sorted(maps.Keys(a)), ", "))
	}
	if cur.Text != "" {
		if key == "asgCapacity" && value != "desired" && value != "min" && value != "max" {
			return fmt.Errorf("assumption asgCapacity: %q is not desired, min or max", value)
		}
		cur.Text = value
	} else {
		f, err := strconv.ParseFloat(value, 64)
		if err != nil || f < 0 {
			return fmt.Errorf("assumption %s: %q is not a non-negative number", key, value)
		}
		cur.Value = f
	}
	a[key] = cur
	return nil
}

// Merge overrides assumptions with those of a JSON file of the same shape as assumptions.json
// (values only are needed: {"natGatewayGBPerMonth": {"value": 500}}).
func (a Assumptions) Merge(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var over map[string]Assumption
	if err := json.Unmarshal(b, &over); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	var errs []error
	for _, k := range slices.Sorted(maps.Keys(over)) {
		v := over[k]
		value := v.Text
		if value == "" {
			value = strconv.FormatFloat(v.Value, 'f', -1, 64)
		}
		if err := a.Set(k + "=" + value); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", path, err))
		}
	}
	return errors.Join(errs...)
}

func (a Assumptions) num(key string) float64 { return a[key].Value }
