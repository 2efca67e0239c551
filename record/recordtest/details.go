package recordtest

import (
	"pgregory.net/rapid"

	"github.com/payrec/payrec/attempt"
)

// The detail generators draw non-zero values that every report accepts.
// The params generators leave each optional detail out now and then.

// Address draws a postal address with at least a country; the other
// fields are set or left out independently.
func Address() *rapid.Generator[attempt.Address] {
	return rapid.Custom(func(t *rapid.T) attempt.Address {
		return attempt.Address{
			City:       optional(Text(20)).Draw(t, "city"),
			Country:    rapid.SampledFrom([]string{"US", "DE", "JP", "KW", "CL"}).Draw(t, "country"),
			Line1:      optional(Text(30)).Draw(t, "line1"),
			Line2:      optional(Text(30)).Draw(t, "line2"),
			PostalCode: optional(rapid.StringMatching(`[0-9A-Z]{3,8}`)).Draw(t, "postal_code"),
			State:      optional(Text(10)).Draw(t, "state"),
		}
	})
}

// BillingDetails draws billing details with at least a name.
func BillingDetails() *rapid.Generator[attempt.BillingDetails] {
	return rapid.Custom(func(t *rapid.T) attempt.BillingDetails {
		return attempt.BillingDetails{
			Address: optional(Address()).Draw(t, "address"),
			Email:   optional(email()).Draw(t, "email"),
			Name:    Text(30).Draw(t, "name"),
			Phone:   optional(phone()).Draw(t, "phone"),
		}
	})
}

// ShippingDetails draws shipping details with at least an address.
func ShippingDetails() *rapid.Generator[attempt.ShippingDetails] {
	return rapid.Custom(func(t *rapid.T) attempt.ShippingDetails {
		return attempt.ShippingDetails{
			Address: Address().Draw(t, "address"),
			Name:    optional(Text(30)).Draw(t, "name"),
			Phone:   optional(phone()).Draw(t, "phone"),
		}
	})
}

// CustomerDetails draws customer details with at least an email.
func CustomerDetails() *rapid.Generator[attempt.CustomerDetails] {
	return rapid.Custom(func(t *rapid.T) attempt.CustomerDetails {
		return attempt.CustomerDetails{
			Customer: optional(ID("cus_")).Draw(t, "customer"),
			Email:    email().Draw(t, "email"),
			Name:     optional(Text(30)).Draw(t, "name"),
			Phone:    optional(phone()).Draw(t, "phone"),
		}
	})
}

// CustomerPresence draws on_session or off_session.
func CustomerPresence() *rapid.Generator[attempt.CustomerPresence] {
	return rapid.SampledFrom([]attempt.CustomerPresence{attempt.OnSession, attempt.OffSession})
}

// ProcessorDetails draws custom processor details: the type written out
// or left to its default, with a payment reference or without one.
func ProcessorDetails() *rapid.Generator[attempt.ProcessorDetails] {
	return rapid.Custom(func(t *rapid.T) attempt.ProcessorDetails {
		return attempt.ProcessorDetails{
			Type:             rapid.SampledFrom([]string{"", attempt.ProcessorTypeCustom}).Draw(t, "type"),
			PaymentReference: optional(ID("npp")).Draw(t, "payment_reference"),
		}
	})
}

// CustomDetails draws the details of a custom payment method: a display
// name and, sometimes, a custom payment method type.
func CustomDetails() *rapid.Generator[attempt.CustomDetails] {
	return rapid.Custom(func(t *rapid.T) attempt.CustomDetails {
		return attempt.CustomDetails{
			DisplayName: Text(20).Draw(t, "display_name"),
			Type:        optional(ID("cpmt_")).Draw(t, "type"),
		}
	})
}

// otherTypes are payment method types other than custom; Stripe's
// parameter takes the type's name but not its hash.
var otherTypes = []string{"card", "sepa_debit", "paypal", "pix"}

// PaymentMethodDetails draws how an attempt was paid: mostly a custom
// method (type written out or left to default), sometimes one of Stripe's
// other types; with or without a payment method ID and billing details.
func PaymentMethodDetails() *rapid.Generator[attempt.PaymentMethodDetails] {
	return rapid.Custom(func(t *rapid.T) attempt.PaymentMethodDetails {
		d := attempt.PaymentMethodDetails{
			PaymentMethod:  optional(ID("pm_")).Draw(t, "payment_method"),
			BillingDetails: optional(BillingDetails()).Draw(t, "billing_details"),
		}
		if rapid.IntRange(0, 3).Draw(t, "method_kind") == 0 {
			d.Type = rapid.SampledFrom(otherTypes).Draw(t, "method")
			return d
		}
		d.Type = rapid.SampledFrom([]string{"", attempt.TypeCustom}).Draw(t, "type")
		d.Custom = CustomDetails().Draw(t, "custom")
		return d
	})
}

func email() *rapid.Generator[string] {
	return rapid.StringMatching(`[a-z0-9.+]{1,12}@example\.(com|de)`)
}

func phone() *rapid.Generator[string] {
	return rapid.StringMatching(`\+[1-9][0-9]{6,12}`)
}
