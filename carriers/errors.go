package carriers

import "errors"

// ErrNoService is returned by Selector.Choose when no service can carry the shipment at all
// (weight or lane outside every rate card, or no pickup day found).
var ErrNoService = errors.New("carriers: no service can carry the shipment")

// ErrNoRider is returned by RiderFleet.Book when every slot of the fleet's horizon is full.
var ErrNoRider = errors.New("carriers: no rider slot free within the horizon")

// ConfigError says which field of a service, fleet or mapping table is invalid. Configuration is
// validated once, when it is loaded, so the hot path never has to.
type ConfigError struct {
	Field  string
	Reason string
}

// Error implements error.
func (e *ConfigError) Error() string { return "carriers: invalid " + e.Field + ": " + e.Reason }
