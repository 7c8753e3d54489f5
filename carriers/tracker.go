package carriers

// TrackingEvent is one raw tracking event as a carrier reports it.
type TrackingEvent struct {
	// At is when the carrier says the event happened (unix nanoseconds).
	At int64
	// Code is the carrier's status string or code, normalised by the Tracker.
	Code string
}

// Tracker turns a shipment's raw tracking events and its promise into a Verdict, and settles
// verdicts into on-time scores. It holds configuration only, so one Tracker serves all shipments.
type Tracker struct {
	// Normalizer maps the carriers' codes; nil uses the defaults only.
	Normalizer *Normalizer
	// StuckAfterMinutes is how long a moving parcel may go without an event before it is stuck;
	// 0 means DefaultStuckAfterMinutes.
	StuckAfterMinutes int64
}

// Verdict is what the events of one shipment say at an instant.
type Verdict struct {
	// Status is the status of the latest event (ties on At go to the furthest status, so the
	// order the events arrive in does not matter); StatusUnknown if no event was recognised.
	Status Status
	// LastEventAt is the instant of the latest recognised event, 0 if none.
	LastEventAt int64
	// ArrivedAt is the first instant the parcel was delivered or available for pickup, 0 if not yet.
	ArrivedAt int64
	// Late is set when the parcel arrived after the promise, or has not arrived and the promise
	// has passed.
	Late bool
	// Stuck is set when the parcel is moving and no event came for StuckAfterMinutes.
	Stuck bool
	// Unrecognised counts events whose code no table maps (for the carrier integration's alerts).
	Unrecognised int
}

// Assess reads the events of a shipment of carrier with promise promisedBy (unix nanoseconds,
// 0 for none) as of now. Events may come in any order; they are not modified.
func (t *Tracker) Assess(carrier string, events []TrackingEvent, promisedBy, now int64) Verdict {
	var v Verdict
	for i := range events {
		ev := &events[i]
		st, ok := t.normalize(carrier, ev.Code)
		if !ok {
			v.Unrecognised++
			continue
		}
		if v.Status == StatusUnknown || ev.At > v.LastEventAt ||
			(ev.At == v.LastEventAt && statusRank[st] > statusRank[v.Status]) {
			v.Status, v.LastEventAt = st, ev.At
		}
		if st.Arrived() && (v.ArrivedAt == 0 || ev.At < v.ArrivedAt) {
			v.ArrivedAt = ev.At
		}
	}
	if promisedBy != 0 {
		if v.ArrivedAt != 0 {
			v.Late = v.ArrivedAt > promisedBy
		} else {
			v.Late = now > promisedBy && v.Status != StatusCancelled
		}
	}
	stuck := t.StuckAfterMinutes
	if stuck <= 0 {
		stuck = DefaultStuckAfterMinutes
	}
	v.Stuck = v.ArrivedAt == 0 && v.Status.Moving() && now-v.LastEventAt >= stuck*MinuteNanos
	return v
}

func (t *Tracker) normalize(carrier, code string) (Status, bool) {
	if t.Normalizer != nil {
		return t.Normalizer.Normalize(carrier, code)
	}
	return defaultNormalizer.Normalize(carrier, code)
}

var defaultNormalizer = mustNormalizer()

func mustNormalizer() *Normalizer {
	n, err := NewNormalizer(nil)
	if err != nil {
		panic(err)
	}
	return n
}

// Outcome says whether the verdict settles the promise and, if so, whether it was kept. The
// promise is settled at the first arrival (on time if at or before the promise) and broken by a
// return to sender; a cancellation settles nothing (it says nothing of the carrier), and neither
// does a shipment without a promise.
func (v Verdict) Outcome(promisedBy int64) (onTime, settled bool) {
	switch {
	case promisedBy == 0:
		return false, false
	case v.ArrivedAt != 0:
		return v.ArrivedAt <= promisedBy, true
	case v.Status == StatusReturnToSender:
		return false, true
	}
	return false, false
}

// Settle folds the verdict's outcome into score and reports whether it did. Call it once per
// shipment, when the verdict first settles; the caller records that it did (the score cannot
// tell a repeat from a new shipment).
func (t *Tracker) Settle(v Verdict, promisedBy int64, score *OnTimeScore) bool {
	onTime, settled := v.Outcome(promisedBy)
	if settled {
		score.Observe(onTime)
	}
	return settled
}
