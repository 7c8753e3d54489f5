package carriers

import "testing"

func BenchmarkChoose5Services(b *testing.B) {
	sel := mustSelector(b, fiveServices())
	shs := make([]Shipment, 64)
	for i := range shs {
		shs[i] = Shipment{Location: "wh-1", ReadyAt: t0 + int64(i)*37*MinuteNanos, DeliverBy: t0 + int64(20+i)*hour,
			DistanceM: int64(i) * 7_000, Zone: int64(1 + i%3), WeightG: 300 + int64(i)*97}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := sel.Choose(&shs[i&63]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNormalize(b *testing.B) {
	n, _ := NewNormalizer([]CarrierCodes{{Carrier: "ups", Codes: []Code{{"D", StatusDelivered}}}})
	codes := []string{"D", "Out for Delivery", "in transit", "DELIVERED", "unknown-code"}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		n.Normalize("ups", codes[i%len(codes)])
	}
}

func BenchmarkRiderBook(b *testing.B) {
	f, _ := NewRiderFleet(RiderConfig{Location: "ds", RidersPerSlot: 1 << 13})
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		ready := t0 + int64(i)*MinuteNanos/64
		if _, err := f.Book(ready, ready+15*MinuteNanos, 1_500); err != nil {
			b.Fatal(err)
		}
	}
}
