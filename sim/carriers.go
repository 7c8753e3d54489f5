package sim

import (
	"github.com/depothq/depot"
)

// Carrier is a parcel or courier company the business ships with, as data. The engine does not
// consume carriers yet; the scenario keeps them so that carrier selection, tracking and the
// carrier-delay incidents can be driven from the same business later. The fields follow the
// carriers package's Service so that converting is mechanical.
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
