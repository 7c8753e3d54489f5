package orders_test

import (
	"strconv"

	"github.com/depothq/depot"
)

// The fixture is a small commerce business in Berlin (UTC+1):
//
//	SKUs      milk 1 kg, bread 500 g, eggs 700 g (groceries); tee 200 g, mug 350 g, lamp 3 kg;
//	          giftbox = 1 tee + 1 mug (a kit)
//	locations wh-berlin   warehouse 10 km south of the centre, 120 picks/h, cutoff 17:00
//	          wh-hamburg  warehouse 255 km north-west, cutoff 16:00
//	          wh-munich   warehouse 505 km south, cutoff 15:00
//	          ds-mitte    dark store in the centre, 3 km radius, 2 riders per 10 min
//	          ds-kreuz    dark store 2 km south-east, 3 km radius, 2 riders per 10 min
//	          ds-prenz    dark store 3 km north, 3 km radius, no rider limit
//	channels  web fed by the warehouses; app (quick commerce) fed by the dark stores
//	carriers  dhl/paket (48 h, 16:00, Mon-Sat), ups/express (24 h, 17:00, Mon-Fri, dear),
//	          hermes/std (96 h, 13:00, Mon-Fri, cheapest)
const (
	berlinLat = int64(52_520_000)
	berlinLon = int64(13_405_000)
	kmLat     = int64(8_993)
	kmLon     = int64(14_780)
)

func location(id string, kind depot.LocationKind, dxKm, dyKm int64) *depot.DefineLocation {
	return &depot.DefineLocation{Tenant: tenant, Location: id, Type: kind, Status: depot.LocationOpen,
		LatE6: berlinLat + dyKm*kmLat, LonE6: berlinLon + dxKm*kmLon, UTCOffsetMinutes: 60}
}

func warehouse(id string, dxKm, dyKm int64, cutoffHour int32, perHour int64) *depot.DefineLocation {
	l := location(id, depot.LocationWarehouse, dxKm, dyKm)
	l.CutoffMinute, l.CapacityPerHour = cutoffHour*60, perHour
	return l
}

func darkStore(id string, dxKm, dyKm int64, riders int32) *depot.DefineLocation {
	l := location(id, depot.LocationDarkStore, dxKm, dyKm)
	l.ServiceRadiusM, l.RidersPerSlot = 3_000, riders
	return l
}

func sku(id string, grams int64, comps ...depot.Component) *depot.DefineSKU {
	return &depot.DefineSKU{Tenant: tenant, SKU: id, WeightGrams: grams, Components: comps}
}

func receive(id, s, loc string, qty int64) *depot.Receive {
	return &depot.Receive{Tenant: tenant, ID: id, SKU: s, Location: loc, Qty: qty}
}

// card prices by distance (<= 50 km, <= 300 km, <= 1000 km) and weight (<= 2 kg, <= 20 kg).
func service(id string, transitH int64, cutoffHour int32, days uint8, prices ...int64) depot.CarrierService {
	return depot.CarrierService{Service: id, DistanceUpToM: []int64{50_000, 300_000, 1_000_000}, WeightUpToG: []int64{2_000, 20_000},
		Prices: prices, TransitMinMinutes: transitH * 30, TransitMaxMinutes: transitH * 60, CutoffMinute: cutoffHour * 60, Days: days}
}

const (
	monFri = uint8(0x3e)
	monSat = uint8(0x7e)
)

// fixture builds the business with its catalogue, locations, channels and carriers, no stock.
func fixture(t tb) *harness {
	h := newHarness(t)
	h.ok(
		sku("milk", 1000), sku("bread", 500), sku("eggs", 700), sku("tee", 200), sku("mug", 350), sku("lamp", 3000),
		sku("giftbox", 0, depot.Component{SKU: "tee", Qty: 1}, depot.Component{SKU: "mug", Qty: 1}),
		warehouse("wh-berlin", 0, -10, 17, 120), warehouse("wh-hamburg", -150, 180, 16, 0), warehouse("wh-munich", -60, -500, 15, 0),
		darkStore("ds-mitte", 0, 0, 2), darkStore("ds-kreuz", 1, -1, 2), darkStore("ds-prenz", 0, 3, 0),
		&depot.DefineChannel{Tenant: tenant, Channel: "web", Locations: []string{"wh-berlin", "wh-hamburg", "wh-munich"}},
		&depot.DefineChannel{Tenant: tenant, Channel: "app", Locations: []string{"ds-mitte", "ds-kreuz", "ds-prenz"}},
		&depot.DefineCarrier{Tenant: tenant, Carrier: "dhl", Services: []depot.CarrierService{
			service("paket", 48, 16, monSat, 450, 650, 550, 750, 700, 900)}},
		&depot.DefineCarrier{Tenant: tenant, Carrier: "ups", Services: []depot.CarrierService{
			service("express", 24, 17, monFri, 1200, 1500, 1400, 1800, 1600, 2000)}},
		&depot.DefineCarrier{Tenant: tenant, Carrier: "hermes", Services: []depot.CarrierService{
			service("std", 96, 13, monFri, 390, 590, 490, 690, 650, 850)}},
	)
	h.log.Reset() // the transcripts start after the fixture
	return h
}

// webOrder is a standard web order shipped to Berlin's centre.
func webOrder(ext string, lines ...depot.OrderLine) *depot.CreateOrder {
	return &depot.CreateOrder{Tenant: tenant, Channel: "web", ExternalID: ext, Lines: lines,
		ShipToLatE6: berlinLat, ShipToLonE6: berlinLon, PostalCode: "10117", Country: "DE", Level: depot.LevelStandard}
}

// quickOrder is a quick-commerce order with a 15 minute promise to a point dxKm/dyKm from the centre.
func quickOrder(ext string, dxM, dyM int64, lines ...depot.OrderLine) *depot.CreateOrder {
	return &depot.CreateOrder{Tenant: tenant, Channel: "app", ExternalID: ext, Lines: lines,
		ShipToLatE6: berlinLat + dyM*kmLat/1000, ShipToLonE6: berlinLon + dxM*kmLon/1000, PostalCode: "10115", Country: "DE",
		Level: depot.LevelQuick, PromiseMinutes: 15}
}

func ln(s string, qty int64) depot.OrderLine {
	return depot.OrderLine{SKU: s, Qty: qty, UnitPriceMinor: 199}
}

func step(shipment string, s depot.ShipmentStep) *depot.AdvanceShipment {
	return &depot.AdvanceShipment{Tenant: tenant, Shipment: shipment, Step: s}
}

func ship(shipment, tracking string) *depot.AdvanceShipment {
	return &depot.AdvanceShipment{Tenant: tenant, Shipment: shipment, Step: depot.StepShip, Tracking: tracking}
}

// walk takes a shipment from allocated to shipped.
func (h *harness) walk(shipment, tracking string) {
	h.t.Helper()
	h.ok(step(shipment, depot.StepRelease), step(shipment, depot.StepPick), step(shipment, depot.StepPack), ship(shipment, tracking))
}

func track(shipment, status string, at int64) *depot.TrackShipment {
	return &depot.TrackShipment{Tenant: tenant, Shipment: shipment, Status: status, At: at}
}

func itoa(i int) string { return strconv.Itoa(i) }
