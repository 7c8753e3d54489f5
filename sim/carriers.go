package sim

import (
	"slices"
	"time"

	"github.com/depothq/depot"
	"github.com/depothq/depot/carriers"
)

// Carrier is a parcel or courier company the business ships with, as data. The scenario's setup
// defines each one in the engine (define), which chooses among them for orchestrated orders.
type Carrier struct {
	ID       string           `json:"id"`
	Name     string           `json:"name"`
	Services []CarrierService `json:"services"`
	// Zones, when set, is the carrier's zone chart, and its parcel services are priced by zone
	// (one band per zone) rather than by distance. Codes is its tracking code table: the
	// carrier's own status codes, which the business reports as the carrier sends them.
	Zones []depot.CarrierZone `json:"zones,omitempty"`
	Codes []depot.CarrierCode `json:"codes,omitempty"`
}

// CarrierService is one service of a carrier: how long it takes, when it collects, what it
// costs and which kinds of location it collects from.
type CarrierService struct {
	ID                string `json:"id"`
	Name              string `json:"name"`
	TransitMinMinutes int64  `json:"transit_min_minutes"`
	TransitMaxMinutes int64  `json:"transit_max_minutes"`
	// CutoffMinute is the local minute of day of the last collection: a parcel must be ready by
	// then to leave that day.
	CutoffMinute int32 `json:"cutoff_minute"`
	// PickupEveryMinutes, when set, has the carrier collect through the day, every so many
	// minutes from the local minute PickupFromMinute up to the cutoff; otherwise it collects
	// once, at the cutoff.
	PickupEveryMinutes int32 `json:"pickup_every_minutes,omitempty"`
	PickupFromMinute   int32 `json:"pickup_from_minute,omitempty"`
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
// city bike courier for the quick channel. The parcel networks' ground services collect once a
// day, at their cutoff (a trailer swap at the dock); their express services call three times a
// day; the courier's riders come by through the day: the instant service every ten minutes from
// 06:00 to midnight, the cargo bikes of same-day delivery every hour from 08:00 to 18:00.
func defaultCarriers() []Carrier {
	return []Carrier{
		{ID: "dhl", Name: "DHL", Services: []CarrierService{
			{ID: "dhl-paket", Name: "DHL Paket", TransitMinMinutes: 18 * 60, TransitMaxMinutes: 48 * 60, CutoffMinute: 18 * 60, BaseMinor: 449, PerKgMinor: 35, From: fromDCs},
			{ID: "dhl-express", Name: "DHL Express 12:00", TransitMinMinutes: 14 * 60, TransitMaxMinutes: 20 * 60, CutoffMinute: 17 * 60,
				PickupEveryMinutes: 180, PickupFromMinute: 11 * 60, BaseMinor: 1290, PerKgMinor: 90, From: fromAnyDay},
		}},
		{ID: "dpd", Name: "DPD", Services: []CarrierService{
			{ID: "dpd-classic", Name: "DPD Classic", TransitMinMinutes: 20 * 60, TransitMaxMinutes: 48 * 60, CutoffMinute: 17*60 + 30, BaseMinor: 419, PerKgMinor: 30, From: fromDCs},
			{ID: "dpd-predict", Name: "DPD Predict", TransitMinMinutes: 18 * 60, TransitMaxMinutes: 30 * 60, CutoffMinute: 17 * 60, BaseMinor: 549, PerKgMinor: 35, From: fromAnyDay},
		}, Zones: dpdZones(), Codes: dpdCodes},
		{ID: "hermes", Name: "Hermes", Services: []CarrierService{
			{ID: "hermes-standard", Name: "Hermes Standard", TransitMinMinutes: 24 * 60, TransitMaxMinutes: 72 * 60, CutoffMinute: 16 * 60, BaseMinor: 389, PerKgMinor: 25, From: fromDCs},
		}},
		{ID: "ups", Name: "UPS", Services: []CarrierService{
			{ID: "ups-standard", Name: "UPS Standard", TransitMinMinutes: 20 * 60, TransitMaxMinutes: 48 * 60, CutoffMinute: 18*60 + 30, BaseMinor: 599, PerKgMinor: 40, From: fromAnyDay},
			{ID: "ups-express-saver", Name: "UPS Express Saver", TransitMinMinutes: 14 * 60, TransitMaxMinutes: 24 * 60, CutoffMinute: 18 * 60,
				PickupEveryMinutes: 180, PickupFromMinute: 12 * 60, BaseMinor: 1490, PerKgMinor: 95, From: fromAnyDay},
		}},
		{ID: "stadtkurier", Name: "Stadtkurier Berlin (bike courier)", Services: []CarrierService{
			{ID: "kurier-instant", Name: "Instant (bike)", TransitMinMinutes: 8, TransitMaxMinutes: 25, CutoffMinute: 24 * 60,
				PickupEveryMinutes: 5, PickupFromMinute: 6 * 60, BaseMinor: 290, PerKgMinor: 50, From: fromCity},
			{ID: "kurier-same-day", Name: "Same day (cargo bike)", TransitMinMinutes: 60, TransitMaxMinutes: 240, CutoffMinute: 18 * 60,
				PickupEveryMinutes: 60, PickupFromMinute: 8 * 60, BaseMinor: 690, PerKgMinor: 40, From: fromCity},
		}},
	}
}

// dpdZones is DPD's zone chart: from the Berlin warehouse and the city's stores, ship-tos with
// Berlin postal codes (10 to 13) are zone 1 and the rest of the 1 area (Brandenburg, 14 to 19)
// zone 2; from anywhere else, lanes are zoned by distance: up to 50 km zone 1, 300 km zone 2,
// 1,500 km zone 3.
func dpdZones() []depot.CarrierZone {
	var z []depot.CarrierZone
	for _, origin := range []string{"wh-ber", "st-kudamm", "st-alexanderplatz"} {
		for _, p := range []string{"10", "11", "12", "13"} {
			z = append(z, depot.CarrierZone{Origin: origin, Country: "DE", PostalPrefix: p, Zone: 1})
		}
		z = append(z, depot.CarrierZone{Origin: origin, Country: "DE", PostalPrefix: "1", Zone: 2})
	}
	return append(z, depot.CarrierZone{UpToM: 50_000, Zone: 1}, depot.CarrierZone{UpToM: 300_000, Zone: 2},
		depot.CarrierZone{UpToM: 1_500_000, Zone: 3})
}

// dpdCodes are DPD's own scan codes, as its tracking feed sends them.
var dpdCodes = []depot.CarrierCode{
	{Code: "EIN", Status: depot.TrackingPreTransit},     // Einlieferung: handed over
	{Code: "HUB", Status: depot.TrackingInTransit},      // scanned at a hub
	{Code: "ZUB", Status: depot.TrackingOutForDelivery}, // in Zustellung: on the van
	{Code: "ZUG", Status: depot.TrackingDelivered},      // zugestellt
}

// zoneBands are the zone bands of cards priced by zone: one band per zone of dpdZones.
var zoneBands = []int64{1, 2, 3}

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
// become a rate card over distance (or, with a zone chart, zone) and weight bands (a parcel is
// priced at its band's upper weight; each farther band adds a tenth of the base price). Zone
// cards are 80% of the base price in zone 1 and 15% more per zone beyond: the carrier competes
// on its home lanes.
func (c *Carrier) define(tenant string) *depot.DefineCarrier {
	d := &depot.DefineCarrier{Tenant: tenant, Carrier: c.ID, Zones: slices.Clone(c.Zones), Codes: slices.Clone(c.Codes)}
	for _, s := range c.Services {
		dist, weight := parcelDistanceM, parcelWeightG
		if slices.Contains(s.From, depot.LocationDarkStore) {
			dist, weight = cityDistanceM, cityWeightG
		} else if len(c.Zones) > 0 {
			dist = zoneBands
		}
		zoned := len(c.Zones) > 0 && !slices.Contains(s.From, depot.LocationDarkStore)
		prices := make([]int64, 0, len(dist)*len(weight))
		for b := range dist {
			for _, g := range weight {
				base := s.BaseMinor + s.BaseMinor*int64(b)/10
				if zoned {
					base = s.BaseMinor * (80 + 15*int64(b)) / 100 // the city zone is a fifth off
				}
				prices = append(prices, base+s.PerKgMinor*((g+999)/1000))
			}
		}
		cs := depot.CarrierService{Service: s.ID, DistanceUpToM: dist, WeightUpToG: weight, Prices: prices,
			TransitMinMinutes: s.TransitMinMinutes, TransitMaxMinutes: s.TransitMaxMinutes, CutoffMinute: s.CutoffMinute,
			PickupEveryMinutes: s.PickupEveryMinutes, PickupFromMinute: s.PickupFromMinute, Days: dailyMask}
		if zoned {
			cs.DistanceUpToM, cs.ZoneUpTo = nil, dist
		}
		d.Services = append(d.Services, cs)
	}
	return d
}

// carrierService is the scenario's service of a carrier, nil when it has none by that id.
func (sc *Scenario) carrierService(carrier, service string) *CarrierService {
	for i := range sc.Carriers {
		if c := &sc.Carriers[i]; c.ID == carrier {
			for j := range c.Services {
				if c.Services[j].ID == service {
					return &c.Services[j]
				}
			}
		}
	}
	return nil
}

// collection is when the carrier collects a parcel of the service handed over at handedAt: its
// first collection at or after then, by the service's own schedule in the city's local time (the
// simulated carrier keeps its timetable; the engine promises from the same one). A service
// whose schedule finds none (not in the scenario's data) collects at once.
func (sc *Scenario) collection(s *CarrierService, handedAt int64) int64 {
	svc := carriers.Service{CutoffMinute: s.CutoffMinute, PickupEveryMinutes: s.PickupEveryMinutes, PickupFromMinute: s.PickupFromMinute,
		Days: carriers.Weekdays(dailyMask)}
	at, ok := svc.NextPickup("", int32(sc.City.UTCOffsetSeconds/60), handedAt)
	if !ok {
		return handedAt
	}
	return at
}

// transitMax is the service's longest transit.
func (s *CarrierService) transitMax() int64 { return s.TransitMaxMinutes * int64(time.Minute) }
