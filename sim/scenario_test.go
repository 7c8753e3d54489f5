package sim_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/depothq/depot"
	"github.com/depothq/depot/sim"
)

func TestDefaultScenarioIsARealisticBusiness(t *testing.T) {
	sc, err := sim.NewScenario(sim.Config{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[depot.LocationKind]int{}
	for _, l := range sc.Locations {
		kinds[l.Kind]++
	}
	kits := 0
	skus := map[string]sim.SKU{}
	for _, s := range sc.SKUs {
		skus[s.ID] = s
		if s.IsKit() {
			kits++
		}
		if s.PriceMinor <= 0 || s.WeightGrams <= 0 || s.Name == "" || s.Category == "" {
			t.Errorf("SKU %+v lacks a price, weight, name or category", s)
		}
	}
	if got := len(sc.SKUs) - kits; got != sim.DefaultSKUs {
		t.Errorf("%d stocked SKUs, want %d", got, sim.DefaultSKUs)
	}
	if kits != sim.DefaultKits {
		t.Errorf("%d kits, want %d", kits, sim.DefaultKits)
	}
	if kinds[depot.LocationWarehouse] < 3 || kinds[depot.LocationDarkStore] != sim.DefaultDarkStores || kinds[depot.LocationStore] < 2 {
		t.Errorf("locations by kind: %v", kinds)
	}
	var ids []string
	for _, c := range sc.Channels {
		ids = append(ids, c.ID)
	}
	if got := strings.Join(ids, ","); got != "quick_app,shopify,amazon,own_web" {
		t.Errorf("channels %s", got)
	}
	if len(sc.Carriers) != 5 {
		t.Errorf("%d carriers, want 5", len(sc.Carriers))
	}
	if len(sc.Inbound) == 0 || len(sc.Stock) < len(sc.SKUs) {
		t.Errorf("%d inbound receipts, %d stock lines", len(sc.Inbound), len(sc.Stock))
	}
	for _, s := range sc.SKUs {
		for _, c := range s.Components {
			comp, ok := skus[c.SKU]
			if !ok || comp.IsKit() || !comp.Quick {
				t.Errorf("kit %s has component %s, which is not a stocked dark-store SKU", s.ID, c.SKU)
			}
		}
	}
	for _, l := range sc.Locations {
		if l.Kind != depot.LocationDarkStore {
			continue
		}
		// Every dark store is in Berlin: within 25 km of the centre.
		if d := kmBetween(sc.City.LatE6, sc.City.LonE6, l.LatE6, l.LonE6); d > 25 {
			t.Errorf("dark store %s is %.1f km from the centre", l.ID, d)
		}
		if l.ServiceRadiusM < 1000 || l.CapacityPerHour <= 0 || l.ReplenishFrom == "" {
			t.Errorf("dark store %+v lacks a radius, capacity or source", l)
		}
	}
	var amazon sim.Channel
	for _, c := range sc.Channels {
		if c.ID == "amazon" {
			amazon = c
		}
	}
	if amazon.Buffer.Percent == 0 || len(amazon.Overrides) == 0 {
		t.Errorf("the marketplace has no percentage buffer or overrides: %+v", amazon.Buffer)
	}
}

func kmBetween(lat1, lon1, lat2, lon2 int64) float64 {
	dlat := float64(lat2-lat1) / 1e6 * 111.32
	dlon := float64(lon2-lon1) / 1e6 * 111.32 * math.Cos(float64(lat1)/1e6*math.Pi/180)
	return math.Hypot(dlat, dlon)
}

func TestScenarioCommandsAreValid(t *testing.T) {
	sc, err := sim.NewScenario(sim.Config{Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	cmds := sc.Commands()
	defined := map[string]bool{}
	for i, c := range cmds {
		if rej := c.Validate(); rej != nil {
			t.Fatalf("command %d (%s) is invalid: %v", i, c.Kind(), rej)
		}
		// A kit is defined after its components, or the engine would refuse it.
		if d, ok := c.(*depot.DefineSKU); ok {
			for _, comp := range d.Components {
				if !defined[comp.SKU] {
					t.Fatalf("kit %s defined before its component %s", d.SKU, comp.SKU)
				}
			}
			defined[d.SKU] = true
		}
	}
}

func TestScenarioIsAPureFunctionOfTheSeed(t *testing.T) {
	encode := func(seed int64) string {
		sc, err := sim.NewScenario(sim.Config{Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(sc)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	a, b, c := encode(42), encode(42), encode(43)
	if a != b {
		t.Error("two scenarios from seed 42 differ")
	}
	if a == c {
		t.Error("seeds 42 and 43 gave the same scenario")
	}
}

func TestConfigBounds(t *testing.T) {
	for _, cfg := range []sim.Config{
		{SKUs: 5},
		{DarkStores: sim.MaxDarkStores + 1},
		{OrdersPerDay: -1},
		{Quantum: 2 * sim.MaxQuantum},
		{IDPrefix: strings.Repeat("x", 17)},
	} {
		if _, err := sim.New(cfg); err == nil {
			t.Errorf("config %+v accepted", cfg)
		}
	}
}
