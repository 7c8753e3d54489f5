package ledger

import (
	"github.com/depothq/depot/internal/hash"
	"github.com/depothq/depot/internal/idtable"
)

// idIndex maps string ids to entities (reservations, remembered ids, allocations) in an
// idtable: one cache miss per lookup of an absent id and no rehash pauses as it grows (see that
// package for why not a Go map). Iteration order is unspecified, so nothing that reaches the
// state may depend on it: callers sort (see state.go) or only sum.
type idIndex[V comparable] struct{ t idtable.Table[string, V] }

func newIndex[V comparable](idOf func(V) string) idIndex[V] {
	return idIndex[V]{t: idtable.New(idOf, hashString)}
}

// hashString hashes an id; it only indexes memory, so its value never reaches the state.
func hashString(s string) uint64 { return hash.String(s) }

// idHash is the hash every idIndex files id under (its table's Hash(id)), for callers that keep
// it beside the id so as not to compute it again (the remembered-outcomes FIFO).
func idHash(id string) uint64 { return idtable.Filed(hashString(id)) }

func (x *idIndex[V]) get(id string) V    { return x.t.Get(id) }
func (x *idIndex[V]) set(id string, v V) { x.t.Set(id, v) }

// insert sets v and reports whether id was new (one probe, for a restore's duplicate check).
func (x *idIndex[V]) insert(id string, v V) bool { return x.t.Insert(id, v) }
func (x *idIndex[V]) remove(id string)           { x.t.Remove(id) }

// The *H methods take the id's idHash.
func (x *idIndex[V]) getH(h uint64, id string) V            { return x.t.GetHashed(h, id) }
func (x *idIndex[V]) insertH(h uint64, id string, v V) bool { return x.t.InsertHashed(h, id, v) }

// addH adds an id the caller knows is absent (see idtable's AddHashed).
func (x *idIndex[V]) addH(h uint64, id string, v V) { x.t.AddHashed(h, id, v) }
func (x *idIndex[V]) removeH(h uint64, id string)   { x.t.RemoveHashed(h, id) }
func (x *idIndex[V]) len() int                      { return x.t.Len() }
func (x *idIndex[V]) each(fn func(V))               { x.t.Each(fn) }
func (x *idIndex[V]) presize(n int)                 { x.t.Presize(n) }
