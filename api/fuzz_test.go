package api

import (
	"bytes"
	"encoding/json"
	"testing"
)

// Fuzzing the strict decoder with every request type. For any input: no panic; a refusal is a 4xx
// problem whose code is in the table; an acceptance re-encodes to JSON that decodes again to the
// same value. Seeds live in testdata/fuzz/<FuzzName>/; run one for longer with
//
//	go test ./api -run '^$' -fuzz '^FuzzReservationRequest$' -fuzztime 60s

func fuzzDecode[T any](f *testing.F, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v T
		p := decodeStrict(data, &v)
		if p != nil {
			if p.Status < 400 || p.Status > 499 || StatusOf(p.Code) != p.Status {
				t.Fatalf("refusal %+v is not a 4xx of the table", p)
			}
			return
		}
		once := encode(t, &v)
		var w T
		if p := decodeStrict(once, &w); p != nil {
			// Re-encoding may lengthen a string (U+2028 becomes \u2028) past the string limit.
			if p.Code == codeLimitExceeded {
				return
			}
			t.Fatalf("accepted %q, but its re-encoding %s is refused: %v", data, once, p)
		}
		if twice := encode(t, &w); !bytes.Equal(once, twice) {
			t.Fatalf("round trip changed the value: %s then %s", once, twice)
		}
	})
}

func encode(t *testing.T, v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatalf("encode %#v: %v", v, err)
	}
	return bytes.TrimSpace(buf.Bytes())
}

const (
	seedSKU      = `{"name":"Tee","weight_grams":200,"price_minor":1500,"components":[{"sku":"a","qty":1}]}`
	seedLocation = `{"name":"W","type":"warehouse","status":"open","lat_e6":1,"lon_e6":-2,"service_radius_m":5,"capacity_per_hour":9,"groups":["g"]}`
	seedChannel  = `{"name":"Web","locations":["w1","s1"],"buffer":{"units":1,"percent":5,"cap":9},"sku_buffers":[{"sku":"a","buffer":{"cap":1}}]}`
	seedReserve  = `{"id":"r1","channel":"web","ttl_ns":60000000000,"lines":[{"sku":"a","qty":2},{"sku":"b","location":"w1","qty":1}]}`
)

func FuzzSKUSpec(f *testing.F)      { fuzzDecode[SKUSpec](f, seedSKU, `{}`, `{"components":null}`) }
func FuzzLocationSpec(f *testing.F) { fuzzDecode[LocationSpec](f, seedLocation, `{"type":"store"}`) }
func FuzzChannelSpec(f *testing.F)  { fuzzDecode[ChannelSpec](f, seedChannel, `{"locations":[]}`) }
func FuzzSKU(f *testing.F)          { fuzzDecode[SKU](f, `{"sku":"a","name":"x"}`) }
func FuzzLocation(f *testing.F)     { fuzzDecode[Location](f, `{"location":"w","type":"dark_store"}`) }
func FuzzChannel(f *testing.F)      { fuzzDecode[Channel](f, `{"channel":"web","locations":["w"]}`) }
func FuzzReceipt(f *testing.F) {
	fuzzDecode[Receipt](f, `{"id":"r","sku":"a","location":"w","qty":5,"inbound":"po"}`, `{"qty":-1}`)
}
func FuzzAdjustment(f *testing.F) {
	fuzzDecode[Adjustment](f, `{"id":"a","sku":"a","location":"w","delta":-5,"reason":"damaged"}`)
}
func FuzzCount(f *testing.F) { fuzzDecode[Count](f, `{"id":"c","sku":"a","location":"w","on_hand":0}`) }
func FuzzHold(f *testing.F) {
	fuzzDecode[Hold](f, `{"id":"h","sku":"a","location":"w","delta":3,"reason":"qa"}`)
}
func FuzzInbound(f *testing.F) {
	fuzzDecode[Inbound](f, `{"id":"po","sku":"a","location":"w","qty":5,"eta":1700000000000000000}`)
}
func FuzzShipment(f *testing.F) {
	fuzzDecode[Shipment](f, `{"id":"s","order":"o","lines":[{"sku":"a","location":"w","qty":1}]}`)
}
func FuzzReturn(f *testing.F) {
	fuzzDecode[Return](f, `{"id":"r","order":"o","sku":"a","location":"w","qty":1,"restock":true,"reason":"x"}`)
}
func FuzzReservationRequest(f *testing.F) { fuzzDecode[ReservationRequest](f, seedReserve) }
func FuzzExtendBody(f *testing.F)         { fuzzDecode[ExtendBody](f, `{"ttl_ns":1000000000}`) }
func FuzzCommitBody(f *testing.F)         { fuzzDecode[CommitBody](f, `{"order":"o"}`) }
func FuzzReleaseBody(f *testing.F)        { fuzzDecode[ReleaseBody](f, `{}`, ``) }
func FuzzExtend(f *testing.F)             { fuzzDecode[Extend](f, `{"id":"r","ttl_ns":1000000000}`) }
func FuzzRelease(f *testing.F)            { fuzzDecode[Release](f, `{"id":"r"}`) }
func FuzzCommit(f *testing.F)             { fuzzDecode[Commit](f, `{"id":"r","order":"o"}`) }
func FuzzWebhookSpec(f *testing.F) {
	fuzzDecode[WebhookSpec](f, `{"url":"https://example.com/h","events":["received"],"description":"x"}`)
}
func FuzzKeySpec(f *testing.F) { fuzzDecode[KeySpec](f, `{"scope":"read","name":"n"}`) }
func FuzzBatchRequest(f *testing.F) {
	fuzzDecode[BatchRequest](f,
		`{"commands":[{"kind":"define_sku","sku":"a"},{"kind":"receive","id":"r","sku":"a","location":"w","qty":1}]}`,
		`{"commands":[{"kind":"reserve","id":"r1","channel":"web","lines":[{"sku":"a","qty":1}]},{"kind":"release","id":"r1"}]}`,
		`{"commands":[{"id":"x","kind":"commit","order":"o"},{"kind":"extend","id":"x","ttl_ns":5}]}`,
		`{"commands":[{"kind":"define_location","location":"w","type":"store"},{"kind":"define_channel","channel":"c","locations":["w"]}]}`,
		`{"commands":[{"kind":"adjust"},{"kind":"count"},{"kind":"hold"},{"kind":"expect_inbound"},{"kind":"ship"},{"kind":"return"}]}`,
	)
}
