package sim

import (
	"slices"

	"github.com/depothq/depot"
)

// Carrier is a parcel or courier company the business ships with, as data. The scenario's setup
// defines each one in the engine (define), which chooses among them for orchestrated orders.
type Carrier struct {
	ID       string           `json:"id"`
	Name     string           `json:"name"`
	Services []CarrierService `json:"services"`
}

// CarrierService is one service of a carrier: how long it takes, when it collects, what it
// costs and which kinds of location it collects from.
type CarrierService struct {
	ID                string `json:"id"`
	Name              string `json:"name"`
	TransitMinMinutes int64  `json:"transit_min_minutes"`
	TransitMaxMinutes int64  `json:"transit_max_minutes"`
	// CutoffMinute is the local minute of day by which a parcel must be ready to leave that day.
	CutoffMinute int32 `json:"cutoff_minute"`
	// BaseMinor and PerKgMinor price a parcel in euro cents.
	BaseMinor  int64                `json:"base_minor"`
	PerKgMinor int64                `json:"per_kg_minor"`
	From       []depot.LocationKind `json:"-"`
}

var (
	fromDCs    = []depot.LocationKind{depot.LocationWarehouse, depot.LocationStore}
	fromCity   = []depot.LocationKind{depot.LocationDarkStore, depot.LocationStore}
	fromAnyDay = []depot.LocationKind{depot.LocationWarehouse}
)

// defaultCarriers are five carriers typical of German e-commerce: four parcel networks and a
// city bike courier for the quick channel.
func defaultCarriers() []Carrier {
	return []Carrier{
		{ID: "dhl", Name: "DHL", Services: []CarrierService{
			{ID: "dhl-paket", Name: "DHL Paket", TransitMinMinutes: 18 * 60, TransitMaxMinutes: 48 * 60, CutoffMinute: 18 * 60, BaseMinor: 449, PerKgMinor: 35, From: fromDCs},
			{ID: "dhl-express", Name: "DHL Express 12:00", TransitMinMinutes: 14 * 60, TransitMaxMinutes: 20 * 60, CutoffMinute: 17 * 60, BaseMinor: 1290, PerKgMinor: 90, From: fromAnyDay},
		}},
		{ID: "dpd", Name: "DPD", Services: []CarrierService{
			{ID: "dpd-classic", Name: "DPD Classic", TransitMinMinutes: 20 * 60, TransitMaxMinutes: 48 * 60, CutoffMinute: 17*60 + 30, BaseMinor: 419, PerKgMinor: 30, From: fromDCs},
			{ID: "dpd-predict", Name: "DPD Predict", TransitMinMinutes: 18 * 60, TransitMaxMinutes: 30 * 60, CutoffMinute: 17 * 60, BaseMinor: 549, PerKgMinor: 35, From: fromAnyDay},
		}},
		{ID: "hermes", Name: "Hermes", Services: []CarrierService{
			{ID: "hermes-standard", Name: "Hermes Standard", TransitMinMinutes: 24 * 60, TransitMaxMinutes: 72 * 60, CutoffMinute: 16 * 60, BaseMinor: 389, PerKgMinor: 25, From: fromDCs},
		}},
		{ID: "ups", Name: "UPS", Services: []CarrierService{
			{ID: "ups-standard", Name: "UPS Standard", TransitMinMinutes: 20 * 60, TransitMaxMinutes: 48 * 60, CutoffMinute: 18*60 + 30, BaseMinor: 599, PerKgMinor: 40, From: fromAnyDay},
			{ID: "ups-express-saver", Name: "UPS Express Saver", TransitMinMinutes: 14 * 60, TransitMaxMinutes: 24 * 60, CutoffMinute: 18 * 60, BaseMinor: 1490, PerKgMinor: 95, From: fromAnyDay},
		}},
		{ID: "stadtkurier", Name: "Stadtkurier Berlin (bike courier)", Services: []CarrierService{
			{ID: "kurier-instant", Name: "Instant (bike)", TransitMinMinutes: 8, TransitMaxMinutes: 25, CutoffMinute: 24 * 60, BaseMinor: 290, PerKgMinor: 50, From: fromCity},
			{ID: "kurier-same-day", Name: "Same day (cargo bike)", TransitMinMinutes: 60, TransitMaxMinutes: 240, CutoffMinute: 18 * 60, BaseMinor: 690, PerKgMinor: 40, From: fromCity},
		}},
	}
}

// Rate card bands: parcel networks price by distance (city, region, country) and weight; the
// bike courier only rides within the city.
var (
	parcelDistanceM = []int64{50_000, 300_000, 1_500_000}
	parcelWeightG   = []int64{1_000, 5_000, 10_000, 31_500}
	cityDistanceM   = []int64{5_000, 15_000, 40_000}
	cityWeightG     = []int64{5_000, 15_000, 30_000}
)

// dailyMask is a weekday mask naming every day (bit 0 Sunday).
const dailyMask = 0x7f

// define is the carrier as the engine's DefineCarrier: each service's base and per-kg price
// become a rate card over distance and weight bands (a parcel is priced at its band's upper
// weight; each farther distance band adds a tenth of the base price).
func (c *Carrier) define(tenant string) *depot.DefineCarrier {
	d := &depot.DefineCarrier{Tenant: tenant, Carrier: c.ID}
	for _, s := range c.Services {
		dist, weight := parcelDistanceM, parcelWeightG
		if slices.Contains(s.From, depot.LocationDarkStore) {
			dist, weight = cityDistanceM, cityWeightG
		}
		prices := make([]int64, 0, len(dist)*len(weight))
		for b := range dist {
			for _, g := range weight {
				prices = append(prices, s.BaseMinor+s.BaseMinor*int64(b)/10+s.PerKgMinor*((g+999)/1000))
			}
		}
		d.Services = append(d.Services, depot.CarrierService{Service: s.ID, DistanceUpToM: dist, WeightUpToG: weight, Prices: prices,
			TransitMinMinutes: s.TransitMinMinutes, TransitMaxMinutes: s.TransitMaxMinutes, CutoffMinute: s.CutoffMinute, Days: dailyMask})
	}
	return d
}
