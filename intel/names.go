package intel

// names interns one kind of identifier (SKUs, locations, channels, carrier services) of a
// tenant to dense ids, so that series are keyed by integers and stored in slices.
type names struct {
	idx  map[string]uint32
	list []string
}

// id returns the id of s, creating it unless the limit is reached.
func (n *names) id(s string) (uint32, bool) {
	if i, ok := n.idx[s]; ok {
		return i, true
	}
	if len(n.list) >= MaxNamesPerKind {
		return 0, false
	}
	if n.idx == nil {
		n.idx = make(map[string]uint32)
	}
	i := uint32(len(n.list))
	n.idx[s] = i
	n.list = append(n.list, s)
	return i, true
}

// lookup returns the id of s without creating it.
func (n *names) lookup(s string) (uint32, bool) {
	i, ok := n.idx[s]
	return i, ok
}

// name returns the identifier of id ("" for noID).
func (n *names) name(id uint32) string {
	if int(id) < len(n.list) {
		return n.list[id]
	}
	return ""
}

// noID stands for "no entity": the network-wide demand series of a SKU has channel noID.
const noID = ^uint32(0)

// pairKey packs two ids into a map key.
func pairKey(a, b uint32) uint64 { return uint64(a)<<32 | uint64(b) }

// hashRef is FNV-1a of a reference (an inbound id), so a position remembers its pending
// receipts in fixed-size slots.
func hashRef(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}
