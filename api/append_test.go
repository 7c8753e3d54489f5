package api

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"pgregory.net/rapid"
)

// jsonText draws strings rich in what JSON escaping cares about.
func jsonText() *rapid.Generator[string] {
	return rapid.OneOf(
		rapid.String(),
		rapid.StringOf(rapid.SampledFrom([]rune{'a', '"', '\\', '<', '>', '&', '\n', '\t', 0, 0x1f, 0x7f, 'é', '\u2028', '\u2029', '\ufffd', '😀'})),
		rapid.Custom(func(t *rapid.T) string { return string(rapid.SliceOf(rapid.Byte()).Draw(t, "bytes")) }),
	)
}

func TestAppendersMatchEncodingJSON(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var c Command
		if rapid.Bool().Draw(t, "commit") {
			c = &Commit{ID: jsonText().Draw(t, "id"), Order: jsonText().Draw(t, "order")}
		} else {
			r := &ReservationRequest{ID: jsonText().Draw(t, "id"), Channel: jsonText().Draw(t, "channel"),
				TTLNs: rapid.Int64().Draw(t, "ttl")}
			if rapid.IntRange(0, 4).Draw(t, "ttl zero") == 0 {
				r.TTLNs = 0
			}
			if !rapid.Bool().Draw(t, "nil lines") {
				r.Lines = rapid.SliceOf(rapid.Custom(func(t *rapid.T) ReserveLine {
					return ReserveLine{SKU: jsonText().Draw(t, "sku"), Location: rapid.OneOf(rapid.Just(""), jsonText()).Draw(t, "location"),
						Qty: rapid.Int64().Draw(t, "qty")}
				})).Draw(t, "lines")
			}
			c = r
		}
		want, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		got := append(c.(fieldAppender).appendFields([]byte{'{'}), '}')
		if !bytes.Equal(got, want) {
			t.Fatalf("appender wrote\n%s\nencoding/json wrote\n%s", got, want)
		}
	})
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", `q"b\`, "<a>&", "\x00\x1f\x7f", "\u2028\u2029", "\xff\xfe", "é😀"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("appendJSONString(%q) = %s, encoding/json: %s", s, got, want)
		}
	})
}

func TestBatchRequestRoundTrips(t *testing.T) {
	in := BatchRequest{Commands: []Command{
		&ReservationRequest{ID: "r-1", Channel: "web", Lines: []ReserveLine{{SKU: "tee", Location: "ber", Qty: 2}, {SKU: "cap", Qty: 1}}},
		&Commit{ID: "r-1", Order: "o-1"},
		&SKU{},
	}}
	data, err := in.AppendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	var out BatchRequest
	if p := decodeStrict(data, &out); p != nil {
		t.Fatalf("decode %s: %v", data, p)
	}
	if len(out.Commands) != 3 {
		t.Fatalf("decoded %d commands from %s", len(out.Commands), data)
	}
	r, ok := out.Commands[0].(*ReservationRequest)
	if !ok || r.ID != "r-1" || len(r.Lines) != 2 || r.Lines[0].Location != "ber" || r.Lines[1].Qty != 1 {
		t.Fatalf("reserve decoded as %+v", out.Commands[0])
	}
	if c, ok := out.Commands[1].(*Commit); !ok || c.Order != "o-1" {
		t.Fatalf("commit decoded as %+v", out.Commands[1])
	}
}

func TestBatchResponseAppenderMatchesEncodingJSON(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := &BatchResponse{Accepted: rapid.IntRange(0, 1000).Draw(t, "accepted"), Rejected: rapid.IntRange(0, 1000).Draw(t, "rejected")}
		if !rapid.Bool().Draw(t, "nil results") {
			r.Results = rapid.SliceOf(rapid.Custom(func(t *rapid.T) BatchItem {
				it := BatchItem{OK: rapid.Bool().Draw(t, "ok"), Seq: rapid.Uint64().Draw(t, "seq"), Replayed: rapid.Bool().Draw(t, "replayed")}
				if rapid.Bool().Draw(t, "ref") {
					it.Ref = jsonText().Draw(t, "ref text")
				}
				if rapid.IntRange(0, 3).Draw(t, "seq zero") == 0 {
					it.Seq = 0
				}
				switch rapid.IntRange(0, 4).Draw(t, "extra") {
				case 0:
					it.Problem = &Problem{Status: 409, Code: "insufficient_stock", Detail: jsonText().Draw(t, "detail")}
				case 1:
					it.Events = []Event{{Seq: 1, Kind: "reserved", SKU: jsonText().Draw(t, "sku"), Qty: 2}}
				}
				return it
			})).Draw(t, "results")
		}
		want, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		got, err := r.AppendJSON(nil)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("appender wrote\n%s\nencoding/json wrote\n%s", got, want)
		}
	})
}

// TestBatchResponseScannerAgreesWithEncodingJSON decodes encoding/json's own output of random
// answers, and random mutations of it, both ways.
func TestBatchResponseScannerAgreesWithEncodingJSON(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := BatchResponse{Accepted: rapid.IntRange(0, 1<<30).Draw(t, "accepted"), Rejected: rapid.IntRange(0, 1000).Draw(t, "rejected"),
			Results: []BatchItem{}}
		for range rapid.IntRange(0, 20).Draw(t, "items") {
			it := BatchItem{OK: rapid.Bool().Draw(t, "ok"), Seq: rapid.Uint64().Draw(t, "seq"), Replayed: rapid.Bool().Draw(t, "replayed")}
			if rapid.Bool().Draw(t, "ref") {
				it.Ref = jsonText().Draw(t, "ref text")
			}
			if rapid.IntRange(0, 9).Draw(t, "problem") == 0 {
				it.Problem = &Problem{Status: 409, Code: "insufficient_stock"}
			}
			r.Results = append(r.Results, it)
		}
		data, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if rapid.Bool().Draw(t, "mutate") && len(data) > 0 {
			i := rapid.IntRange(0, len(data)-1).Draw(t, "at")
			data[i] = rapid.SampledFrom([]byte(` "{}[],:0123456789-.eEtrufalsnx\`)).Draw(t, "byte")
		}
		type plain BatchResponse
		var want plain
		wantErr := json.Unmarshal(data, &want)
		var got BatchResponse
		gotErr := got.UnmarshalJSON(data)
		if (wantErr == nil) != (gotErr == nil) {
			t.Fatalf("%s: encoding/json error %v, UnmarshalJSON error %v", data, wantErr, gotErr)
		}
		if wantErr == nil && !reflect.DeepEqual(got, BatchResponse(want)) {
			t.Fatalf("%s:\n got %+v\nwant %+v", data, got, want)
		}
	})
}

func FuzzBatchResponseScanner(f *testing.F) {
	for _, s := range []string{`{"accepted":2,"rejected":0,"results":[{"ok":true,"seq":7},{"ok":true,"seq":8,"ref":"o-8"}]}`,
		`{"accepted":0,"rejected":1,"results":[{"ok":false,"problem":{"status":409}}]}`, `{"results":null}`, `{"accepted":01}`, ` {"results":[] } `} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fast, ok := scanBatchResponse(data)
		if !ok {
			return
		}
		type plain BatchResponse
		var want plain
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatalf("the scanner accepted %q, which encoding/json refuses: %v", data, err)
		}
		if !reflect.DeepEqual(fast, BatchResponse(want)) {
			t.Fatalf("%q:\n scanner %+v\nencoding/json %+v", data, fast, want)
		}
	})
}
