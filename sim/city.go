package sim

import (
	"math"
	"time"
)

// The geography of the scenario: Berlin, its neighbourhoods (where dark stores sit), two flagship
// stores, and regional distribution centres across Germany. Coordinates are approximate
// micro-degrees; they only need to be plausible, not surveyed.

// place is a named point.
type place struct {
	slug string
	name string
	lat  float64
	lon  float64
}

// City is the metropolitan area the scenario's dark stores and stores serve.
type City struct {
	Name string `json:"name"`
	// LatE6 and LonE6 are the city centre in micro-degrees.
	LatE6 int64 `json:"lat_e6"`
	LonE6 int64 `json:"lon_e6"`
	// UTCOffsetSeconds is the local offset used for hour-of-day seasonality and shipping hours.
	UTCOffsetSeconds int `json:"utc_offset_seconds"`
}

// TimeZone returns the city's local time as a fixed offset, for printing simulated clocks.
func (c City) TimeZone() *time.Location {
	return time.FixedZone(c.Name, c.UTCOffsetSeconds)
}

// berlin is the scenario's city, in summer time (CEST, UTC+2).
var berlin = City{Name: "Berlin", LatE6: 52_520_000, LonE6: 13_405_000, UTCOffsetSeconds: 2 * 3600}

// DefaultStart is the first simulated instant: Monday 2 June 2025, 00:00 in Berlin.
var DefaultStart = time.Date(2025, 6, 2, 0, 0, 0, 0, time.FixedZone("CEST", berlin.UTCOffsetSeconds)).UnixNano()

// neighbourhoods are where dark stores open, in the order they open.
var neighbourhoods = []place{
	{"mitte", "Mitte", 52.5200, 13.4050},
	{"prenzlauer-berg", "Prenzlauer Berg", 52.5389, 13.4244},
	{"friedrichshain", "Friedrichshain", 52.5158, 13.4545},
	{"kreuzberg", "Kreuzberg", 52.4986, 13.4030},
	{"neukoelln", "Neukölln", 52.4811, 13.4353},
	{"schoeneberg", "Schöneberg", 52.4833, 13.3500},
	{"charlottenburg", "Charlottenburg", 52.5167, 13.3041},
	{"wilmersdorf", "Wilmersdorf", 52.4874, 13.3208},
	{"moabit", "Moabit", 52.5300, 13.3427},
	{"wedding", "Wedding", 52.5500, 13.3667},
	{"pankow", "Pankow", 52.5693, 13.4020},
	{"weissensee", "Weißensee", 52.5520, 13.4660},
	{"lichtenberg", "Lichtenberg", 52.5153, 13.4990},
	{"treptow", "Treptow", 52.4930, 13.4660},
	{"tempelhof", "Tempelhof", 52.4660, 13.3850},
	{"steglitz", "Steglitz", 52.4570, 13.3210},
	{"friedenau", "Friedenau", 52.4710, 13.3290},
	{"zehlendorf", "Zehlendorf", 52.4340, 13.2590},
	{"spandau", "Spandau", 52.5360, 13.2000},
	{"reinickendorf", "Reinickendorf", 52.5870, 13.3300},
	{"tegel", "Tegel", 52.5880, 13.2870},
	{"koepenick", "Köpenick", 52.4450, 13.5740},
	{"marzahn", "Marzahn", 52.5440, 13.5640},
	{"hellersdorf", "Hellersdorf", 52.5360, 13.6050},
	{"adlershof", "Adlershof", 52.4350, 13.5450},
	{"britz", "Britz", 52.4430, 13.4330},
	{"mariendorf", "Mariendorf", 52.4380, 13.3870},
	{"lankwitz", "Lankwitz", 52.4350, 13.3450},
	{"westend", "Westend", 52.5170, 13.2600},
	{"gesundbrunnen", "Gesundbrunnen", 52.5500, 13.3880},
	{"hohenschoenhausen", "Hohenschönhausen", 52.5500, 13.5000},
	{"karlshorst", "Karlshorst", 52.4830, 13.5280},
	{"rummelsburg", "Rummelsburg", 52.4990, 13.4900},
	{"halensee", "Halensee", 52.4960, 13.2900},
	{"dahlem", "Dahlem", 52.4590, 13.2850},
	{"friedrichshagen", "Friedrichshagen", 52.4520, 13.6230},
}

// warehouses are the regional distribution centres; the first serves Berlin and feeds the dark
// stores by transfer.
var warehouses = []place{
	{"ber", "Großbeeren DC (Berlin-Brandenburg)", 52.3540, 13.3090},
	{"ham", "Hamburg-Billbrook DC", 53.5350, 10.0900},
	{"lej", "Leipzig/Halle DC", 51.4200, 12.2200},
	{"muc", "Eching DC (Munich)", 48.3000, 11.6200},
	{"dtm", "Dortmund DC", 51.5136, 7.4653},
}

// stores are the flagship stores that also ship web orders.
var stores = []place{
	{"alexanderplatz", "Store Alexanderplatz", 52.5219, 13.4132},
	{"kudamm", "Store Kurfürstendamm", 52.5035, 13.3300},
}

func e6(deg float64) int64 { return int64(math.Round(deg * 1e6)) }

// distanceM is the equirectangular distance in metres between two micro-degree points: exact
// enough within a city, and cheap.
func distanceM(lat1, lon1, lat2, lon2 int64) float64 {
	const earthM = 6_371_000.0
	φ1, φ2 := float64(lat1)/1e6*math.Pi/180, float64(lat2)/1e6*math.Pi/180
	dφ := φ2 - φ1
	dλ := float64(lon2-lon1) / 1e6 * math.Pi / 180 * math.Cos((φ1+φ2)/2)
	return earthM * math.Sqrt(dφ*dφ+dλ*dλ)
}
