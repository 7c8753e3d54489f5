package api

import (
	"encoding/json"
	"fmt"
	"testing"
)

// BenchmarkDecodeBatch measures strict decoding of a full batch of 3-line reservations: the
// per-request CPU the HTTP layer adds in front of the sequencer at bulk load.
func BenchmarkDecodeBatch(b *testing.B) {
	cmds := make([]Command, MaxBatchCommands)
	for i := range cmds {
		cmds[i] = &ReservationRequest{ID: fmt.Sprintf("r-%06d", i), Channel: "web", Lines: []ReserveLine{
			{SKU: "sku-00017", Location: "wh-1", Qty: 1}, {SKU: "sku-00420", Location: "wh-1", Qty: 2}, {SKU: "sku-00999", Location: "wh-1", Qty: 1},
		}}
	}
	body, err := json.Marshal(BatchRequest{Commands: cmds})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var req BatchRequest
		if p := decodeStrict(body, &req); p != nil {
			b.Fatal(p)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*MaxBatchCommands), "ns/command")
}
