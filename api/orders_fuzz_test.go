package api

import "testing"

// Fuzzing the strict decoder with the order orchestration request types (see fuzzDecode). Seeds
// live in testdata/fuzz/<FuzzName>/.

const (
	seedCarrierSpec = `{"services":[{"service":"paket","distance_up_to_m":[50000,1000000],"weight_up_to_g":[2000],"prices_minor":[450,650],` +
		`"transit_min_minutes":1440,"transit_max_minutes":2880,"cutoff_minute":960,"cutoffs":[{"location":"w","minute":1020}],` +
		`"pickup_every_minutes":30,"pickup_from_minute":480,"days":["mon","sat"]},` +
		`{"service":"zoned","zone_up_to":[1,3],"weight_up_to_g":[2000],"prices_minor":[290,520],"transit_max_minutes":2880,"cutoff_minute":960,"days":["mon"]}],` +
		`"zones":[{"origin":"w","country":"DE","postal_prefix":"10","zone":1},{"up_to_m":50000,"zone":3}],"codes":[{"code":"ZU","status":"delivered"}]}`
	seedRoutingSpec  = `{"rules":[{"kind":"closest"},{"kind":"prefer_group","group":"g"}],"own_locations":["w"],"allow_split_lines":true,"split_penalty_minor":500,"late_penalty_per_hour_minor":100}`
	seedOrderRequest = `{"channel":"web","external_id":"e1","lines":[{"sku":"a","qty":2,"unit_price_minor":199}],"ship_to_lat_e6":52520000,` +
		`"ship_to_lon_e6":13405000,"postal_code":"10117","country":"DE","level":"quick","promise_minutes":15,"placed_at":1,"ship_by":2,` +
		`"deliver_by":3,"priority":4,"attributes":[{"key":"gift","value":"yes\nwrap \u00e9"}],"backorder":"partial","reservation":"chk-1"}`
)

func FuzzCarrierSpec(f *testing.F) { fuzzDecode[CarrierSpec](f, seedCarrierSpec, `{"services":[]}`) }
func FuzzCarrier(f *testing.F) {
	fuzzDecode[Carrier](f, `{"carrier":"dhl","services":[{"service":"s","days":["sun"]}]}`)
}
func FuzzRoutingSpec(f *testing.F) { fuzzDecode[RoutingSpec](f, seedRoutingSpec, `{}`) }
func FuzzRouting(f *testing.F) {
	fuzzDecode[Routing](f, `{"channel":"web","rules":[{"kind":"cheapest"}]}`)
}
func FuzzOrderRequest(f *testing.F) {
	fuzzDecode[OrderRequest](f, seedOrderRequest, `{"channel":"web","external_id":"x","lines":[{"sku":"a","qty":1}]}`)
}
func FuzzCancelBody(f *testing.F) {
	fuzzDecode[CancelBody](f, `{"lines":[{"sku":"a","qty":1}],"reason":"customer"}`, `{}`, ``)
}
func FuzzOrderCancel(f *testing.F) { fuzzDecode[OrderCancel](f, `{"order":"o-1","reason":"x"}`) }
func FuzzAdvanceBody(f *testing.F) {
	fuzzDecode[AdvanceBody](f, `{"step":"ship","tracking":"T1"}`, `{"step":"release"}`)
}
func FuzzShipmentAdvance(f *testing.F) {
	fuzzDecode[ShipmentAdvance](f, `{"shipment":"o-1-1","step":"pick"}`)
}
func FuzzTrackingBody(f *testing.F) {
	fuzzDecode[TrackingBody](f, `{"status":"in_transit","at":1893456000000000000}`)
}
func FuzzShipmentTracking(f *testing.F) {
	fuzzDecode[ShipmentTracking](f, `{"shipment":"o-1-1","status":"Zugestellt","at":1}`)
}
func FuzzExceptionBody(f *testing.F) {
	fuzzDecode[ExceptionBody](f, `{"code":"address_invalid","note":"no such street"}`, `{"code":"x"}`)
}
func FuzzExceptionRaise(f *testing.F) {
	fuzzDecode[ExceptionRaise](f, `{"order":"o-1","code":"fraud_review"}`)
}
func FuzzExceptionResolve(f *testing.F) {
	fuzzDecode[ExceptionResolve](f, `{"order":"o-1","code":"cleared","note":"payment confirmed"}`)
}
