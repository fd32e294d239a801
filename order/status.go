package order

import (
	"fmt"

	"github.com/orderdesk/orderdesk/locale"
)

// Status is where an order stands commercially.
type Status string

// The order statuses, in the order a typical order goes through them.
const (
	StatusNew              Status = "new"
	StatusAwaitingPayment  Status = "awaiting_payment"
	StatusPaid             Status = "paid"
	StatusPartiallyShipped Status = "partially_shipped"
	StatusShipped          Status = "shipped"
	StatusCompleted        Status = "completed"
	StatusCancelled        Status = "cancelled"
)

// Statuses lists every order status, for filters and validation.
var Statuses = []Status{StatusNew, StatusAwaitingPayment, StatusPaid, StatusPartiallyShipped, StatusShipped, StatusCompleted, StatusCancelled}

// statusLabels are the statuses' names in the catalog.
var statusLabels = map[Status]locale.Key{
	StatusNew:              "order_status.new",
	StatusAwaitingPayment:  "order_status.awaiting_payment",
	StatusPaid:             "order_status.paid",
	StatusPartiallyShipped: "order_status.partially_shipped",
	StatusShipped:          "order_status.shipped",
	StatusCompleted:        "order_status.completed",
	StatusCancelled:        "order_status.cancelled",
}

// Label is the status as an agent reads it, French unless lang is "en".
func (s Status) Label(lang string) string { return label(statusLabels[s], lang, string(s)) }

// LabelKey is the catalog's message naming the status ("" for an unknown one).
func (s Status) LabelKey() locale.Key { return statusLabels[s] }

// Valid reports whether s is a known status.
func (s Status) Valid() bool { _, ok := statusLabels[s]; return ok }

// Unpaid reports whether an order in status s still awaits its first
// payment in full: new, or awaiting payment.
func (s Status) Unpaid() bool { return s == StatusNew || s == StatusAwaitingPayment }

var statusMoves = map[Status][]Status{
	StatusNew:              {StatusAwaitingPayment, StatusPaid, StatusCancelled},
	StatusAwaitingPayment:  {StatusPaid, StatusCancelled},
	StatusPaid:             {StatusPartiallyShipped, StatusShipped, StatusCompleted, StatusCancelled},
	StatusPartiallyShipped: {StatusShipped, StatusCompleted, StatusCancelled},
	StatusShipped:          {StatusCompleted},
	StatusCompleted:        {},
	StatusCancelled:        {},
}

// CanMoveTo reports whether an order in status s may be moved to next.
func (s Status) CanMoveTo(next Status) bool {
	for _, n := range statusMoves[s] {
		if n == next {
			return true
		}
	}
	return false
}

// MoveTo returns next when the move is allowed, or an error naming both statuses.
func (s Status) MoveTo(next Status) (Status, error) {
	if !s.CanMoveTo(next) {
		return s, fmt.Errorf("an order %s cannot become %s", s.Label("en"), next.Label("en"))
	}
	return next, nil
}

// LogisticsStatus is where an order stands in the warehouse.
type LogisticsStatus string

// The logistics statuses, in the order the warehouse moves through them.
const (
	LogisticsAwaitingPrinting LogisticsStatus = "awaiting_printing"
	LogisticsPrinting         LogisticsStatus = "printing"
	LogisticsPrepared         LogisticsStatus = "prepared"
	LogisticsShipped          LogisticsStatus = "shipped"
)

// LogisticsStatuses lists every logistics status.
var LogisticsStatuses = []LogisticsStatus{LogisticsAwaitingPrinting, LogisticsPrinting, LogisticsPrepared, LogisticsShipped}

// logisticsLabels are the logistics statuses' names in the catalog.
var logisticsLabels = map[LogisticsStatus]locale.Key{
	LogisticsAwaitingPrinting: "logistics.awaiting_printing",
	LogisticsPrinting:         "logistics.printing",
	LogisticsPrepared:         "logistics.prepared",
	LogisticsShipped:          "logistics.shipped",
}

// Label is the logistics status as an agent reads it, French unless lang is "en".
func (s LogisticsStatus) Label(lang string) string { return label(logisticsLabels[s], lang, string(s)) }

// LabelKey is the catalog's message naming the logistics status ("" for an
// unknown one).
func (s LogisticsStatus) LabelKey() locale.Key { return logisticsLabels[s] }

// Valid reports whether s is a known logistics status.
func (s LogisticsStatus) Valid() bool { _, ok := logisticsLabels[s]; return ok }

var logisticsMoves = map[LogisticsStatus][]LogisticsStatus{
	LogisticsAwaitingPrinting: {LogisticsPrinting},
	LogisticsPrinting:         {LogisticsPrepared, LogisticsAwaitingPrinting},
	LogisticsPrepared:         {LogisticsShipped},
	LogisticsShipped:          {},
}

// CanMoveTo reports whether the warehouse may move an order from s to next.
func (s LogisticsStatus) CanMoveTo(next LogisticsStatus) bool {
	for _, n := range logisticsMoves[s] {
		if n == next {
			return true
		}
	}
	return false
}

// label says a code's name from the catalog in lang ("en", or French), or
// the code itself when it has none.
func label(key locale.Key, lang, fallback string) string {
	if key == "" {
		return fallback
	}
	return locale.For(locale.Parse(lang)).T(key)
}
