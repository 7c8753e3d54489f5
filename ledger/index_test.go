package ledger

import (
	"strconv"
	"testing"

	"pgregory.net/rapid"
)

type indexed struct{ id string }

// TestIndexMatchesMap drives the index and a map with the same inserts, replacements and
// removals, through growth and incremental moving, with hashes drawn from a tiny range so that
// home slots, clusters and whole 64-bit hashes collide all the time.
func TestIndexMatchesMap(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		x := newIndex(func(v *indexed) string { return v.id })
		model := map[string]*indexed{}
		hashOf := map[string]uint64{}
		hashes := rapid.Uint64Range(2, uint64(rapid.IntRange(2, 40).Draw(t, "distinct hashes")))
		ids := rapid.IntRange(0, 300)
		steps := rapid.IntRange(1, 2000).Draw(t, "steps")
		for range steps {
			id := "id-" + strconv.Itoa(ids.Draw(t, "id"))
			h, ok := hashOf[id]
			if !ok {
				h = hashes.Draw(t, "hash")
				hashOf[id] = h
			}
			switch rapid.IntRange(0, 3).Draw(t, "op") {
			case 0, 1:
				v := &indexed{id: id}
				x.setHashed(h, id, v)
				model[id] = v
			case 2:
				x.removeHashed(h, id)
				delete(model, id)
			}
			if got, want := x.getHashed(h, id), model[id]; got != want {
				t.Fatalf("get %s: %p, want %p", id, got, want)
			}
			if x.len() != len(model) {
				t.Fatalf("len %d, want %d", x.len(), len(model))
			}
		}
		seen := map[string]bool{}
		x.each(func(v *indexed) {
			if seen[v.id] {
				t.Fatalf("each reported %s twice", v.id)
			}
			seen[v.id] = true
			if model[v.id] != v {
				t.Fatalf("each reported %s, which the model lacks", v.id)
			}
		})
		if len(seen) != len(model) {
			t.Fatalf("each reported %d entities, want %d", len(seen), len(model))
		}
		for id, v := range model {
			if got := x.getHashed(hashOf[id], id); got != v {
				t.Fatalf("final get %s: %p, want %p", id, got, v)
			}
		}
	})
}

func TestIndexGrowsWithRealHashes(t *testing.T) {
	x := newIndex(func(v *indexed) string { return v.id })
	const n = 100_000
	vals := make([]*indexed, n)
	for i := range n {
		vals[i] = &indexed{id: "r-" + strconv.Itoa(i)}
		x.set(vals[i].id, vals[i])
		if i%3 == 0 {
			x.remove(vals[i/2].id)
			x.set(vals[i/2].id, vals[i/2])
		}
	}
	for i := range n {
		if x.get(vals[i].id) != vals[i] {
			t.Fatalf("lost %s", vals[i].id)
		}
	}
	if x.get("absent") != nil || x.len() != n {
		t.Fatalf("absent id found or len %d != %d", x.len(), n)
	}
}
