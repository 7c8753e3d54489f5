package idtable

import (
	"hash/maphash"
	"strconv"
	"testing"

	"pgregory.net/rapid"
)

type entity struct{ id string }

func idOf(e *entity) string { return e.id }

// TestTableMatchesMap drives the table and a map with the same inserts, adds of absent keys,
// replacements, removals and touches, through growth and incremental moving, with hashes drawn
// from a tiny range so that home slots, clusters and whole 64-bit hashes collide all the time.
func TestTableMatchesMap(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		hashOf := map[string]uint64{}
		hashes := rapid.Uint64Range(0, uint64(rapid.IntRange(1, 40).Draw(t, "distinct hashes")))
		x := New(idOf, func(id string) uint64 { return hashOf[id] })
		model := map[string]*entity{}
		ids := rapid.IntRange(0, 300)
		steps := rapid.IntRange(1, 2000).Draw(t, "steps")
		for range steps {
			id := "id-" + strconv.Itoa(ids.Draw(t, "id"))
			if _, ok := hashOf[id]; !ok {
				hashOf[id] = hashes.Draw(t, "hash")
			}
			// The Hashed methods are what the keyed ones call; drawing both checks that they
			// agree with a caller that kept Hash(k).
			hashed := rapid.Bool().Draw(t, "hashed")
			switch rapid.IntRange(0, 5).Draw(t, "op") {
			case 0:
				v := &entity{id: id}
				x.Set(id, v)
				model[id] = v
			case 1:
				v := &entity{id: id}
				_, had := model[id]
				added := false
				if hashed {
					added = x.InsertHashed(x.Hash(id), id, v)
				} else {
					added = x.Insert(id, v)
				}
				if added == had {
					t.Fatalf("insert %s: added %v, but the model held it: %v", id, added, had)
				}
				model[id] = v
			case 2:
				if hashed {
					x.RemoveHashed(x.Hash(id), id)
				} else {
					x.Remove(id)
				}
				delete(model, id)
			case 3:
				// As callers add: after a lookup that found nothing.
				if x.GetHashed(x.Hash(id), id) == nil {
					v := &entity{id: id}
					x.AddHashed(x.Hash(id), id, v)
					model[id] = v
				}
			case 4:
				// Touch only reads, whatever the table's state (growing or not).
				x.Touch([]uint64{x.Hash(id), hashes.Draw(t, "touched hash")})
			}
			got := x.Get(id)
			if hashed {
				got = x.GetHashed(x.Hash(id), id)
			}
			if want := model[id]; got != want {
				t.Fatalf("get %s: %p, want %p", id, got, want)
			}
			if x.Len() != len(model) {
				t.Fatalf("len %d, want %d", x.Len(), len(model))
			}
		}
		seen := map[string]bool{}
		x.Each(func(v *entity) {
			if seen[v.id] {
				t.Fatalf("each reported %s twice", v.id)
			}
			seen[v.id] = true
			if model[v.id] != v {
				t.Fatalf("each reported %s, which the model lacks", v.id)
			}
		})
		if len(seen) != len(model) {
			t.Fatalf("each reported %d values, want %d", len(seen), len(model))
		}
		for id, v := range model {
			if got := x.Get(id); got != v {
				t.Fatalf("final get %s: %p, want %p", id, got, v)
			}
		}
	})
}

func TestTableGrowsWithRealHashes(t *testing.T) {
	seed := maphash.MakeSeed()
	x := New(idOf, func(id string) uint64 { return maphash.String(seed, id) })
	x.Presize(10)
	const n = 100_000
	vals := make([]*entity, n)
	for i := range n {
		vals[i] = &entity{id: "r-" + strconv.Itoa(i)}
		x.Set(vals[i].id, vals[i])
		if i%3 == 0 {
			x.Remove(vals[i/2].id)
			x.Set(vals[i/2].id, vals[i/2])
		}
	}
	for i := range n {
		if x.Get(vals[i].id) != vals[i] {
			t.Fatalf("lost %s", vals[i].id)
		}
	}
	if x.Get("absent") != nil || x.Len() != n {
		t.Fatalf("absent id found or len %d != %d", x.Len(), n)
	}
}

func TestSetZeroValuePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("setting a nil value did not panic")
		}
	}()
	x := New(idOf, func(string) uint64 { return 7 })
	x.Set("a", nil)
}

// TestGrowthMovesIntoThePrefaultedTable checks prefault's promise: every table past the small
// sizes grows into the spare allocated ahead, with each of its pages written first.
func TestGrowthMovesIntoThePrefaultedTable(t *testing.T) {
	seed := maphash.MakeSeed()
	x := New(idOf, func(id string) uint64 { return maphash.String(seed, id) })
	grown := 0
	for i := range 200_000 {
		size, spare, touched := len(x.cur.slots), x.spare, x.touched
		x.Set("r-"+strconv.Itoa(i), &entity{id: "r-" + strconv.Itoa(i)})
		if len(x.cur.slots) == size || size < 4*slotsPerPage {
			continue
		}
		grown++
		if spare == nil || &x.cur.slots[0] != &spare[0] {
			t.Fatalf("grew from %d slots into a fresh table, not the spare", size)
		}
		if touched < len(spare) {
			t.Fatalf("grew from %d slots with %d of %d spare slots' pages written", size, touched, len(spare))
		}
	}
	if grown < 5 {
		t.Fatalf("only %d growths past the small sizes", grown)
	}
}

// TestEmptiedTableDropsItsSpare: a table whose entries were removed gives back the next table
// it had allocated ahead, and one presized to under spareAt eighths full holds none.
func TestEmptiedTableDropsItsSpare(t *testing.T) {
	seed := maphash.MakeSeed()
	x := New(idOf, func(id string) uint64 { return maphash.String(seed, id) })
	var vals []*entity
	for i := 0; x.spare == nil; i++ {
		vals = append(vals, &entity{id: "r-" + strconv.Itoa(i)})
		x.Set(vals[i].id, vals[i])
	}
	for _, v := range vals {
		x.Remove(v.id)
	}
	if x.spare != nil || x.Len() != 0 {
		t.Fatalf("emptied table keeps a spare of %d slots (%d values)", len(x.spare), x.Len())
	}
	y := New(idOf, func(id string) uint64 { return maphash.String(seed, id) })
	y.Presize(90_000) // 262,144 slots: a third full
	for i := range 90_000 {
		y.Set("r-"+strconv.Itoa(i), &entity{id: "r-" + strconv.Itoa(i)})
	}
	if y.spare != nil {
		t.Fatalf("a table presized for what it holds allocated a spare of %d slots", len(y.spare))
	}
}
