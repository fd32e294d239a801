package mail

import (
	"strings"
	"time"

	"github.com/orderdesk/orderdesk/order"
)

// TemplateReturnInstructions is the email of the return procedure once a
// return is authorised: its number, the items to send back and how, and
// until when the shop waits for the parcel; the same email reminds the
// customer while the parcel has not arrived.
const TemplateReturnInstructions = "return_instructions"

// ReturnInstructions is the data of the "return_instructions" email.
type ReturnInstructions struct {
	CustomerName string
	OrderNumber  string
	ReturnNumber string
	// Items are the items to send back, each with the quantity.
	Items []order.Line
	// Exchange: the customer gets other items instead of their money.
	Exchange bool
	// WaitUntil is the day the shop stops waiting for the parcel.
	WaitUntil time.Time
	// Reminder: the parcel has not arrived yet.
	Reminder bool
	// LabelURL is the prepaid return label to print (a PDF at the
	// carrier), LabelTracking its parcel's tracking number and
	// LabelCarrier the carrier's name; empty: no carrier, the customer
	// sends the parcel their own way.
	LabelURL      string
	LabelTracking string
	LabelCarrier  string
}

func (r ReturnInstructions) check() error {
	switch {
	case r.OrderNumber == "":
		return order.Refuse("OrderNumber", "refusal.email_order_number_missing")
	case r.ReturnNumber == "":
		return order.Refuse("ReturnNumber", "refusal.email_return_number_missing")
	case len(r.Items) == 0:
		return order.Refuse("Items", "refusal.email_return_no_items")
	case r.LabelURL != "" && !strings.HasPrefix(r.LabelURL, "https://") && !strings.HasPrefix(r.LabelURL, "http://"):
		return order.Refuse("LabelURL", "refusal.email_label_url")
	}
	return checkLines("Items", r.Items)
}
