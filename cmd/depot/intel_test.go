package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/depothq/depot/sim"
)

// TestIntelEval runs `depot intel eval` on ten full simulated days of the default business and
// checks the goals of issue 5 for every incident kind (the advertising ones, warehouse
// slowdowns and carrier lane delays included), all reached on these seeds: recall >= 0.9, precision
// >= 0.9 and median detection delay <= 10 simulated minutes per incident kind. Stockout alerts
// are checked on outcome-confirmed precision (natural stockouts are real, not false); their
// strict precision against injected incidents alone is far lower and only reported.
//
// Ten days rather than five: five give nine stockouts, where one marginal miss (a quiet
// morning's position losing fewer units than StockoutMinUnits) already fails the goal.
//
// Carrier lane delays run in a second, orchestrated day per seed, alongside (13 of them on these
// seeds); TestIntelEvalKinds covers --kinds.
func TestIntelEval(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates ten days")
	}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"intel", "eval", "--seeds", "10", "--json"}, &out, &errOut); err != nil {
		t.Fatalf("intel eval: %v\n%s", err, errOut.String())
	}
	var r sim.EvalReport
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("decode the report: %v\n%s", err, out.String())
	}
	if len(r.Seeds) != 10 || len(r.Kinds) != len(sim.IncidentKinds()) || len(r.Kinds) != 8 || r.Events == 0 {
		t.Fatalf("report %+v", r)
	}
	for _, k := range r.Kinds {
		prec := k.Precision
		if k.Incident == sim.IncidentStockoutBeforeReceipt {
			prec = k.PrecisionConfirmed
		}
		t.Logf("%-24s incidents %2d recall %.3f precision %.3f (strict %.3f) median delay %s", k.Incident, k.Incidents, k.Recall, prec, k.Precision, k.MedianDelay)
		if k.Incidents < 5 || k.Recall < 0.9 || prec < 0.9 || k.MedianDelay > 10*time.Minute {
			t.Errorf("%s misses its goal: %d incidents, recall %.3f, precision %.3f, median delay %s", k.Incident, k.Incidents, k.Recall, prec, k.MedianDelay)
		}
	}

	out.Reset()
	if err := run(context.Background(), []string{"intel", "eval", "--seeds", "1", "--hours", "12"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "channel_outage") || !strings.Contains(out.String(), "median delay") {
		t.Fatalf("table output:\n%s", out.String())
	}
	if err := run(context.Background(), []string{"intel", "bogus"}, &out, &errOut); err == nil {
		t.Fatal("an unknown intel subcommand was accepted")
	}
}

// TestIntelEvalKinds checks that --kinds evaluates only the kinds named: one seed's outages
// alone, every other kind without incidents or scored alerts; an unknown kind is refused.
func TestIntelEvalKinds(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates a morning")
	}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"intel", "eval", "--seeds", "1", "--hours", "12", "--json", "--kinds", "channel_outage"}, &out, &errOut); err != nil {
		t.Fatalf("intel eval: %v\n%s", err, errOut.String())
	}
	var r sim.EvalReport
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	for _, k := range r.Kinds {
		if k.Incident == sim.IncidentChannelOutage {
			if k.Incidents == 0 || k.Detected == 0 {
				t.Errorf("outages: %+v", k)
			}
		} else if k.Incidents != 0 || k.Alerts != 0 {
			t.Errorf("%s was not asked for: %+v", k.Incident, k)
		}
	}
	if err := run(context.Background(), []string{"intel", "eval", "--kinds", "bogus"}, &out, &errOut); err == nil {
		t.Fatal("an unknown incident kind was accepted")
	}
}
