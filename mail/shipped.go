package mail

import (
	"strings"

	"github.com/orderdesk/orderdesk/order"
)

// TemplateShipped is the email of the shipping and refund procedure once items are marked shipped
// (or non-physical items completed): what left, with which carrier and
// tracking number, and what is still to ship.
const TemplateShipped = "shipped"

// Shipped is the data of the "shipped" email.
type Shipped struct {
	CustomerName string
	OrderNumber  string
	// Shipped are the items in this parcel, each with the quantity
	// shipped now; Completed the non-physical items made available now.
	Shipped   []order.Line
	Completed []order.Line
	// LeftToShip are the items still to ship, each with the quantity left;
	// empty once everything has shipped.
	LeftToShip  []order.Line
	Carrier     string
	Tracking    string // optional
	TrackingURL string // optional: the carrier's page for Tracking
}

func (s Shipped) check() error {
	if s.OrderNumber == "" {
		return order.Refuse("OrderNumber", "refusal.email_order_number_missing")
	}
	for _, c := range []struct {
		field string
		lines []order.Line
	}{{"Shipped", s.Shipped}, {"Completed", s.Completed}, {"LeftToShip", s.LeftToShip}} {
		if err := checkLines(c.field, c.lines); err != nil {
			return err
		}
	}
	switch {
	case len(s.Shipped) == 0 && len(s.Completed) == 0:
		return order.Refuse("Shipped", "refusal.email_shipped_nothing")
	case len(s.Shipped) > 0 && strings.TrimSpace(s.Carrier) == "":
		return order.Refuse("Carrier", "refusal.email_carrier_missing")
	}
	return nil
}
