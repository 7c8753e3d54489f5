package carriers

// t0 is Monday 2024-01-15 10:00 UTC.
const t0 = int64(1705312800) * 1e9

const hour = 60 * MinuteNanos

// card prices by distance band (<=50 km, <=500 km) and weight band (<=1 kg, <=10 kg).
func card(p ...int64) RateCard {
	return RateCard{Basis: ByDistance, BandUpTo: []int64{50_000, 500_000}, WeightUpToG: []int64{1_000, 10_000}, Prices: p}
}

// fiveServices is a typical carrier mix: an economy ground service, a standard one, an express
// one, a next-day premium and a regional courier with a late cutoff, Monday to Friday.
func fiveServices() []Service {
	return []Service{
		{Carrier: "dhl", ID: "paket", Rates: card(450, 650, 550, 750), TransitMinMinutes: 24 * 60, TransitMaxMinutes: 48 * 60,
			CutoffMinute: 16 * 60, Days: WeekdaysMSa},
		{Carrier: "dpd", ID: "classic", Rates: card(420, 620, 600, 800), TransitMinMinutes: 24 * 60, TransitMaxMinutes: 72 * 60,
			CutoffMinute: 15 * 60, Days: WeekdaysMF},
		{Carrier: "ups", ID: "express", Rates: card(1200, 1500, 1400, 1800), TransitMinMinutes: 12 * 60, TransitMaxMinutes: 24 * 60,
			CutoffMinute: 17 * 60, Days: WeekdaysMF},
		{Carrier: "gls", ID: "business", Rates: card(480, 680, 580, 780), TransitMinMinutes: 24 * 60, TransitMaxMinutes: 36 * 60,
			CutoffMinute: 14 * 60, Days: WeekdaysMF, Cutoffs: []Cutoff{{Location: "wh-late", Minute: 20 * 60}}},
		{Carrier: "cour", ID: "sameday", Rates: RateCard{Basis: ByZone, BandUpTo: []int64{1, 2}, WeightUpToG: []int64{5_000}, Prices: []int64{900, 1300}},
			TransitMinMinutes: 2 * 60, TransitMaxMinutes: 6 * 60, CutoffMinute: 12 * 60, Days: WeekdaysMF},
	}
}

func mustSelector(t interface{ Fatal(...any) }, s []Service) *Selector {
	sel, err := NewSelector(s)
	if err != nil {
		t.Fatal(err)
	}
	return sel
}
