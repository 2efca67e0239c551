package attempt

import (
	"fmt"
	"strconv"

	"github.com/payrec/payrec/internal/wire"
)

// CustomerPresence says whether the customer was in the checkout flow when
// the payment was made. The zero value means it was not reported and encodes
// as null.
type CustomerPresence uint8

// The customer presences Stripe defines.
const (
	OnSession  CustomerPresence = iota + 1 // the customer was present
	OffSession                             // the payment ran without the customer
)

// String returns "on_session", "off_session", "" for the zero value, and
// "CustomerPresence(N)" for any other value.
func (p CustomerPresence) String() string {
	switch p {
	case 0:
		return ""
	case OnSession:
		return "on_session"
	case OffSession:
		return "off_session"
	}
	return "CustomerPresence(" + strconv.Itoa(int(p)) + ")"
}

// IsValid reports whether p is the zero value or a defined presence.
func (p CustomerPresence) IsValid() bool { return p <= OffSession }

// ParseCustomerPresence parses "on_session" or "off_session".
func ParseCustomerPresence(s string) (CustomerPresence, error) {
	switch s {
	case "on_session":
		return OnSession, nil
	case "off_session":
		return OffSession, nil
	}
	return 0, wire.At(pkg, "customer_presence").Errorf("", nil,
		"Invalid customer_presence: must be one of on_session or off_session, got %q", s)
}

// MarshalText encodes p as its name; the zero value and undefined values are
// errors.
func (p CustomerPresence) MarshalText() ([]byte, error) {
	if p == 0 || !p.IsValid() {
		return nil, fmt.Errorf("attempt: cannot encode customer presence %s", p)
	}
	return []byte(p.String()), nil
}

// UnmarshalText decodes "on_session" or "off_session".
func (p *CustomerPresence) UnmarshalText(b []byte) error {
	v, err := ParseCustomerPresence(string(b))
	if err == nil {
		*p = v
	}
	return err
}
