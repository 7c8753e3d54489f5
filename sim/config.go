package sim

import (
	"fmt"
	"time"

	"github.com/depothq/depot"
)

// Config describes one simulated business and the stretch of time to simulate. The zero value
// (plus a seed) gives the default business: one tenant, 600 SKUs, 12 kits, 5 regional
// warehouses, 36 Berlin dark stores, 2 stores, 4 channels and 50,000 orders a day.
type Config struct {
	// Seed decides every random choice; the same seed gives the same run.
	Seed int64
	// Tenant is the tenant all commands are for (default DefaultTenant).
	Tenant string
	// SKUs is the number of stocked SKUs (default DefaultSKUs); Kits the bundles on top of them
	// (default DefaultKits, negative for none).
	SKUs int
	Kits int
	// DarkStores is the number of dark stores in the city (default DefaultDarkStores).
	DarkStores int
	// OrdersPerDay is the average daily order volume across all channels (default
	// DefaultOrdersPerDay). Stock, capacity and replenishment are sized from it.
	OrdersPerDay int
	// Start is the first simulated instant in unix nanoseconds (default DefaultStart).
	Start int64
	// Duration is the simulated time the workload covers after Start (default 24 hours).
	Duration time.Duration
	// Quantum is the length of one instant (default DefaultQuantum).
	Quantum time.Duration
	// TickEvery and CountEvery pace the periodic Tick and cycle count (defaults
	// DefaultTickEvery and DefaultCountEvery).
	TickEvery  time.Duration
	CountEvery time.Duration
	// IDPrefix is put in front of every id the workload invents (reservations, orders,
	// shipments, receipts), so that several runs can share one server without colliding.
	IDPrefix string
	// Orchestrate switches orders from the ledger-level flow (reserve, commit, ship) to the
	// engine's order orchestration: each order is one CreateOrder the engine sources, allocates
	// and routes to a carrier, and its shipments are then released, picked, packed and shipped
	// with AdvanceShipment (orchestrate.go).
	Orchestrate bool
}

// withDefaults fills in zero fields and checks the bounds.
func (c Config) withDefaults() (Config, error) {
	if c.Tenant == "" {
		c.Tenant = DefaultTenant
	}
	if c.SKUs == 0 {
		c.SKUs = DefaultSKUs
	}
	if c.Kits == 0 {
		c.Kits = DefaultKits
	}
	if c.Kits < 0 {
		c.Kits = 0
	}
	if c.DarkStores == 0 {
		c.DarkStores = DefaultDarkStores
	}
	if c.OrdersPerDay == 0 {
		c.OrdersPerDay = DefaultOrdersPerDay
	}
	if c.Start == 0 {
		c.Start = DefaultStart
	}
	if c.Duration == 0 {
		c.Duration = 24 * time.Hour
	}
	if c.Quantum == 0 {
		c.Quantum = DefaultQuantum
	}
	if c.TickEvery == 0 {
		c.TickEvery = DefaultTickEvery
	}
	if c.CountEvery == 0 {
		c.CountEvery = DefaultCountEvery
	}
	switch {
	case c.SKUs < 20 || c.SKUs > MaxSKUs:
		return c, fmt.Errorf("sim: SKUs %d out of range [20, %d]", c.SKUs, MaxSKUs)
	case c.Kits > MaxKits:
		return c, fmt.Errorf("sim: Kits %d above %d", c.Kits, MaxKits)
	case c.DarkStores < 1 || c.DarkStores > MaxDarkStores:
		return c, fmt.Errorf("sim: DarkStores %d out of range [1, %d]", c.DarkStores, MaxDarkStores)
	case c.OrdersPerDay < 1 || c.OrdersPerDay > MaxOrdersPerDay:
		return c, fmt.Errorf("sim: OrdersPerDay %d out of range [1, %d]", c.OrdersPerDay, MaxOrdersPerDay)
	case c.Duration < 0 || c.Quantum <= 0 || c.Quantum > MaxQuantum || c.TickEvery < c.Quantum || c.CountEvery < c.Quantum:
		return c, fmt.Errorf("sim: need Duration >= 0, 0 < Quantum <= %s and TickEvery, CountEvery >= Quantum", MaxQuantum)
	case len(c.Tenant) > depot.MaxIDLen:
		return c, fmt.Errorf("sim: tenant %q longer than %d bytes", c.Tenant, depot.MaxIDLen)
	case len(c.IDPrefix) > 16:
		// The longest invented id is the prefix plus about 40 bytes; keep it under MaxIDLen.
		return c, fmt.Errorf("sim: IDPrefix %q longer than 16 bytes", c.IDPrefix)
	}
	return c, nil
}
