package carriers

import (
	"errors"
	"testing"

	"pgregory.net/rapid"
)

func TestRiderFleet(t *testing.T) {
	f, err := NewRiderFleet(RiderConfig{Location: "ds-1", RidersPerSlot: 2, HandoverMinutes: 2})
	if err != nil {
		t.Fatal(err)
	}
	ready := t0 + 3*MinuteNanos // 10:03, inside the 10:00 slot
	promise := t0 + 15*MinuteNanos
	// 1,200 m at 250 m/min is 5 minutes, plus 2 for the handover.
	b1, _ := f.Book(ready, promise, 1_200)
	b2, _ := f.Book(ready, promise, 1_200)
	b3, _ := f.Book(ready, promise, 1_200)
	slot := f.SlotOf(t0)
	if b1.Slot != slot || b2.Slot != slot || b3.Slot != slot+1 {
		t.Fatalf("slots %d %d %d, want %d %d %d", b1.Slot, b2.Slot, b3.Slot, slot, slot, slot+1)
	}
	if b1.DepartAt != ready || b1.ArriveAt != ready+7*MinuteNanos || b1.AtRisk {
		t.Fatalf("first booking %+v", b1)
	}
	// The third rider leaves at 10:10 and arrives 10:17, after the 10:15 promise.
	if b3.DepartAt != t0+10*MinuteNanos || !b3.AtRisk {
		t.Fatalf("third booking %+v", b3)
	}
	if f.Used(slot) != 2 || !f.Release(slot) || f.Used(slot) != 1 {
		t.Fatal("release")
	}
	if b, _ := f.Book(ready, promise, 1_200); b.Slot != slot {
		t.Fatalf("released capacity not reused: %+v", b)
	}
}

func TestRiderFleetFull(t *testing.T) {
	f, _ := NewRiderFleet(RiderConfig{Location: "ds", RidersPerSlot: 1})
	for i := 0; i < MaxRiderSlots; i++ {
		if _, err := f.Book(t0, 0, 100); err != nil {
			t.Fatalf("booking %d: %v", i, err)
		}
	}
	if _, err := f.Book(t0, 0, 100); !errors.Is(err, ErrNoRider) {
		t.Fatalf("want ErrNoRider, got %v", err)
	}
}

// However bookings, releases and ready times interleave, no slot ever holds more than its riders.
func TestPropertyRiderNeverOverbooks(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cap := int32(rapid.IntRange(1, 3).Draw(t, "cap"))
		f, _ := NewRiderFleet(RiderConfig{Location: "ds", RidersPerSlot: cap, SlotMinutes: 10})
		booked := map[int64]int32{}
		var slots []int64
		for i := rapid.IntRange(1, 200).Draw(t, "ops"); i > 0; i-- {
			if len(slots) > 0 && rapid.IntRange(0, 4).Draw(t, "op") == 0 {
				k := rapid.IntRange(0, len(slots)-1).Draw(t, "which")
				if f.Release(slots[k]) {
					booked[slots[k]]--
				}
				slots = append(slots[:k], slots[k+1:]...)
				continue
			}
			ready := t0 + rapid.Int64Range(0, 3*24*60).Draw(t, "ready")*MinuteNanos
			b, err := f.Book(ready, 0, 500)
			if err != nil {
				continue
			}
			if b.Slot < f.SlotOf(ready) || b.DepartAt < ready {
				t.Fatalf("booking %+v before ready %d", b, ready)
			}
			booked[b.Slot]++
			slots = append(slots, b.Slot)
			if booked[b.Slot] > cap {
				t.Fatalf("slot %d holds %d riders, capacity %d", b.Slot, booked[b.Slot], cap)
			}
		}
	})
}

func TestRiderConfig(t *testing.T) {
	for name, c := range map[string]RiderConfig{
		"no location": {RidersPerSlot: 1},
		"slot":        {Location: "x", RidersPerSlot: 1, SlotMinutes: 7},
		"riders":      {Location: "x"},
		"handover":    {Location: "x", RidersPerSlot: 1, HandoverMinutes: -1},
	} {
		if _, err := NewRiderFleet(c); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
